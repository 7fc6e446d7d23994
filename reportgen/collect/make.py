"""``reportgen collect``: every lead's workbook for a month, and a list of them.

``outputs/<period>/collect/workbooks.json`` records who was sent which
workbook (and which actions and recommendations it covers), so ``send``
and ``chase`` work from what was actually handed out, not from a
recomputation that the plan may have changed under.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reportgen.atomic import atomic_write_bytes, atomic_write_text
from reportgen.collect.assign import Assignment, assign
from reportgen.collect.fields import workbook_name
from reportgen.collect.prefill import action_rows, plan_identity
from reportgen.collect.workbook import RecContext, WorkbookSpec, workbook_bytes
from reportgen.distribute.config import DistributionFile, Lead, read_distribution
from reportgen.errors import ReportgenError
from reportgen.load.project import read_project
from reportgen.load.records import Project
from reportgen.periods import Period
from reportgen.pipeline import exclusive
from reportgen.registry import registry_for

DISTRIBUTION = "inputs/distribution.yaml"
LIST_NAME = "workbooks.json"


def collect_dir(project_dir: Path, period: Period) -> Path:
    return project_dir / "outputs" / str(period) / "collect"


@dataclass(frozen=True)
class Handout:
    """One workbook as written: to whom, and what it asks for."""

    lead: str
    email: str | None
    file: str
    sha256: str
    actions: tuple[str, ...]
    recommendations: tuple[str, ...]


def distribution_for(project_dir: Path, project: Project) -> DistributionFile | None:
    path = project_dir / DISTRIBUTION
    if not path.is_file():
        return None
    return read_distribution(
        path, DISTRIBUTION, plan=project.plan, registry=registry_for(project_dir)
    )


def rec_contexts(project: Project, period: Period) -> dict[str, RecContext]:
    """Each recommendation's rating on the data so far (the build's own assessment)."""
    from reportgen.assess.engine import assess
    from reportgen.present.reasons import recommendation_reason

    result = assess(project, period)
    return {
        r.ref: RecContext(r.ref, r.title, r.status, recommendation_reason(r))
        for r in result.recommendations
    }


def write_workbooks(
    project_dir: Path, period: Period, *, now: datetime | None = None
) -> list[Handout]:
    """Write every lead's workbook and the list of them; return the list."""
    project = read_project(project_dir, period=period)
    plan = project.plan
    if not plan.start <= period <= plan.end:
        raise ReportgenError(
            f"{period} is outside the plan ({plan.start} to {plan.end}); choose a month within it"
        )
    dist = distribution_for(project_dir, project)
    leads = dist.config.leads if dist else []
    mail = dist.config.mail if dist else None
    return_to = (mail.reply_to or mail.sender) if mail else "the performance team"
    programme = mail.programme if mail else plan.title
    generated = (now or datetime.now(UTC)).replace(microsecond=0, tzinfo=None)
    recs = rec_contexts(project, period)
    with exclusive(project_dir):
        return _write(project_dir, project, period, leads, recs, return_to, programme, generated)


def _write(
    project_dir: Path,
    project: Project,
    period: Period,
    leads: Sequence[Lead],
    recs: dict[str, RecContext],
    return_to: str,
    programme: str,
    generated: datetime,
) -> list[Handout]:
    # Under the project lock: a build carries outputs/<period>/ into its new
    # set, so files written here mid-build would vanish when it switched.
    plan = project.plan
    folder = collect_dir(project_dir, period)
    handouts: list[Handout] = []
    for assignment in assign(plan, leads, project.updates, period):
        spec = WorkbookSpec(
            period=period,
            plan=plan_identity(plan),
            programme=programme,
            assignment=assignment,
            rows=action_rows(plan, assignment.actions, project.updates, period),
            recs={r: recs[r] for r in assignment.recommendations},
            return_to=return_to,
            generated=generated,
        )
        data = workbook_bytes(spec)
        name = workbook_name(str(period), assignment.slug)
        atomic_write_bytes(folder / name, data)
        handouts.append(_handout(assignment, name, data))
    for stale in folder.glob("updates-*.xlsx"):
        if stale.name not in {h.file for h in handouts}:
            stale.unlink()
    listing = {
        "period": str(period),
        "ratings": {ref: rec.rating for ref, rec in recs.items()},
        "handouts": [asdict(h) for h in handouts],
    }
    atomic_write_text(folder / LIST_NAME, json.dumps(listing, indent=2) + "\n")
    return handouts


def _handout(assignment: Assignment, name: str, data: bytes) -> Handout:
    return Handout(
        lead=assignment.lead,
        email=assignment.email,
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        actions=assignment.actions,
        recommendations=assignment.recommendations,
    )


def read_handouts(project_dir: Path, period: Period) -> list[Handout]:
    """The workbooks ``collect`` wrote for ``period``; an error if it has not run."""
    return _read_listing(project_dir, period)[0]


def read_ratings(project_dir: Path, period: Period) -> dict[str, str]:
    """Each recommendation's rating when the workbooks were written."""
    return _read_listing(project_dir, period)[1]


def _read_listing(project_dir: Path, period: Period) -> tuple[list[Handout], dict[str, str]]:
    path = collect_dir(project_dir, period) / LIST_NAME
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
        handouts = [
            Handout(
                lead=str(h["lead"]),
                email=h.get("email"),
                file=str(h["file"]),
                sha256=str(h["sha256"]),
                actions=tuple(h["actions"]),
                recommendations=tuple(h["recommendations"]),
            )
            for h in data["handouts"]
        ]
        ratings = {str(k): str(v) for k, v in data.get("ratings", {}).items()}
    except FileNotFoundError:
        raise ReportgenError(
            f"no workbooks for {period} yet ({path} not found); "
            f"run 'reportgen collect --period {period}' first"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ReportgenError(
            f"{path}: damaged list of workbooks ({exc}); run 'reportgen collect "
            f"--period {period}' again to rewrite it"
        ) from None
    return handouts, ratings
