"""The presentation layer: every number format, label and sentence a reader sees.

``assess`` decides (numbers and enums); this package says it in words, once,
for every output: the PDF templates (as Jinja filters and globals, see
:func:`reportgen.present.jinja.install`), the ``assess`` text table and JSON
labels, chart titles and alt text, and the email. A board member comparing
the chart, the table beside it and the email should read the same string for
the same number, so no other module formats a KPI value or names a status.

* :mod:`~reportgen.present.numbers`: values with unit and decimals, points,
  changes, counts, dates.
* :mod:`~reportgen.present.labels`: words and icons for RAG, movement, SPC
  variation and assurance, and the key and glossary that explain them.
* :mod:`~reportgen.present.sentences`: summaries, SPC sentences, target words,
  alt text, captions and provenance lines built from assessment results.
* :mod:`~reportgen.present.reasons`: why each RAG is what it is (KPI, action,
  recommendation), drivers, changes, action states, outcomes against activity.
* :mod:`~reportgen.present.briefing`: the executive summary.
* :mod:`~reportgen.present.assessment_json`, :mod:`~reportgen.present.table` and
  :mod:`~reportgen.present.printed`: the ``assess`` command's JSON and table.
"""
