"""Collecting leads' monthly updates: a workbook out, the same workbook back.

``collect`` writes one prefilled workbook per lead, ``ingest`` checks a
returned one cell by cell and merges it into ``inputs/``, ``chase`` lists
(and reminds) who is still missing. See docs/collection-cycle.md
(``reportgen docs collect``).
"""
