"""``reportgen export``: the analysts' workbook agrees with the assessment JSON, cell by cell."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from build_project import write_project
from click.testing import CliRunner
from openpyxl import load_workbook

from reportgen.cli import main
from reportgen.present import labels
from reportgen.workbook import MONTH_FORMAT, NUMBER_FORMAT, PERCENT_FORMAT

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "inputs" / "plan.yaml"


def _month(text: str | None) -> datetime | None:
    return None if text is None else datetime.strptime(text, "%Y-%m")


def _cli(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path, Path]:
    if not EXAMPLE.is_file():
        pytest.skip("example inputs not present")
    out = tmp_path_factory.mktemp("export")
    data = json.loads(_cli("assess", "-p", str(REPO), "--period", "2020-03", "--format", "json"))
    said = _cli("export", "-p", str(REPO), "--period", "2020-03", "--out", str(out))
    assert said == f"wrote {out / 'reportgen-2020-03.xlsx'}\n"
    _cli("export", "-p", str(REPO), "--period", "2020-03", "--out", str(out), "--format", "csv")
    return data, out / "reportgen-2020-03.xlsx", out


def _signal(point: dict[str, Any] | None) -> str | None:
    if point is None or point["point_type"] is None or point["mean"] is None:
        return None
    if point["point_type"] == "common_cause":
        return "Common cause variation: no significant change"
    key = f"{point['point_type']}_{point['side']}"
    assert key in labels.VARIATION
    return labels.VARIATION[key].label


def _rows(path: Path, sheet: str) -> list[dict[str, Any]]:
    ws = load_workbook(path)[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, row, strict=True)) for row in ws.iter_rows(min_row=2)]


def _number(cell: Any, expected: float | None, unit: str | None) -> None:
    if expected is None:
        assert cell.value is None
        return
    if unit == "percent":
        assert cell.value == pytest.approx(expected / 100, abs=1e-6)
        assert cell.number_format == PERCENT_FORMAT
    else:
        assert cell.value == pytest.approx(expected, abs=1e-4)
        assert cell.number_format == NUMBER_FORMAT
    assert isinstance(cell.value, int | float)


def test_every_kpi_month_matches_the_assessment_json(example: Any) -> None:
    data, xlsx, _ = example
    rows = {(r["kpi"].value, r["month"].value): r for r in _rows(xlsx, "KPIs")}
    checked = 0
    for rec in data["recommendations"]:
        for kpi in rec["kpis"]:
            if kpi["measure"] != "quantitative":
                assert not any(key[0] == kpi["id"] for key in rows)
                continue
            spc = {p["period"]: p for p in (kpi["spc"] or {"points": []})["points"]}
            for (month, value), target in zip(kpi["series"], kpi["targets"], strict=True):
                row = rows[(kpi["id"], _month(month))]
                assert row["month"].number_format == MONTH_FORMAT
                assert row["recommendation"].value == rec["ref"]
                assert row["unit"].value == kpi["unit"]
                _number(row["value"], value, kpi["unit"])
                _number(row["target"], target, kpi["unit"])
                point = spc.get(month)
                for column, key in (
                    ("spc_mean", "mean"),
                    ("spc_lower_limit", "lower_limit"),
                    ("spc_upper_limit", "upper_limit"),
                ):
                    _number(row[column], point[key] if point else None, kpi["unit"])
                assert row["spc_signal"].value == _signal(point)
                if month == data["period"]:
                    assert row["rag"].value == labels.rag(kpi["status"])
                checked += 1
    assert checked == len(rows) > 400


def test_actions_and_recommendations_match_the_assessment_json(example: Any) -> None:
    data, xlsx, _ = example
    actions = {r["action"].value: r for r in _rows(xlsx, "Actions")}
    recs = {r["recommendation"].value: r for r in _rows(xlsx, "Recommendations")}
    assert len(recs) == len(data["recommendations"])
    for rec in data["recommendations"]:
        row = recs[rec["ref"]]
        assert row["rag"].value == labels.rag(rec["status"])
        assert row["reason"].value == rec["reason"]
        for action in rec["actions"]:
            a = actions[action["ref"]]
            assert a["due"].value == _month(action["original_due"])
            assert a["revised_due"].value == _month(action["revised_due"])
            if action["revised_due"]:
                assert a["revised_due"].number_format == MONTH_FORMAT
            assert a["lead"].value == ("; ".join(action["leads"]) or None)
            assert a["comment"].value == action["comment"]
            assert a["state"].value.lower().startswith(action["state"])
            if action["percent_complete"] is not None:
                assert a["percent_complete"].value == pytest.approx(
                    action["percent_complete"] / 100
                )
                assert a["percent_complete"].number_format == PERCENT_FORMAT
    assert len(actions) == sum(len(r["actions"]) for r in data["recommendations"])


def test_csv_files_hold_the_same_rows_on_the_jsons_scales(example: Any) -> None:
    data, xlsx, folder = example
    with (folder / "kpis-2020-03.csv").open(newline="", encoding="utf-8") as handle:
        kpis = list(csv.DictReader(handle))
    assert len(kpis) == len(_rows(xlsx, "KPIs"))
    first = data["recommendations"][0]["kpis"][0]
    row = next(r for r in kpis if r["kpi"] == first["id"] and r["month"] == first["series"][0][0])
    assert float(row["value"]) == first["series"][0][1]  # 79.6, not 0.796
    assert {p.name for p in folder.glob("*.csv")} == {
        "kpis-2020-03.csv",
        "actions-2020-03.csv",
        "recommendations-2020-03.csv",
    }


def test_export_defaults_to_the_outputs_exports_folder_and_refuses_bad_inputs(
    tmp_path: Path,
) -> None:
    root = write_project(tmp_path / "p")
    said = _cli("export", "-p", str(root), "--period", "2019-10")
    assert said == f"wrote {root / 'outputs/exports/2019-10/reportgen-2019-10.xlsx'}\n"
    (root / "inputs/kpis/kpis.csv").write_text("kpi,period,value\n42,2019-10,abc\n")
    result = CliRunner().invoke(main, ["export", "-p", str(root), "--period", "2019-10"])
    assert result.exit_code == 1
    assert "inputs/kpis/kpis.csv:2: value: 'abc' is not a number" in result.output
    assert "reportgen: 1 error in the inputs; nothing was written" in result.output
