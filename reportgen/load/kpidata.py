"""KPI values from a CSV file or Excel workbook, checked against the plan.

Two layouts are accepted because analysts keep data both ways:

* long: one row per value, with ``kpi``, ``period`` and ``value`` columns
  (and optionally ``numerator``, ``denominator``, ``team``, ``note``);
* wide: one row per month, a ``period`` column and one column per KPI,
  headed by the KPI id (``42`` or ``KPI 42``), optionally a ``team`` column.

The layout is told from the header: a ``kpi`` or ``value`` column means long.
Every problem in the file is collected (each with its line and column name
and a hint on how to fix it) so that a whole return is corrected in one pass;
a cell with a problem is left out, the rest of the file still loads.

Rules worth knowing (docs/inputs-kpis.md explains them for analysts):
a value that disagrees with its own numerator/denominator by more than half
a point (half a per cent for non-percentage units) is an **error**, because
the pack cannot know which of the two is right; values for audit, milestone
and narrative measures are a **warning** and are ignored, because those are
judged from evidence rather than a number.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from reportgen.errors import Problem, Severity, concerning
from reportgen.load.parsing import ParsedNumber, clean_text, is_missing, parse_number, parse_period
from reportgen.load.plan import Kpi, Plan
from reportgen.load.records import DataPoint, Source
from reportgen.load.tabular import (
    HEADER_SEARCH_ROWS,
    CellValue,
    Row,
    Table,
    header_key,
    read_table,
)
from reportgen.periods import Period

LONG_REQUIRED = ("kpi", "period", "value")
LONG_OPTIONAL = ("numerator", "denominator", "team", "note")
_ALIASES = {
    "kpi id": "kpi",
    "kpi ref": "kpi",
    "month": "period",
    "notes": "note",
    "comment": "note",
    "comments": "note",
}
_FRACTIONS = re.compile(r"\s*\((?:fractions?|0\s*-\s*1)\)\s*$", re.IGNORECASE)
"""A header ending "(fraction)" declares the column's percentages as 0-1 fractions."""
_KPI_REF = re.compile(r"^(?:kpi\s*(?:id|no\.?|number)?\s*[:#]?\s*)?(\d+[a-z]?(?:\s*-\s*[a-z]+)?)$")

CONSISTENCY_POINTS = 0.5
"""Largest allowed gap, in percentage points, between a percent value and 100*n/d."""
CONSISTENCY_SHARE = 0.005
"""Largest allowed relative gap between a non-percent value and n/d."""

_NON_NEGATIVE_UNITS = frozenset({"percent", "count", "days", "weeks", "ratio"})

_FORMS_HINT = (
    "use either long form (columns kpi, period, value) or wide form "
    "(a period column plus one column per KPI, headed by its id such as 42 or 'KPI 42')"
)


def kpi_ref(text: str) -> str | None:
    """The KPI id a cell or header names (``42``, ``KPI 42``, ``kpi 4A``), or None."""
    m = _KPI_REF.match(header_key(_FRACTIONS.sub("", text)))
    return re.sub(r"\s+", "", m.group(1)) if m else None


@dataclass
class _Col:
    """A value-bearing column: where it is and what the analyst called it."""

    index: int
    name: str
    fractions: bool = False
    """Headed e.g. "value (fraction)": percentages written as 0.85 for 85%."""


@dataclass
class _Checker:
    """Turns cells into data points for one file, collecting problems as it goes."""

    display: str
    plan: Plan | None
    """None when the plan could not be read: only what needs no plan is checked."""
    table: Table
    kpis: dict[str, Kpi] = field(init=False)
    problems: list[Problem] = field(default_factory=list)
    points: list[DataPoint] = field(default_factory=list)
    seen: dict[tuple[str, Period, str], int] = field(default_factory=dict)
    declared: set[str] = field(default_factory=set)
    """Percent KPIs whose values this file declares as fractions."""
    bare: dict[str, list[tuple[int, str, float]]] = field(default_factory=dict)
    """Percent KPIs' values written without % and not declared: (line, column, value)."""

    def __post_init__(self) -> None:
        self.kpis = {} if self.plan is None else {k: v for k, (_, v) in self.plan.kpis().items()}

    def kpi(self, ref: str) -> Kpi | None:
        """The plan's KPI ``ref``; without a plan, a stand-in with no unit to check against."""
        if self.plan is None:
            return Kpi.model_construct(
                id=ref, title=ref, measure="quantitative", unit=None, as_written=ref
            )
        return self.kpis.get(ref)

    def add(
        self, line: int | None, name: str | None, message: str, severity: Severity = "error"
    ) -> None:
        self.problems.append(Problem(self.display, line, None, name, message, severity))

    # -- header ---------------------------------------------------------------

    def classify(self) -> dict[str, _Col]:
        """Known columns by canonical name; reports duplicates."""
        known: dict[str, _Col] = {}
        for index, name in enumerate(self.table.header):
            key = _column_key(name)
            if key not in (*LONG_REQUIRED, *LONG_OPTIONAL):
                continue
            if key in known:
                self.add(
                    self.table.header_line,
                    name,
                    f"column {key!r} appears twice (columns {known[key].index + 1} and "
                    f"{index + 1}); delete or rename one of them",
                )
                continue
            known[key] = _Col(index, name, bool(_FRACTIONS.search(name)))
        return known

    def unknown_kpi(self, raw: str) -> str:
        ids = list(self.kpis)
        ref = kpi_ref(raw) or header_key(raw)
        close = difflib.get_close_matches(ref, ids, n=3, cutoff=0.5)
        if close:
            hint = "did you mean " + " or ".join(repr(c) for c in close) + "?"
        else:
            shown = ", ".join(ids[:15]) + (", …" if len(ids) > 15 else "")
            hint = f"the plan's KPI ids are: {shown or '(none)'}"
        return f"{raw!r} is not a KPI in the plan; {hint} Use the id exactly as the plan gives it"

    # -- one value ------------------------------------------------------------

    def number(self, row: Row, col: _Col | None) -> ParsedNumber | bool | None:
        """The cell's number; None when blank; False when it has a problem (reported)."""
        if col is None:
            return None
        cell = row.get(col.index)
        if is_missing(cell):
            return None
        try:
            return parse_number(cell)
        except ValueError as exc:
            self.add(row.line, col.name, str(exc))
            return False

    def period(self, row: Row, col: _Col) -> Period | None:
        cell = row.get(col.index)
        try:
            period = parse_period(cell if not is_missing(cell) else "")
        except ValueError as exc:
            self.add(row.line, col.name, str(exc))
            return None
        if self.plan is not None and not self.plan.start <= period <= self.plan.end:
            self.add(
                row.line,
                col.name,
                f"{period.label} is outside the plan, which runs from {self.plan.start.label} "
                f"to {self.plan.end.label}; check the year, or change start/end in the plan",
            )
            return None
        return period

    def point(
        self,
        row: Row,
        kpi: Kpi,
        period: Period | None,
        value_col: _Col,
        numerator_col: _Col | None = None,
        denominator_col: _Col | None = None,
        team: str | None = None,
        note: str | None = None,
    ) -> None:
        """Check one value (and its fraction) and keep it if nothing is wrong."""
        start = len(self.problems)
        self._point(row, kpi, period, value_col, numerator_col, denominator_col, team, note)
        if period is not None:  # "no data for this month" would only repeat these errors
            about = concerning(f"KPI {kpi.id}", period)
            self.problems[start:] = [
                replace(p, about=about) if p.is_error else p for p in self.problems[start:]
            ]

    def _point(
        self,
        row: Row,
        kpi: Kpi,
        period: Period | None,
        value_col: _Col,
        numerator_col: _Col | None,
        denominator_col: _Col | None,
        team: str | None,
        note: str | None,
    ) -> None:
        value = self.number(row, value_col)
        if isinstance(value, ParsedNumber) and kpi.unit == "percent":
            declared = value_col.fractions or kpi.fractions
            if declared:
                self.declared.add(kpi.id)
                if not value.percent_sign:
                    value = ParsedNumber(round(value.value * 100, 9))
            elif not value.percent_sign and is_missing(
                row.get(numerator_col.index) if numerator_col else None
            ):
                self.bare.setdefault(kpi.id, []).append((row.line, value_col.name, value.value))
        numerator = self.number(row, numerator_col)
        denominator = self.number(row, denominator_col)
        if value is None and numerator is None and denominator is None:
            return
        ok = value is not False and numerator is not False and denominator is not False
        scale = 100.0 if kpi.unit == "percent" else 1.0
        if isinstance(value, ParsedNumber):
            ok &= self.check_value(row, kpi, value_col, value)
        fraction: tuple[float, float] | None = None
        if isinstance(numerator, ParsedNumber) and isinstance(denominator, ParsedNumber):
            assert numerator_col is not None and denominator_col is not None
            fraction = (numerator.value, denominator.value)
            good = self.check_fraction(row, kpi, numerator_col, denominator_col, *fraction)
            ok &= good
            if good and isinstance(value, ParsedNumber):
                ok &= self.check_consistent(row, kpi, value_col, value.value, *fraction)
        elif isinstance(numerator, ParsedNumber) or isinstance(denominator, ParsedNumber):
            missing = denominator_col if isinstance(numerator, ParsedNumber) else numerator_col
            given = numerator_col if isinstance(numerator, ParsedNumber) else denominator_col
            assert missing is not None and given is not None
            self.add(
                row.line,
                missing.name,
                f"{given.name} is given but {missing.name} is blank; give both or neither",
            )
            ok = False
        if period is None:
            return
        team_key = (team or "").casefold()
        key = (kpi.id, period, team_key)
        if key in self.seen:
            who = f" for team {team!r}" if team else ""
            self.add(
                row.line,
                value_col.name,
                f"KPI {kpi.id} already has a value for {period.label}{who} on line "
                f"{self.seen[key]}; keep one of the two rows",
            )
            return
        self.seen[key] = row.line
        if not ok:
            return
        if isinstance(value, ParsedNumber):
            number = value.value
        elif fraction is not None:
            number = round(fraction[0] / fraction[1] * scale, 9)
        else:  # only reachable when one of the pair was reported above
            return
        self.points.append(
            DataPoint(
                kpi=kpi.id,
                period=period,
                value=number,
                numerator=fraction[0] if fraction else None,
                denominator=fraction[1] if fraction else None,
                team=team,
                note=note,
                source=Source(self.display, row.line),
            )
        )

    def check_value(self, row: Row, kpi: Kpi, col: _Col, value: ParsedNumber) -> bool:
        if self.plan is None:  # the unit is the plan's to say
            return True
        if value.percent_sign and kpi.unit != "percent":
            self.add(
                row.line,
                col.name,
                f"the value is written with % but KPI {kpi.id} is measured in "
                f"{kpi.unit or 'units'}, not percent; remove the % or check the KPI id",
            )
            return False
        if kpi.unit == "percent" and not 0 <= value.value <= 100:
            self.add(
                row.line,
                col.name,
                f"{value.value:g} is not a percentage between 0 and 100; "
                "write 85 or 85% for 85 per cent",
            )
            return False
        if kpi.unit in _NON_NEGATIVE_UNITS and value.value < 0:
            self.add(
                row.line,
                col.name,
                f"{value.value:g} is negative, but KPI {kpi.id} is measured in {kpi.unit}; "
                "check the sign",
            )
            return False
        return True

    def check_fraction(
        self,
        row: Row,
        kpi: Kpi,
        numerator_col: _Col,
        denominator_col: _Col,
        numerator: float,
        denominator: float,
    ) -> bool:
        ok = True
        if denominator <= 0:
            self.add(
                row.line,
                denominator_col.name,
                f"the denominator is {denominator:g}; it must be more than 0 "
                "(leave numerator and denominator blank if there were no cases)",
            )
            ok = False
        if numerator < 0:
            self.add(
                row.line,
                numerator_col.name,
                f"the numerator is {numerator:g}; it cannot be negative",
            )
            ok = False
        if ok and kpi.unit == "percent" and numerator > denominator:
            self.add(
                row.line,
                numerator_col.name,
                f"the numerator ({numerator:g}) is larger than the denominator "
                f"({denominator:g}); the numerator counts the cases that meet the measure, "
                "out of the denominator - check the two are not swapped",
            )
            ok = False
        return ok

    def check_consistent(
        self, row: Row, kpi: Kpi, col: _Col, value: float, numerator: float, denominator: float
    ) -> bool:
        if self.plan is None:  # a percent or a ratio: the plan's to say
            return True
        if kpi.unit == "percent":
            expected = numerator / denominator * 100
            off = abs(value - expected) > CONSISTENCY_POINTS
            shown = f"{expected:.1f}%"
        else:
            expected = numerator / denominator
            off = abs(value - expected) > CONSISTENCY_SHARE * abs(expected) + 1e-9
            shown = f"{expected:.4g}"
        if off:
            self.add(
                row.line,
                col.name,
                f"the value {value:g} does not match numerator/denominator "
                f"({numerator:g}/{denominator:g} = {shown}); correct whichever is wrong, "
                "or leave the value blank to have it calculated",
            )
        return not off

    def check_fractions(self) -> None:
        """Percent values that are all between 0 and 1 are fractions typed as percentages.

        0.55 read on the 0-100 scale is 0.55%, not 55%: a silent wrong number in
        the pack. So it is an error naming the first cell, unless the column or
        the KPI declares fractions (then they are multiplied by 100).
        """
        for kid, cells in self.bare.items():
            if kid in self.declared or not cells:
                continue
            values = [v for _, _, v in cells]
            if not (all(0 <= v <= 1 for v in values) and any(v > 0 for v in values)):
                continue
            line, column, value = cells[0]
            more = f" (and {len(cells) - 1} more on lines {_lines(cells[1:])})" if cells[1:] else ""
            self.problems.append(
                Problem(
                    self.display,
                    line,
                    None,
                    column,
                    f"{value:g} for percent KPI {kid} looks like a fraction{more}: percentages "
                    f"are read on a 0-100 scale, so it would be reported as {value:g}%. Write "
                    f"{value * 100:g} or {value * 100:g}%, or, if the data gives fractions, head "
                    f"the column '{column} (fraction)' or set 'fractions: true' on KPI {kid} "
                    "in the plan",
                )
            )

    def stray_cells(self, row: Row) -> bool:
        """Report values beyond the header (often an unquoted comma); True if any.

        Such a row is skipped whole: with ``7,2019-10,1,234`` the value cell
        says 1, and loading it would put a wrong number in the pack.
        """
        width = len(self.table.header)
        extra = row.cells[width:]
        if self.table.kind == "csv" and any(not is_missing(c) for c in extra):
            self.add(
                row.line,
                None,
                f"the row has {len(row.cells)} cells but the header has {width} columns; "
                'put any value that contains a comma in double quotes (e.g. "1,234"); '
                "the row was not read",
            )
            return True
        return False


def _lines(cells: list[tuple[int, str, float]]) -> str:
    shown = ", ".join(str(line) for line, _, _ in cells[:5])
    return shown + (", …" if len(cells) > 5 else "")


def _measure_name(kpi: Kpi) -> str:
    return {"audit": "an audit measure", "milestone": "a milestone"}.get(
        kpi.measure, f"a {kpi.measure} measure"
    )


def _text(row: Row, col: _Col | None) -> str | None:
    return clean_text(row.get(col.index)) if col else None


def _load_long(check: _Checker, cols: dict[str, _Col]) -> None:
    kpi_col, period_col, value_col = cols["kpi"], cols["period"], cols["value"]
    numerator_col, denominator_col = cols.get("numerator"), cols.get("denominator")
    value_cols = [c for c in (value_col, numerator_col, denominator_col) if c]
    for row in check.table.rows:
        if check.stray_cells(row):
            continue
        if all(is_missing(row.get(c.index)) for c in value_cols):
            continue
        raw: CellValue = row.get(kpi_col.index)
        kpi_text = clean_text(raw)
        kpi: Kpi | None = None
        if kpi_text is None:
            check.add(
                row.line, kpi_col.name, "the KPI id is blank; write the KPI's id from the plan"
            )
        else:
            ref = kpi_ref(kpi_text)
            kpi = check.kpi(ref) if ref else None
            if kpi is None:
                check.add(row.line, kpi_col.name, check.unknown_kpi(kpi_text))
            elif kpi.measure != "quantitative":
                check.add(
                    row.line,
                    kpi_col.name,
                    f"KPI {kpi.id} is {_measure_name(kpi)}, judged from evidence rather "
                    "than a number; the value was ignored (remove the row to silence this)",
                    "warning",
                )
                continue
        period = check.period(row, period_col)
        if kpi is None:
            for col in value_cols:
                check.number(row, col)
            continue
        check.point(
            row,
            kpi,
            period,
            value_col,
            numerator_col,
            denominator_col,
            team=_text(row, cols.get("team")),
            note=_text(row, cols.get("note")),
        )


def _wide_columns(check: _Checker, cols: dict[str, _Col]) -> list[tuple[_Col, Kpi]]:
    """KPI columns of a wide sheet; reports unknown, duplicate and ignored headers."""
    line = check.table.header_line
    out: list[tuple[_Col, Kpi]] = []
    first: dict[str, str] = {}
    used = {c.index for key, c in cols.items() if key in ("period", "team")}
    for index, name in enumerate(check.table.header):
        if index in used or not name:
            continue
        if any(c.index == index for c in cols.values()):
            check.add(
                line,
                name,
                "column ignored: a wide sheet reads only period, team and KPI columns; "
                "use long form (kpi, period, value, ...) for notes, numerators and denominators",
                "warning",
            )
            continue
        ref = kpi_ref(name)
        if ref is None:
            check.add(
                line,
                name,
                "column ignored: its header is not a KPI id; head KPI columns with the id "
                "from the plan (e.g. 42 or 'KPI 42')",
                "warning",
            )
            continue
        kpi = check.kpi(ref)
        if kpi is None:
            check.add(line, name, check.unknown_kpi(name) + "; the column was not read")
        elif kpi.id in first:
            check.add(
                line,
                name,
                f"KPI {kpi.id} already has a column ({first[kpi.id]!r}); "
                "delete or rename one of them",
            )
        elif kpi.measure != "quantitative":
            first[kpi.id] = name
            check.add(
                line,
                name,
                f"KPI {kpi.id} is {_measure_name(kpi)}, judged from evidence rather than a "
                "number; the column was ignored (remove it to silence this)",
                "warning",
            )
        else:
            first[kpi.id] = name
            out.append((_Col(index, name, bool(_FRACTIONS.search(name))), kpi))
    return out


def _load_wide(check: _Checker, cols: dict[str, _Col]) -> None:
    period_col = cols["period"]
    kpi_cols = _wide_columns(check, cols)
    for row in check.table.rows:
        if check.stray_cells(row):
            continue
        if all(is_missing(row.get(c.index)) for c, _ in kpi_cols):
            continue
        period = check.period(row, period_col)
        team = _text(row, cols.get("team"))
        for col, kpi in kpi_cols:
            check.point(row, kpi, period, col, team=team)


def _column_key(name: str) -> str:
    key = header_key(_FRACTIONS.sub("", name))
    return _ALIASES.get(key, key)


def is_kpi_header(cells: list[str]) -> bool:
    """A KPI file's header: a period column with kpi and value, or with KPI id columns."""
    keys = {_column_key(c) for c in cells if c}
    if "period" not in keys:
        return False
    return {"kpi", "value"} <= keys or any(kpi_ref(c) for c in cells if c)


def _header_problems(check: _Checker, cols: dict[str, _Col]) -> str | None:
    """Which layout the header is in ("long" or "wide"), or None after reporting why not."""
    header = check.table.header
    line = check.table.header_line
    if not cols and not any(kpi_ref(h) for h in header if h):
        shown = ", ".join(repr(h) for h in header if h)[:80]
        check.add(
            line,
            None,
            f"no header row found: row {line} reads {shown} and none of the first "
            f"{HEADER_SEARCH_ROWS} rows heads the columns; the header row should be row {line}: "
            f"{_FORMS_HINT}",
        )
        return None
    long_form = "kpi" in cols or "value" in cols
    if not long_form:
        has_kpi_columns = any(kpi_ref(h) for h in header if h)
        if "period" in cols and has_kpi_columns:
            return "wide"
        if has_kpi_columns:
            check.add(line, "period", f"the header has no period column; {_FORMS_HINT}")
            return None
    missing = [c for c in LONG_REQUIRED if c not in cols]
    for name in missing:
        check.add(line, name, f"the header has no {name!r} column; {_FORMS_HINT}")
    if missing:
        return None
    for index, name in enumerate(header):
        key = _column_key(name)
        if name and key not in (*LONG_REQUIRED, *LONG_OPTIONAL):
            check.add(
                line,
                name,
                "column ignored: long-form columns are "
                + ", ".join((*LONG_REQUIRED, *LONG_OPTIONAL))
                + f" (this is column {index + 1})",
                "warning",
            )
    return "long"


def load_kpi_file(
    path: Path, display: str, plan: Plan | None
) -> tuple[list[DataPoint], list[Problem]]:
    """Read one KPI data file; return every value that passed and every problem found.

    Never raises for bad input. With no plan (it could not be read), the file's
    shape, months, numbers and duplicates are still checked; KPI ids, units
    and the plan's date range are not. Values with a problem are left out; the
    caller decides (by the problems' severity) whether the run can go on.
    """
    table, problems = read_table(path, display, is_kpi_header)
    if table is None:
        return [], problems
    check = _Checker(display, plan, table, problems=list(problems))
    cols = check.classify()
    layout = _header_problems(check, cols)
    if layout == "long":
        _load_long(check, cols)
    elif layout == "wide":
        _load_wide(check, cols)
    if layout and not table.rows:
        check.add(
            table.header_line,
            None,
            "the file has a header but no data rows; add one row per value",
            "warning",
        )
    check.check_fractions()
    return check.points, check.problems
