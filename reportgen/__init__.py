"""reportgen: board packs for an improvement plan.

Data flows one way: ``load`` (inputs to typed objects) -> ``assess`` (pure
functions) -> ``render`` (charts, HTML, PDF) -> ``distribute`` (email, ledger).
"""

__version__ = "0.1.0"
