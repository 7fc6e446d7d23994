#!/usr/bin/env python3
"""Write the ILLUSTRATIVE example data for the Children First worked example.

The plan (inputs/plan.yaml) is transcribed from the real document, but the
monthly data that would feed its board packs is not public, apart from a few
social worker vacancy figures. This script invents plausible data for every
quantitative KPI, monthly action updates and leads' notes, so the packs can
be built and judged end to end. Every file it writes says it is
illustrative.

The output is deterministic (a fixed seed, per-item random streams, fixed
timestamps inside the workbook), so rerunning it gives byte-identical files
and a reviewer can see in git exactly what a change to the generator did.

Usage: python scripts/generate_example_data.py [--out DIR] [--plan PATH]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    from reportgen.errors import InputError
    from reportgen.load.plan import Action, Kpi, Plan, Recommendation, read_plan
    from reportgen.periods import Period, period_range
    from reportgen.present.numbers import target as present_target
    from reportgen.present.numbers import value as present_value
except ImportError:  # running from a checkout without installing
    sys.path.insert(0, str(ROOT))
    from reportgen.errors import InputError
    from reportgen.load.plan import Action, Kpi, Plan, Recommendation, read_plan
    from reportgen.periods import Period, period_range
    from reportgen.present.numbers import target as present_target
    from reportgen.present.numbers import value as present_value

SEED = 20190401
LABEL = "illustrative"

WORKFORCE_FILE = "workforce-2019-20.csv"
PERFORMANCE_FILE = "performance-2019-20.csv"
AUDIT_FILE = "audit-dashboard-2019-20.xlsx"

WORKFORCE_IDS = ("6", "7", "8", "10", "54", "55", "56")
"""Workforce KPIs, kept by HR in a wide sheet (one column per KPI)."""
AUDIT_IDS = ("47", "48", "49")
"""Audit KPIs, exported from the QA team's Excel dashboard."""

PUBLIC_VACANCY_KPI = "54"
PUBLIC_VACANCY = {(2019, 2): 18.5, (2019, 8): 5.19, (2019, 9): 2.0}
"""Social worker vacancy gap (%) as published; the only real figures in the data."""

SHIFT_IDS = ("11b", "19", "62")
"""KPIs given a sustained step change after July 2019, so SPC shows special cause."""
SHIFT_AT = 3
"""Index of the first month after the change (July 2019): nine points after it."""

PROFILES = {
    "42": "improve",
    "43": "improve",
    "45": "improve",
    "68": "improve",
    "55": "improve",
    "58": "improve",
    "16": "worsen",
    "51": "worsen",
    "27": "flat",
    "34": "flat",
    "35": "flat",
}

STARTS = {"42": 52.0, "43": 58.0, "45": 50.0}
"""Supervision KPIs start low, so their interim targets (70-80%) are a real test."""

GAP_LAST_TWO = "39"
"""A KPI whose last two months are missing: a 'no data' warning for March 2020."""
STALE_KPI, STALE_AFTER = "65", (2019, 11)
"""A KPI with no values after November 2019: a 'stale' warning for March 2020."""

UPDATE_START = Period(2019, 8)
"""First month of action updates: the plan was agreed in July 2019."""
WORK_START = Period(2019, 7)
NOTE_EXTRA_RECS = ("1", "8", "10")
"""Recommendations with notes for earlier months too, not just the latest two."""
OVERRIDE = (
    "10",
    "green",
    "The vacancy gap has stayed well under 10% since August 2019 and agency "
    "use is falling, so the lead judges recruitment and retention to be on track.",
)

LATE_FROM = Period(2020, 1)
LATE_STORIES = {
    "9.3.1": ("overdue", Period(2020, 1)),
    "3.5": ("overdue", Period(2020, 2)),
    "6.1.4": ("blocked", Period(2020, 6)),
    "11.5": ("off track", Period(2020, 6)),
}
"""Actions whose last months go wrong, with the revised due month the lead gave.

Real months have overdue, blocked and off-track actions; without these the
worked example's latest pack would never show how an exception looks.
"""

LATE_COMMENTS = {
    "overdue": "Illustrative: sign-off slipped past the revised date; final draft is with the "
    "workstream lead.",
    "blocked": "Illustrative: waiting for the case-management system supplier to release the "
    "new form; escalated to the programme board.",
    "off track": "Illustrative: consultation with partners took longer than planned; a new "
    "date has been proposed.",
}

NOTE_ASKS: dict[str, list[str]] = {
    "1": [
        "decisions:",
        '  - "Illustrative: agree to extend the appraisal window to the end of June 2020 '
        'for teams affected by the restructure."',
        "risks:",
        '  - risk: "Illustrative: appraisal completion stays below target while managers '
        'cover vacancies."',
        "    rating: high",
        '    mitigation: "Illustrative: HR business partners booked to support team managers."',
        "recovery:",
        '  cause: "Illustrative: appraisals paused during the restructure of the assessment '
        'teams."',
        '  action: "Illustrative: fortnightly completion reports to each head of service; '
        'catch-up sessions in April and May."',
        '  owner: "Head of Workforce Development (illustrative)"',
        "  revised_date: 2020-06",
    ],
    "5": [
        "decisions:",
        '  - text: "Illustrative: note that return home interviews move to the new provider '
        'from 1 May 2020."',
        "    ask: note",
        "recovery:",
        '  cause: "Illustrative: the return home interview provider lost two workers in January."',
        '  action: "Illustrative: interim cover from the adolescent team; new contract '
        'starts in May."',
        '  owner: "Head of Safeguarding (illustrative)"',
        "  revised_date: 2020-07",
    ],
    "6": [
        "escalations:",
        '  - "Illustrative: the case-management system form needed for action 6.1.4 is '
        "blocked with the supplier; the board is asked to raise it with the supplier at "
        'director level."',
        "risks:",
        '  - risk: "Illustrative: CLA reviews slip further while the form is unavailable."',
        "    rating: medium",
        '    mitigation: "Illustrative: IROs record reviews on the interim template."',
    ],
    "9": [
        "decisions:",
        '  - "Illustrative: approve two temporary auditors for six months to clear the audit '
        'backlog."',
        "escalations:",
        '  - "Illustrative: court capacity is delaying care proceedings; raise with the '
        'Designated Family Judge."',
        "risks:",
        '  - risk: "Illustrative: the audit framework is not embedded before the next '
        'monitoring visit."',
        "    rating: high",
        '    mitigation: "Illustrative: audit programme re-planned; progress reported monthly."',
        "recovery:",
        '  cause: "Illustrative: audit capacity lost to the neglect deep-dive in February."',
        '  action: "Illustrative: temporary auditors (decision asked) and a re-planned programme."',
        '  owner: "Head of Quality Assurance (illustrative)"',
        "  revised_date: 2020-09",
    ],
    "12": [
        "risks:",
        '  - risk: "Illustrative: school attendance data for CLA arrives a term late."',
        "    rating: low",
        '    mitigation: "Illustrative: data-sharing agreement with schools under review."',
    ],
}
"""What some leads ask of the board in the latest month (all marked illustrative)."""

COMMENTS = {
    "not started": [
        "Scheduled to start once the preceding action is complete.",
        "Start agreed for next quarter at the workstream meeting.",
    ],
    "on track": [
        "Draft agreed at the task and finish group; roll-out planned.",
        "Sessions booked for all teams; attendance is being tracked.",
        "Reviewed at the workstream meeting and on schedule.",
        "First phase delivered; feedback being collected.",
        "Working group meeting fortnightly; milestones met so far.",
    ],
    "at risk": [
        "Depends on partner sign-off, expected next month.",
        "Team capacity is limited by vacancies; timescale under review.",
        "IT change needed; request raised with the system supplier.",
    ],
    "off track": [
        "Delayed by the restructure of the QA service; new date agreed.",
        "Consultation took longer than planned; revised date set.",
    ],
    "blocked": [
        "Waiting for the system supplier to release the new form.",
        "Needs agreement from partner agencies before it can go ahead.",
    ],
    "complete": [
        "Completed and signed off at the improvement board.",
        "In place; impact will be tracked through audit.",
        "Delivered; evidence filed with the workstream lead.",
    ],
}


def stream(*parts: object) -> random.Random:
    """A random stream of its own for each item, so items do not disturb each other."""
    return random.Random(":".join(str(p) for p in (SEED, *parts)))


# -- KPI series -----------------------------------------------------------------


@dataclass
class Series:
    kpi: Kpi
    values: dict[Period, float]
    fractions: dict[Period, tuple[int, int]] = field(default_factory=dict)
    notes: dict[Period, str] = field(default_factory=dict)


def profile_of(kpi: Kpi) -> str:
    if kpi.id in SHIFT_IDS:
        return "shift"
    if kpi.id in PROFILES:
        return PROFILES[kpi.id]
    roll = stream("profile", kpi.id).random()
    return "improve" if roll < 0.6 else "flat" if roll < 0.85 else "worsen"


def _better(kpi: Kpi) -> int:
    return -1 if kpi.direction == "lower" else 1


def _levels(kpi: Kpi, rng: random.Random, profile: str) -> tuple[float, float, float]:
    """Start level, end level and noise, on the KPI's own scale."""
    target = kpi.target.value if kpi.target is not None and not kpi.target.tbc else None
    better = _better(kpi)
    if kpi.unit == "percent":
        if kpi.id in STARTS:
            start = STARTS[kpi.id]
        elif kpi.baseline is not None:
            start = kpi.baseline.value
        elif target is not None:
            start = target - better * rng.uniform(12, 28)
        else:
            start = rng.uniform(25, 70)
        start = min(95.0, max(3.0, start))
        if profile == "improve":
            goal = target if target is not None else start + better * 15
            end = goal - better * rng.uniform(0, 6)
        elif profile == "worsen":
            end = start - better * rng.uniform(5, 10)
        else:
            end = start
        return start, end, 1.5
    if kpi.unit == "count":
        start = float(rng.randint(12, 40))
    elif kpi.unit in ("days", "weeks"):
        start = rng.uniform(20, 60)
    else:
        start = rng.uniform(14, 22)
    if profile == "improve":
        end = start * (1 + better * rng.uniform(0.12, 0.25))
    elif profile == "worsen":
        end = start * (1 - better * rng.uniform(0.1, 0.2))
    else:
        end = start
    return start, end, max(0.6, start * 0.06)


def make_series(kpi: Kpi, months: Sequence[Period]) -> Series:
    rng = stream("kpi", kpi.id)
    if kpi.id == PUBLIC_VACANCY_KPI:
        return vacancy_series(kpi, months, rng)
    profile = profile_of(kpi)
    start, end, noise = _levels(kpi, rng, profile)
    values: dict[Period, float] = {}
    notes: dict[Period, str] = {}
    last = len(months) - 1
    if profile == "shift":
        noise *= 0.6  # a clean step, so the run of points after it is unbroken
    for i, month in enumerate(months):
        if profile == "shift":
            jump = _better(kpi) * max(12.0, 8 * noise)
            if kpi.unit == "percent" and not 0 <= start + jump <= 100:
                jump = -jump
            level = start + (jump if i >= SHIFT_AT else 0.0)
            if i == SHIFT_AT:
                notes[month] = f"{LABEL}; new recording process from {month.label}"
        else:
            progress = i / last if last else 1.0
            level = start + (end - start) * (1 - (1 - progress) ** 1.6)
        value = level + rng.gauss(0, noise)
        if kpi.unit == "percent":
            value = min(100.0, max(0.0, value))
        values[month] = max(0.0, value)
    series = Series(kpi, values, notes=notes)
    if kpi.unit == "percent" and rng.random() < 0.7:
        add_fractions(series, rng)
    else:
        for month, value in values.items():
            values[month] = float(round(value)) if kpi.unit == "count" else round(value, 1)
    return series


def add_fractions(series: Series, rng: random.Random) -> None:
    """Cohort sizes for a percentage, and the value recomputed from them."""
    base = rng.randint(30, 450)
    for month, value in series.values.items():
        denominator = max(5, round(base * rng.uniform(0.92, 1.08)))
        numerator = min(denominator, round(value / 100 * denominator))
        series.fractions[month] = (numerator, denominator)
        series.values[month] = round(100 * numerator / denominator, 1)


def vacancy_series(kpi: Kpi, months: Sequence[Period], rng: random.Random) -> Series:
    """KPI 54 from the published figures; months before August interpolated from February."""
    feb, aug = PUBLIC_VACANCY[(2019, 2)], PUBLIC_VACANCY[(2019, 8)]
    values: dict[Period, float] = {}
    notes: dict[Period, str] = {}
    for month in months:
        key = (month.year, month.month)
        if key in PUBLIC_VACANCY:
            values[month] = PUBLIC_VACANCY[key]
            notes[month] = "published figure"
        elif month < Period(2019, 8):
            step = month.months_since(Period(2019, 2))
            values[month] = round(feb + (aug - feb) * step / 6, 2)
            notes[month] = f"{LABEL}; interpolated between published figures"
        else:
            values[month] = round(rng.uniform(1.4, 3.2), 2)
            notes[month] = LABEL
    return Series(kpi, values, notes=notes)


def drop_gaps(series: Series, months: Sequence[Period]) -> None:
    if series.kpi.id == GAP_LAST_TWO:
        gone = months[-2:]
    elif series.kpi.id == STALE_KPI:
        gone = [m for m in months if m > Period(*STALE_AFTER)]
    else:
        return
    for month in gone:
        series.values.pop(month, None)
        series.fractions.pop(month, None)


def fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


# -- writers ------------------------------------------------------------------------


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write_text(path, buffer.getvalue())


def write_long(path: Path, all_series: Sequence[Series]) -> Path:
    rows = []
    for s in all_series:
        for month in sorted(s.values):
            n, d = s.fractions.get(month, ("", ""))
            rows.append(
                [s.kpi.id, str(month), fmt(s.values[month]), n, d, s.notes.get(month, LABEL)]
            )
    return write_csv(path, ["kpi", "period", "value", "numerator", "denominator", "note"], rows)


def write_wide(path: Path, all_series: Sequence[Series], months: Sequence[Period]) -> Path:
    """HR's sheet: a period column and one column per KPI.

    A wide sheet has no note column, so the label goes in a first row whose
    KPI cells are blank; the loader skips rows without values.
    """
    header = ["period", *(f"KPI {s.kpi.id}" for s in all_series)]
    rows: list[list[str]] = [
        ["ILLUSTRATIVE data (KPI 54: published figures)", *("" for _ in all_series)]
    ]
    for month in months:
        cells = [fmt(s.values[month]) if month in s.values else "" for s in all_series]
        # HR's sheet uses Excel's "Apr-19" month format: the loader accepts it.
        rows.append([f"{month.label[:3]}-{month.year % 100:02d}", *cells])
    return write_csv(path, header, rows)


FIXED_TIME = datetime(2020, 4, 6, 9, 0, 0)


def write_workbook(path: Path, all_series: Sequence[Series]) -> Path:
    """The QA dashboard export: dates as Excel dates, values formatted as percentages."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment

    book = Workbook()
    sheet = book.active
    sheet.title = "ILLUSTRATIVE audit data"
    header = ["kpi", "period", "value", "numerator", "denominator", "note"]
    sheet.append(header)
    sheet["A1"].comment = Comment(
        "ILLUSTRATIVE: generated example data, not real West Sussex figures.", "reportgen"
    )
    for s in all_series:
        for month in sorted(s.values):
            n, d = s.fractions[month]
            sheet.append([s.kpi.id, month.last_day, round(n / d, 4), n, d, LABEL])
            row = sheet.max_row
            sheet.cell(row, 2).number_format = "mmm-yy"
            sheet.cell(row, 3).number_format = "0.0%"
    book.properties.creator = "reportgen example generator"
    book.properties.created = FIXED_TIME
    buffer = io.BytesIO()
    book.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible_zip(buffer.getvalue()))
    return path


def _reproducible_zip(data: bytes) -> bytes:
    """Fixed timestamps inside the xlsx (zip entries and the 'modified' property)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    content,
                )
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, content)
    return out.getvalue()


# -- action updates -----------------------------------------------------------------


@dataclass
class Row:
    ref: str
    status: str
    revised_due: Period | None
    percent: int
    comment: str
    completed_on: date | None


def action_rows(action: Action, months: Sequence[Period], end: Period) -> dict[Period, Row]:
    """One action's monthly reports, from a small invented story of its progress."""
    rng = stream("action", action.ref)
    roll = rng.random()
    kind = (
        "normal" if roll < 0.68 else "slip" if roll < 0.86 else "late" if roll < 0.95 else "blocked"
    )
    # Actions without a due date get one of their own, between September and June.
    done = action.due if action.due is not None else Period(2019, 9).shift(rng.randint(0, 9))
    slip = rng.randint(1, 4) if kind in ("slip", "blocked") else 0
    finish = done.shift(slip)
    begin = WORK_START.shift(rng.randint(3, 4)) if kind == "late" else WORK_START
    if kind == "late" and finish <= begin:
        finish = begin.shift(2)
    rows: dict[Period, Row] = {}
    completed = date(finish.year, finish.month, rng.randint(3, 27))
    # Done before monthly reporting began: reported complete in the first report.
    finish = max(finish, months[0])
    frozen = 0
    for month in months:
        if month > finish:
            break  # complete: leads stop reporting on it
        span = max(1, finish.months_since(begin))
        percent = max(0, min(95, round(100 * month.months_since(begin) / span / 5) * 5))
        revised: Period | None = None
        if month == finish:
            status, percent = "complete", 100
        elif month < begin:
            status, percent = "not started", 0
        elif kind == "blocked" and month >= Period(2019, 11):
            status = "blocked" if month <= Period(2020, 1) else "off track"
            frozen = frozen or percent
            percent = frozen
            revised = finish if finish <= end else end.shift(3)
        elif kind == "slip" and month >= done.shift(-1):
            status = "off track" if month > done and slip >= 3 else "at risk"
            revised = finish
        else:
            status = "on track"
        comment = rng.choice(COMMENTS[status])
        rows[month] = Row(
            action.ref,
            status,
            revised,
            percent,
            comment,
            completed if status == "complete" else None,
        )
    return _late_story(action.ref, rows, months)


def _late_story(ref: str, rows: dict[Period, Row], months: Sequence[Period]) -> dict[Period, Row]:
    """Rewrite the last months of the actions in :data:`LATE_STORIES`."""
    if ref not in LATE_STORIES:
        return rows
    story, revised = LATE_STORIES[ref]
    before = [r for m, r in rows.items() if m < LATE_FROM]
    percent = before[-1].percent if before else 0
    for month in months:
        if month < LATE_FROM:
            continue
        # Reported at risk first; an overdue action stays "at risk" in the lead's
        # words while its revised date passes, which is how overdue shows up.
        status = story if story != "overdue" and month > LATE_FROM else "at risk"
        rows[month] = Row(ref, status, revised, percent, LATE_COMMENTS[story], None)
    return rows


def write_updates(folder: Path, plan: Plan, months: Sequence[Period]) -> list[Path]:
    by_month: dict[Period, list[Row]] = {m: [] for m in months}
    for _, action in plan.actions().values():
        for month, row in action_rows(action, months, plan.end).items():
            by_month[month].append(row)
    written = []
    for month, rows in by_month.items():
        written.append(
            write_csv(
                folder / f"{month}.csv",
                [
                    "ref",
                    "status",
                    "revised_due",
                    "percent_complete",
                    "comment",
                    "completed_on",
                    "note",
                ],
                (
                    [
                        r.ref,
                        r.status,
                        r.revised_due or "",
                        r.percent,
                        r.comment,
                        r.completed_on or "",
                        LABEL,
                    ]
                    for r in rows
                ),
            )
        )
    return written


# -- notes -------------------------------------------------------------------------


def _value_text(kpi: Kpi, value: float) -> str:
    """As the packs print it, so a note quotes the same string as the tables."""
    return present_value(value, kpi.unit, kpi.decimals)


def note_text(
    rec: Recommendation,
    month: Period,
    series: dict[str, Series],
    updates: dict[str, Row],
    override: bool = False,
    asks: Sequence[str] = (),
) -> str:
    lines = [
        "---",
        f"recommendation: {rec.ref}",
        f"period: {month}",
        f"author: {json.dumps(f'Recommendation {rec.ref} lead (illustrative)')}",
        f"date: {month.shift(1).first_day.replace(day=7)}",
        f"title: {json.dumps(f'Illustrative update, {month.long_label}')}",
    ]
    if override:
        lines += [f"rag: {OVERRIDE[1]}", f"rag_reason: {json.dumps(OVERRIDE[2])}"]
    lines += asks
    lines += ["---", ""]
    lines.append("*Illustrative note, generated for the worked example: it is not a real report.*")
    lines.append("")
    measured: list[str] = []
    for kpi in rec.kpis:
        s = series.get(kpi.id)
        if s is None or month not in s.values or len(measured) == 2:
            continue
        previous = s.values.get(month.shift(-1))
        change = ""
        if previous is not None:
            moved = s.values[month] - previous
            change = (
                ", unchanged on last month"
                if abs(moved) < 0.05
                else f", {'up' if moved > 0 else 'down'} from {_value_text(kpi, previous)}"
            )
        target = ""
        if kpi.target is not None and kpi.target.value is not None:
            target = f" (target {present_target(kpi.target.value, kpi.unit, kpi.decimals)})"
        now = _value_text(kpi, s.values[month])
        measured.append(f"{kpi.title}: {now} in {month.long_label}{change}{target}.")
    if measured:
        lines.append(" ".join(measured))
    else:
        lines.append(
            "Progress on this recommendation is judged through audit and evidence rather than "
            "a monthly figure; the next audit round reports to the board in the spring."
        )
    lines.append("")
    rows = [updates[a.ref] for a in rec.actions if a.ref in updates]
    if rows:
        lines.append("Actions this month:")
        lines.append("")
        for row in rows[:5]:
            lines.append(f"- **{row.ref}** {row.status} ({row.percent}%): {row.comment}")
        if len(rows) > 5:
            lines.append(f"- and {len(rows) - 5} more actions reported in the update file.")
        lines.append("")
    lines.append(
        "Next month the workstream will review progress and report any risks to the "
        "improvement board."
    )
    return "\n".join(lines) + "\n"


def write_notes(
    folder: Path,
    plan: Plan,
    series: dict[str, Series],
    updates: dict[Period, dict[str, Row]],
    months: Sequence[Period],
) -> list[Path]:
    latest = months[-2:]
    written = []
    for month in months:
        for rec in plan.recommendations:
            if month not in latest and rec.ref not in NOTE_EXTRA_RECS:
                continue
            override = rec.ref == OVERRIDE[0] and month == months[-1]
            asks = NOTE_ASKS.get(rec.ref, []) if month == months[-1] else []
            text = note_text(rec, month, series, updates.get(month, {}), override, asks)
            written.append(write_text(folder / str(month) / f"rec-{rec.number:02d}.md", text))
    return written


README = """\
# Example inputs (ILLUSTRATIVE)

The plan in `plan.yaml` is transcribed from West Sussex County Council's
"Children First" Practice Improvement Plan (2019). **Everything else here is
illustrative**: invented by `scripts/generate_example_data.py` so that the
board packs can be built and checked end to end. It is not real performance
data and must not be quoted as such.

The one exception is KPI 54 (social worker vacancy gap), which uses the
published figures: 18.5% in February 2019, 5.19% in August 2019 and about 2%
in September 2019. The months between February and August are interpolated
and the months after September are invented (kept low).

| Path | What it holds |
| --- | --- |
| `plan.yaml` | The plan: 12 recommendations, their actions and KPIs (real, transcribed). |
| `kpis/{performance}` | Most KPIs, long form (`kpi, period, value, ...`). |
| `kpis/{workforce}` | Workforce KPIs, wide form (one column per KPI), as HR keeps them. |
| `kpis/{audit}` | Audit KPIs from the QA dashboard (Excel dates, percentage cells). |
| `updates/YYYY-MM.csv` | Monthly action updates from {first_update} to {last_update}. |
| `notes/YYYY-MM/rec-NN.md` | Leads' notes: all for the last two months, some earlier. \
In the latest month, some also carry decisions, risks, escalations and recovery plans. |

Every row of the long-form files carries the note `illustrative`; the wide
workforce file starts with an "ILLUSTRATIVE data" row (its KPI cells are
blank, so it is skipped when read); the workbook's sheet is titled
"ILLUSTRATIVE audit data" and its first cell has a comment saying so; every
action update row has the note `illustrative`; every note's title and first
line say "Illustrative", and its author is a role, not a real person.
Two gaps are deliberate, so the packs show how missing data looks: KPI
{gap} has no values for the last two months and KPI {stale} stops in
November 2019 (stale). Some actions go wrong in the last months, so the
packs show exceptions as real months do: {late}.

Regenerate (byte-identical on rerun): `python scripts/generate_example_data.py`.
Check: `reportgen validate`.
"""


def generate(plan: Plan, out: Path) -> list[Path]:
    months = period_range(plan.start, plan.end)
    quantitative = [k for r in plan.recommendations for k in r.kpis if k.measure == "quantitative"]
    series = {k.id: make_series(k, months) for k in quantitative}
    for s in series.values():
        drop_gaps(s, months)
    workforce = [series[i] for i in WORKFORCE_IDS if i in series]
    audit = [series[i] for i in AUDIT_IDS if i in series and series[i].kpi.unit == "percent"]
    for s in audit:
        if not s.fractions:  # the dashboard always has the counts behind the rate
            add_fractions(s, stream("audit", s.kpi.id))
    special = {s.kpi.id for s in workforce + audit}
    performance = [s for s in series.values() if s.kpi.id not in special]

    written = [write_long(out / "kpis" / PERFORMANCE_FILE, performance)]
    if workforce:  # another plan may have none of these KPIs: then no file, not an empty one
        written.append(write_wide(out / "kpis" / WORKFORCE_FILE, workforce, months))
    if audit:
        written.append(write_workbook(out / "kpis" / AUDIT_FILE, audit))
    update_months = [m for m in months if m >= UPDATE_START]
    written += write_updates(out / "updates", plan, update_months)
    updates: dict[Period, dict[str, Row]] = {}
    for _, action in plan.actions().values():
        for month, row in action_rows(action, update_months, plan.end).items():
            updates.setdefault(month, {})[row.ref] = row
    note_months = [m for m in months if m >= Period(2019, 10)]
    written += write_notes(out / "notes", plan, series, updates, note_months)
    written.append(
        write_text(
            out / "README.md",
            README.format(
                performance=PERFORMANCE_FILE,
                workforce=WORKFORCE_FILE,
                audit=AUDIT_FILE,
                first_update=update_months[0].long_label,
                last_update=update_months[-1].long_label,
                gap=GAP_LAST_TWO,
                stale=STALE_KPI,
                late="; ".join(f"{ref} {story}" for ref, (story, _) in LATE_STORIES.items()),
            ),
        )
    )
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "inputs", help="default: inputs/")
    parser.add_argument(
        "--plan", type=Path, default=ROOT / "inputs" / "plan.yaml", help="default: inputs/plan.yaml"
    )
    args = parser.parse_args(argv)
    try:
        plan = read_plan(args.plan)
    except InputError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    written = generate(plan, args.out)
    print(f"wrote {len(written)} illustrative files under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
