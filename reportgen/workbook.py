"""``reportgen export``: the month's numbers as a workbook (or CSV files) for analysts.

Analysts paste KPI series, action states and recommendation RAGs into other
returns (regional benchmarking, the DfE's, a partnership's scorecard). The
packs are PDFs and the assessment JSON needs a program to read, so this
writes the same numbers as typed tables: three sheets (or files), one row
per KPI month, per action and per recommendation.

The numbers come only from the assessment, never recomputed from inputs, so
the export always agrees with the packs and with ``assess --format json``.
The one thing the assessment does not hold per month, a month's RAG, is
judged by the same rule (:func:`~reportgen.assess.rag.kpi_rag`) against that
month's target, so the reporting month's RAG is the assessment's own.

Written with openpyxl (already needed to read KPI workbooks) and the csv
module rather than pandas: each cell's Excel type and number format is set
directly (months as dates shown ``Mar 2020``, percentages as ``55.0%``),
which a DataFrame would only pass through to openpyxl anyway, and reportgen
stays free of a large dependency used nowhere else.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from reportgen.assess.rag import kpi_rag
from reportgen.assess.results import ActionResult, Assessment, RecommendationResult
from reportgen.assess.spc import SpcPoint
from reportgen.assess.targets import target_at
from reportgen.atomic import atomic_write_bytes, atomic_write_text
from reportgen.periods import Period
from reportgen.present import labels
from reportgen.present.reasons import computed_reason, recommendation_reason, state_label

Kind = Literal["text", "month", "number", "percent", "integer"]
Cell = str | float | int | date | None
Format = Literal["xlsx", "csv"]

MONTH_FORMAT = "mmm yyyy"
PERCENT_FORMAT = "0.0%"
NUMBER_FORMAT = "#,##0.0##"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    width: int = 12


@dataclass(frozen=True)
class Sheet:
    """One table: a sheet in the workbook, a file in the CSV export."""

    name: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _month(period: Period | None) -> date | None:
    return date(period.year, period.month, 1) if period is not None else None


def _kind(column: Column, unit: str | None) -> Kind:
    """A KPI's numbers are percentages when the KPI's unit is percent."""
    return "percent" if column.kind == "number" and unit == "percent" else column.kind


def signal(point: SpcPoint | None) -> str | None:
    """The month's SPC verdict in the packs' words (blank without limits)."""
    if point is None or point.point_type is None or point.mean is None:
        return None
    if point.point_type == "common_cause" or point.side is None:
        return labels.variation("common_cause").label
    return labels.variation(f"{point.point_type}_{point.side}").label


def kpi_sheet(assessment: Assessment) -> Sheet:
    """Every month of every quantitative KPI: value, target, RAG and its SPC numbers."""
    columns = (
        Column("recommendation", "text", 8),
        Column("kpi", "text", 8),
        Column("title", "text", 40),
        Column("unit", "text", 10),
        Column("month", "month", 10),
        Column("value", "number"),
        Column("target", "number"),
        Column("rag", "text", 10),
        Column("spc_mean", "number"),
        Column("spc_lower_limit", "number"),
        Column("spc_upper_limit", "number"),
        Column("spc_signal", "text", 26),
    )
    plan_kpis = assessment.plan.kpis()
    rules = assessment.plan.rag
    rows: list[tuple[Cell, ...]] = []
    for k in assessment.kpis:
        if not k.quantitative:
            continue
        kpi = plan_kpis[k.id][1]
        known = [(p, v) for p, v in k.series if v is not None]
        start = known[0] if known else None
        spc = {pt.period: pt for pt in k.spc.points} if k.spc is not None else {}
        for (period, value), target in zip(k.series, k.targets, strict=True):
            status = kpi_rag(kpi, value, target_at(kpi, period, start), rules)
            point = spc.get(period)
            rows.append(
                (
                    k.recommendation,
                    k.id,
                    k.title,
                    k.unit,
                    _month(period),
                    value,
                    target,
                    labels.rag(status),
                    point.mean if point else None,
                    point.lower_limit if point else None,
                    point.upper_limit if point else None,
                    signal(point),
                )
            )
    return Sheet("KPIs", columns, tuple(rows))


def _action_row(a: ActionResult) -> tuple[Cell, ...]:
    return (
        a.recommendation,
        a.ref,
        a.text,
        a.workstream,
        "; ".join(a.leads) or None,
        state_label(a),
        _month(a.original_due),
        _month(a.revised_due),
        a.due_as_written,
        a.reported_status,
        a.percent_complete,
        a.overdue_weeks,
        _month(a.updated_in),
        a.comment,
    )


def action_sheet(assessment: Assessment) -> Sheet:
    columns = (
        Column("recommendation", "text", 8),
        Column("action", "text", 8),
        Column("text", "text", 50),
        Column("workstream", "text", 14),
        Column("lead", "text", 24),
        Column("state", "text", 14),
        Column("due", "month", 10),
        Column("revised_due", "month", 10),
        Column("due_as_written", "text", 16),
        Column("reported_status", "text", 12),
        Column("percent_complete", "percent"),
        Column("overdue_weeks", "integer"),
        Column("last_update", "month", 10),
        Column("comment", "text", 50),
    )
    return Sheet("Actions", columns, tuple(_action_row(a) for a in assessment.actions))


def _recommendation_row(r: RecommendationResult) -> tuple[Cell, ...]:
    overridden = r.override is not None
    return (
        r.ref,
        r.title,
        labels.rag(r.status),
        recommendation_reason(r),
        labels.rag(r.computed_status) if overridden else None,
        computed_reason(r) if overridden else None,
        r.travel,
    )


def recommendation_sheet(assessment: Assessment) -> Sheet:
    columns = (
        Column("recommendation", "text", 8),
        Column("title", "text", 50),
        Column("rag", "text", 10),
        Column("reason", "text", 60),
        Column("computed_rag", "text", 10),
        Column("computed_reason", "text", 40),
        Column("travel", "text", 12),
    )
    rows = tuple(_recommendation_row(r) for r in assessment.recommendations)
    return Sheet("Recommendations", columns, rows)


def sheets(assessment: Assessment) -> tuple[Sheet, ...]:
    return (kpi_sheet(assessment), action_sheet(assessment), recommendation_sheet(assessment))


def _units(sheet: Sheet) -> list[str | None]:
    """Each row's unit, where the sheet has one (percent values are scaled per row)."""
    names = [c.name for c in sheet.columns]
    if "unit" not in names:
        return [None] * len(sheet.rows)
    index = names.index("unit")
    return [str(row[index]) if row[index] is not None else None for row in sheet.rows]


def workbook_bytes(assessment: Assessment) -> bytes:
    """The three sheets as an .xlsx file, typed and formatted for pasting elsewhere."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    for sheet in sheets(assessment):
        ws = book.create_sheet(sheet.name)
        ws.append([c.name for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row, unit in zip(sheet.rows, _units(sheet), strict=True):
            ws.append(_excel_values(sheet.columns, row, unit))
            for column, cell in zip(sheet.columns, ws[ws.max_row], strict=True):
                fmt = _excel_format(_kind(column, unit))
                if fmt and cell.value is not None:
                    cell.number_format = fmt
        for i, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(i)].width = column.width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _excel_values(columns: Sequence[Column], row: Sequence[Cell], unit: str | None) -> list[Cell]:
    values: list[Cell] = []
    for column, value in zip(columns, row, strict=True):
        if _kind(column, unit) == "percent" and isinstance(value, int | float):
            value = value / 100  # Excel's percentages are fractions shown with %
        values.append(value)
    return values


def _excel_format(kind: Kind) -> str | None:
    return {
        "month": MONTH_FORMAT,
        "percent": PERCENT_FORMAT,
        "number": NUMBER_FORMAT,
        "integer": "0",
    }.get(kind)


def csv_text(sheet: Sheet) -> str:
    """One sheet as CSV: months as YYYY-MM, percentages on the 0-100 scale as in the JSON."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([c.name for c in sheet.columns])
    for row in sheet.rows:
        writer.writerow([_csv_value(v) for v in row])
    return out.getvalue()


def _csv_value(value: Cell) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    if isinstance(value, float):
        return round(value, 4)  # as in the assessment JSON
    return value


def write_export(assessment: Assessment, folder: Path, fmt: Format) -> list[Path]:
    """Write the export into ``folder``; return the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        path = folder / f"reportgen-{assessment.period}.xlsx"
        atomic_write_bytes(path, workbook_bytes(assessment))
        return [path]
    written = []
    for sheet in sheets(assessment):
        path = folder / f"{sheet.name.lower()}-{assessment.period}.csv"
        atomic_write_text(path, csv_text(sheet))
        written.append(path)
    return written
