"""Assessment: pure functions from loaded inputs to the answers a board needs.

Are we on track (targets, RAG), is anything getting worse (SPC, direction of
travel, changes) and what is being done (action status)? Nothing here reads
or writes files, so every pack shows the same numbers for the same inputs.

Results (:mod:`reportgen.assess.results`) hold numbers, months and enums
only; :mod:`reportgen.present` turns them into words when a pack, the
``assess`` table, the JSON or an email is made, so there is one place that
says each thing.
"""
