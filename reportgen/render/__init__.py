"""Render stage: charts, HTML from templates, PDF, atomic writes and the manifest.

Nothing here decides anything about the plan; it only presents what the
``assess`` stage concluded. Every file it writes is written atomically so a
failed build never leaves a half-written pack where a good one used to be.
"""
