"""Who gets what: distribution.yaml's pack choices matched to a build.

A recipient receives the union of their own packs and their groups' packs.
Every choice must name something the build actually made; a recommendation
or workstream missing from the manifest stops the run before any mail goes,
because a task-and-finish group silently getting nothing is worse than a
late pack.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from reportgen.contract.manifest import Manifest, PackFile
from reportgen.distribute.config import DistributionFile, Packs, Recipient
from reportgen.distribute.errors import DistributionError
from reportgen.errors import InputError, Problem
from reportgen.load.yamlsource import Loc
from reportgen.registry import Registry


@dataclass(frozen=True)
class Entitlement:
    """One recipient and every pack they should have for the period."""

    recipient: Recipient
    index: int
    packs: tuple[PackFile, ...]

    @property
    def key(self) -> str:
        return self.recipient.email.lower()


def _select(
    packs: Packs, manifest: Manifest, loc: Loc, dist: DistributionFile
) -> tuple[set[str], list[Problem]]:
    chosen: set[str] = set()
    problems: list[Problem] = []
    registry = dist.registry
    # Whole-plan kinds first, then the others, each in email order, so the
    # problems read in the order the file is usually written.
    kinds = sorted(registry, key=lambda k: (k.per_item, registry.mail_rank(k.name)))
    for kind in kinds:
        values = packs.wanted(kind)
        if not kind.per_item:
            if values:
                found = manifest.find(kind.name)
                if found is None:
                    problems.append(
                        dist.problem(
                            (*loc, kind.key), f"the {manifest.period} build has no {kind.name} pack"
                        )
                    )
                else:
                    chosen.add(found.path)
            continue
        available = [p for p in manifest.outputs if p.kind == kind.name]
        if values == "all":
            chosen.update(p.path for p in available)
            continue
        for i, ref in enumerate(values if isinstance(values, list) else []):
            found = manifest.find(kind.name, ref)
            if found is None:
                refs = ", ".join(str(p.ref) for p in available) or "(none)"
                problems.append(
                    dist.problem(
                        (*loc, kind.key, i),
                        f"the {manifest.period} build has no {kind.name} pack {ref!r}; "
                        f"it has: {refs}",
                    )
                )
            else:
                chosen.add(found.path)
    return chosen, problems


def entitlements(dist: DistributionFile, manifest: Manifest) -> list[Entitlement]:
    """Every recipient's packs in reading order; raises InputError on a gap."""
    config = dist.config
    problems: list[Problem] = []
    group_paths: dict[str, set[str]] = {}
    for gi, group in enumerate(config.groups):
        chosen, found = _select(group.packs, manifest, ("groups", gi, "packs"), dist)
        group_paths[group.id] = chosen
        problems.extend(found)
    result: list[Entitlement] = []
    for ri, person in enumerate(config.recipients):
        chosen, found = _select(person.packs, manifest, ("recipients", ri, "packs"), dist)
        problems.extend(found)
        for gid in person.groups:
            chosen |= group_paths.get(gid, set())
        ordered = tuple(
            sorted(
                (p for p in manifest.outputs if p.path in chosen),
                key=lambda p: _reading_order(dist.registry, p),
            )
        )
        result.append(Entitlement(person, ri, ordered))
    if problems:
        raise InputError(problems)
    return result


def _reading_order(registry: Registry, pack: PackFile) -> tuple[tuple[int, int], int, str]:
    """By each kind's ``mail_order`` (board pack, summary, recommendations, workstreams),
    then recommendations by number."""
    ref = pack.ref or ""
    number = int(ref) if ref.isdigit() else 0
    return (registry.mail_rank(pack.kind), number, pack.path)


def select_recipients(
    dist: DistributionFile, everyone: list[Entitlement], selectors: Iterable[str]
) -> list[Entitlement]:
    """Narrow to ``--to`` choices: group ids or email addresses (any case)."""
    wanted = [s.strip() for s in selectors if s.strip()]
    if not wanted:
        return everyone
    group_ids = {g.id for g in dist.config.groups}
    emails = {e.key for e in everyone}
    unknown = [s for s in wanted if s not in group_ids and s.lower() not in emails]
    if unknown:
        groups = ", ".join(sorted(group_ids)) or "(none)"
        raise DistributionError(
            f"--to {', '.join(unknown)}: not a group id or a recipient's email in "
            f"{dist.source.display}; groups are: {groups}"
        )
    keep = []
    for ent in everyone:
        if ent.key in {s.lower() for s in wanted} or set(ent.recipient.groups) & set(wanted):
            keep.append(ent)
    return keep
