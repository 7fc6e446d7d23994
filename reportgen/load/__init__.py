"""The load stage: input files in, typed records and located problems out.

Nothing here raises for bad input; every loader returns what it could read
plus a list of :class:`~reportgen.errors.Problem` so a whole project can be
checked in one pass. :func:`reportgen.load.project.read_project` is the one
entry point later stages need.
"""
