"""Generate the plan-file reference (docs/plan-schema.md) from the schema.

The reference is generated rather than written so that it cannot drift from
the code: ``python -m reportgen.load.schema_doc > docs/plan-schema.md``
rewrites it, and a test fails if the committed page differs.
"""

from __future__ import annotations

import types
import typing
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from reportgen.load import plan as schema
from reportgen.periods import Period

MODELS: tuple[type[BaseModel], ...] = (
    schema.Plan,
    schema.Workstream,
    schema.Signatory,
    schema.Inspection,
    schema.Recommendation,
    schema.Action,
    schema.Kpi,
    schema.Target,
    schema.InterimTarget,
    schema.Baseline,
    schema.Recalculation,
    schema.RagRules,
    schema.RollupRules,
)


def _type_name(annotation: Any, names: dict[Any, str]) -> str:
    if annotation is None or annotation is type(None):
        return "null"
    if annotation in names:
        return f"[{names[annotation]}](#{names[annotation].lower()})"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        base = args[0]
        if base is Period:
            return "month (`YYYY-MM`)"
        if getattr(base, "__name__", "") == "date":
            return "date (`YYYY-MM-DD`)"
        meta = " ".join(str(getattr(m, "pattern", "")) for m in args[1:] if hasattr(m, "pattern"))
        for m in args[1:]:
            for inner in getattr(m, "metadata", []):
                if getattr(inner, "pattern", None):
                    meta = inner.pattern
        name = _type_name(base, names)
        return f"{name} matching `{meta}`" if meta else name
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(a, names) for a in args)
    if origin is list or origin is tuple:
        return f"list of {_type_name(args[0], names)}"
    if origin is dict:
        return f"mapping of {_type_name(args[0], names)} to {_type_name(args[1], names)}"
    return getattr(annotation, "__name__", str(annotation))


def _default(info: FieldInfo) -> str:
    if info.is_required():
        return "**required**"
    if info.default_factory is not None:
        value = info.default_factory()  # type: ignore[call-arg]
        if isinstance(value, BaseModel):
            return "(defaults below)"
        return f"`{value!r}`" if value not in ([], {}) else "empty"
    if info.default is PydanticUndefined or info.default is None:
        return "none"
    return "empty" if info.default == () else f"`{info.default!r}`"


def _description(model: type[BaseModel], name: str, info: FieldInfo) -> str:
    text = info.description or ""
    return text.replace("|", "\\|").replace("\n", " ")


def render() -> str:
    lines = [
        "# Plan file reference (`inputs/plan.yaml`)",
        "",
        "Generated from `reportgen/load/plan.py` by "
        "`python -m reportgen.load.schema_doc`; do not edit by hand "
        "(a test fails when this page and the schema differ).",
        "",
        "Unknown keys are errors, so a misspelt key never silently drops a target. "
        "Every problem is reported with its file, line and field, all at once. "
        "Beyond each field's own type, the loader checks: duplicate recommendation refs, "
        "action refs, KPI ids and workstream ids; actions naming an unknown workstream; "
        "interim targets dated after the final target or out of order; percent targets "
        "outside 0-100; quantitative KPIs without a unit; `end` before `start`.",
        "",
        "To write shared fields once, name a mapping with an anchor where it is first "
        "used (`- &percent_kpi` …) and merge it into others with `<<: *percent_kpi`; "
        "keys written beside the merge win, and a problem in a merged value is reported "
        "at the line where that value is written.",
        "",
    ]
    return "\n".join(lines + model_tables(MODELS))


def model_tables(models: tuple[type[BaseModel], ...]) -> list[str]:
    """A ``## Model`` section with a key/type/default/meaning table for each model.

    Shared by every generated reference page, so they all read alike.
    """
    names: dict[Any, str] = {m: m.__name__ for m in models}
    lines: list[str] = []
    for model in models:
        doc = (model.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        lines += [f"## {model.__name__}", "", doc, "", "| key | type | default | meaning |"]
        lines.append("| --- | --- | --- | --- |")
        for name, info in model.model_fields.items():
            annotation: Any = info.annotation
            if info.metadata:
                annotation = typing.Annotated[(annotation, *info.metadata)]
            lines.append(
                f"| `{name}` | {_type_name(annotation, names)} | {_default(info)} | "
                f"{_description(model, name, info)} |"
            )
        lines.append("")
    return lines


if __name__ == "__main__":
    print(render(), end="")
