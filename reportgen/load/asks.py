"""What a lead asks of the board, from a note's front matter.

A board pack is for governing, so a lead's note can carry, besides the
narrative: ``decisions`` (what the board is asked to decide or note),
``risks`` (each with a rating and mitigation), ``escalations``, and for a
red or amber recommendation a ``recovery`` plan (cause, recovery action,
owner, revised date). These are checked as strictly as the rest of the front
matter and reported on the line where they were written, because a decision
that silently fails to reach the board is worse than an error.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportgen.errors import Problem
from reportgen.load.records import RISK_RATINGS, Decision, Recovery, Risk
from reportgen.load.yamlsource import Loc, YamlSource, dotted
from reportgen.periods import Period
from reportgen.reference import hint

ASK_KEYS = ("decisions", "risks", "escalations", "recovery")
DECISION_KEYS = ("text", "ask")
ASKS = ("decide", "note")
RISK_KEYS = ("risk", "rating", "mitigation")
RECOVERY_KEYS = ("cause", "action", "owner", "revised_date")

DOC = hint("updates")
EXAMPLE = {
    "decisions": "a line 'decisions:' then one '  - <what the board is asked to decide>' per item",
    "risks": "a line 'risks:' then per risk '  - risk: ...', '    rating: high', "
    "'    mitigation: ...'",
    "escalations": "a line 'escalations:' then one '  - <what is escalated>' per item",
    "recovery": "a line 'recovery:' then '  cause: ...', '  action: ...', '  owner: ...', "
    "'  revised_date: 2020-06'",
}
"""How each field is written, quoted in messages (one line each, like every message)."""


@dataclass(frozen=True)
class Asks:
    decisions: tuple[Decision, ...] = ()
    risks: tuple[Risk, ...] = ()
    escalations: tuple[str, ...] = ()
    recovery: Recovery | None = None


Report = Callable[[Loc, str], None]


def check_asks(data: dict[Any, Any], source: YamlSource, problems: list[Problem]) -> Asks:
    """Read and check the four optional fields; append a located problem for each fault."""

    def bad(loc: Loc, message: str) -> None:
        problems.append(source.problem(loc, message, field_name=dotted(loc)))

    return Asks(
        decisions=tuple(_decisions(data.get("decisions"), bad)),
        risks=tuple(_risks(data.get("risks"), bad)),
        escalations=tuple(_texts(data.get("escalations"), "escalations", "escalation", bad)),
        recovery=_recovery(data.get("recovery"), bad),
    )


def _items(value: Any, key: str, bad: Report) -> list[tuple[int, Any]]:
    """A list's items with their indexes; one bare item is taken as a list of one."""
    if value is None:
        return []
    if isinstance(value, list):
        if not value:
            bad((key,), f"is an empty list; remove '{key}:' or write {EXAMPLE[key]}")
        return list(enumerate(value))
    if isinstance(value, str):
        return [(0, value)]
    shown = "key: value lines" if isinstance(value, dict) else repr(value)
    bad((key,), f"must be a list, got {shown}; write {EXAMPLE[key]} (see {DOC})")
    return []


def _text_value(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return " ".join(value.split())
    return None


def _unknown_keys(item: dict[Any, Any], loc: Loc, allowed: tuple[str, ...], bad: Report) -> None:
    for key in item:
        if str(key) not in allowed:
            match = difflib.get_close_matches(str(key), list(allowed), n=1, cutoff=0.6)
            close = f" (did you mean {match[0]!r}?)" if match else ""
            bad((*loc, str(key)), f"unknown key{close}; allowed keys: {', '.join(allowed)}")


def _texts(value: Any, key: str, noun: str, bad: Report) -> list[str]:
    out: list[str] = []
    for i, item in _items(value, key, bad):
        text = _text_value(item)
        if text is None:
            bad((key, i), f"{noun} {i + 1} has no text; write it as '- <what the board needs>'")
            continue
        out.append(text)
    return out


def _decisions(value: Any, bad: Report) -> list[Decision]:
    out: list[Decision] = []
    for i, item in _items(value, "decisions", bad):
        loc: Loc = ("decisions", i)
        if isinstance(item, dict):
            _unknown_keys(item, loc, DECISION_KEYS, bad)
            text = _text_value(item.get("text"))
            ask = str(item.get("ask", "decide")).strip().lower()
            if ask not in ASKS:
                bad((*loc, "ask"), f"must be 'decide' or 'note', got {item.get('ask')!r}")
                continue
            if text is None:
                bad(
                    (*loc, "text"),
                    "a decision needs its text: what the board is asked to decide or note",
                )
                continue
            out.append(Decision(text, "note" if ask == "note" else "decide"))
            continue
        text = _text_value(item)
        if text is None:
            bad(loc, "a decision needs its text: what the board is asked to decide or note")
            continue
        out.append(Decision(text))
    return out


def _risks(value: Any, bad: Report) -> list[Risk]:
    out: list[Risk] = []
    for i, item in _items(value, "risks", bad):
        loc: Loc = ("risks", i)
        if not isinstance(item, dict):
            bad(
                loc,
                f"a risk needs 'risk', 'rating' and 'mitigation' lines; write {EXAMPLE['risks']}",
            )
            continue
        _unknown_keys(item, loc, RISK_KEYS, bad)
        text = _text_value(item.get("risk"))
        if text is None:
            bad((*loc, "risk"), "a risk needs its text: what might happen and its effect")
        raw = item.get("rating")
        rating = str(raw).strip().lower() if raw is not None else None
        if rating is None:
            bad((*loc, "rating"), f"a risk needs a rating: one of {', '.join(RISK_RATINGS)}")
        elif rating not in RISK_RATINGS:
            bad((*loc, "rating"), f"unknown rating {raw!r}; use one of {', '.join(RISK_RATINGS)}")
        mitigation = item.get("mitigation")
        if mitigation is not None and _text_value(mitigation) is None:
            bad((*loc, "mitigation"), f"must be text, got {mitigation!r}")
        if text is None or rating not in RISK_RATINGS:
            continue
        out.append(Risk(text, rating, _text_value(mitigation)))
    return out


def _month(raw: Any) -> Period | None:
    text = str(raw).strip()
    try:
        return Period.parse(text)
    except ValueError:
        pass
    try:
        return Period.of(date.fromisoformat(text))
    except ValueError:
        return None


def _recovery(value: Any, bad: Report) -> Recovery | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        bad(("recovery",), f"must be 'key: value' lines; write {EXAMPLE['recovery']}")
        return None
    _unknown_keys(value, ("recovery",), RECOVERY_KEYS, bad)
    words = {
        "cause": "why the recommendation is off track",
        "action": "what will be done to recover",
        "owner": "who owns the recovery",
        "revised_date": "the month it will be back on track, as YYYY-MM",
    }
    found: dict[str, str] = {}
    for key in ("cause", "action", "owner"):
        text = _text_value(value.get(key))
        if text is None:
            what = "is missing" if value.get(key) is None else f"must be text, got {value[key]!r}"
            bad(("recovery", key), f"{what}; a recovery plan needs its {key}: {words[key]}")
        else:
            found[key] = text
    raw = value.get("revised_date")
    revised = _month(raw) if raw is not None else None
    if raw is None:
        bad(("recovery", "revised_date"), f"is missing; give {words['revised_date']}")
    elif revised is None:
        bad(("recovery", "revised_date"), f"must be a month as YYYY-MM (e.g. 2020-06), got {raw!r}")
    if len(found) < 3 or revised is None:
        return None
    return Recovery(found["cause"], found["action"], found["owner"], revised)
