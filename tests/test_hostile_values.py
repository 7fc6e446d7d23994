"""Values and text that a pack cannot show as written (issue 12, items 9 and 10).

``1e999`` is a well-formed number that reads as infinity; it passed validate
and then crashed the build, so validate now refuses it with file and line.
A ``$`` in a KPI title was read by matplotlib as mathtext; plan text is now
always drawn as written.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from matplotlib.text import Text
from minimal_project import KPIS, PLAN, make_project, note, write

from reportgen.cli import main
from reportgen.periods import Period, period_range
from reportgen.render import charts
from reportgen.render.charts import ChartSpec, chart_text, draw_chart


def cli(*args: str) -> tuple[int, list[str]]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.exit_code, result.output.splitlines()


def test_1e999_in_a_kpi_file_is_refused_by_validate_and_build(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    # KPI 2 is a count with no upper bound, so no range check catches infinity.
    write(root, "inputs/kpis/data.csv", KPIS.replace("2,2019-09,35", "2,2019-09,1e999"))
    refusal = (
        "inputs/kpis/data.csv:6: value: '1e999' is too large to be a number (it reads as "
        "infinity); check the value and write it out in full"
    )
    code, lines = cli("validate", "-p", str(root))
    assert code == 1
    assert refusal in lines
    code, lines = cli("build", "-p", str(root), "--period", "2019-10", "-q")
    assert code != 0
    assert any(refusal in line for line in lines), lines
    assert not (root / "outputs" / "2019-10").exists()


def test_1e999_as_an_action_percentage_is_refused(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(
        root,
        "inputs/updates/2019-10.csv",
        "ref,status,percent_complete\n1.1,complete,100\n1.2,on track,-1E+400\n2.1,at risk,5\n",
    )
    code, lines = cli("validate", "-p", str(root))
    assert code == 1
    assert (
        "inputs/updates/2019-10.csv:3: percent_complete: '-1E+400' is too large to be a "
        "number (it reads as infinity); check the value and write it out in full"
    ) in lines


def test_infinite_and_nan_targets_in_the_plan_are_refused_at_their_lines(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    plan = PLAN.replace("value: 90,", "value: 1.0e+999,").replace("value: 10,", "value: .nan,")
    write(root, "inputs/plan.yaml", plan)
    lines = plan.splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "1.0e+999" in t)
    second = next(i for i, t in enumerate(lines, 1) if ".nan" in t)
    code, out = cli("validate", "-p", str(root))
    assert code == 1
    why = (
        "must be an ordinary number; .inf, .nan and numbers too large to hold "
        "(such as 1.0e+999) are not allowed"
    )
    where = "target.value (numeric target)"
    assert f"inputs/plan.yaml:{first}: recommendation 1, KPI 1: {where}: {why}" in out
    assert f"inputs/plan.yaml:{second}: recommendation 1, KPI 2: {where}: {why}" in out


def test_an_infinite_smtp_timeout_is_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["new", str(tmp_path / "p")]).exit_code == 0
    path = tmp_path / "p" / "inputs" / "distribution.yaml"
    text = path.read_text()
    assert "  port: 587\n" in text
    path.write_text(text.replace("  port: 587\n", "  port: 587\n  timeout_seconds: .inf\n"))
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if ".inf" in t)
    code, out = cli("validate", "-p", str(tmp_path / "p"))
    assert code == 1
    assert (
        f"inputs/distribution.yaml:{line}: mail.timeout_seconds: must be an ordinary number; "
        ".inf, .nan and numbers too large to hold (such as 1.0e+999) are not allowed"
    ) in out


# --- plan text in charts (item 10) ----------------------------------------------


def dollar_spec(title: str) -> ChartSpec:
    months = period_range(Period.parse("2019-04"), Period.parse("2019-09"))
    return ChartSpec(
        title=title,
        periods=tuple(months),
        values=(5.0, 6.0, 7.0, 6.5, 8.0, 9.0),
        unit="count",
        direction="lower",
        y_label="$ spent ($k)",
    )


def test_a_title_that_looks_like_mathtext_draws_as_written() -> None:
    # matplotlib's mathtext raised ParseFatalException on this and failed the build.
    spec = dollar_spec(r"Spend in $\foo$")
    png = draw_chart(spec)
    assert png.startswith(b"\x89PNG")
    assert r"Spend in $\foo$" in chart_text(spec)


def test_dollar_signs_in_plan_text_are_never_read_as_mathtext() -> None:
    # Mathtext drew this as "Agency spend ()vs budget".
    spec = dollar_spec("Agency spend ($) vs $ budget")
    texts = chart_text(spec)
    assert "Agency spend ($) vs $ budget" in texts
    assert "$ spent ($k)" in texts
    drawn = [t for t in charts._FIGURE.findobj(Text) if t.get_text().strip()]
    assert drawn
    assert [t.get_text() for t in drawn if t.get_parse_math()] == []


# --- YAML that is legal but unusable ---------------------------------------------


def test_a_list_used_as_a_key_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    root = make_project(tmp_path)
    write(root, "inputs/notes/2019-10/rec-01.md", note(1, extra="? [a, b]\n: c\n"))
    write(root, "inputs/plan.yaml", PLAN + "extra: {? {x: 1}: 1}\n")
    code, lines = cli("validate", "-p", str(root))
    assert code == 1
    # The note is still checked while the plan cannot be read: both are listed.
    plan_lines = [line for line in lines if line.startswith("inputs/plan.yaml:")]
    assert len(plan_lines) == 1
    assert plan_lines[0].endswith(
        "found a list or mapping used as a key; keys are plain words such as 'title'"
    )
    write(root, "inputs/plan.yaml", PLAN)
    code, lines = cli("validate", "-p", str(root))
    assert code == 1
    assert (
        "inputs/notes/2019-10/rec-01.md:6:3: invalid YAML: while constructing a mapping found "
        "a list or mapping used as a key; keys are plain words such as 'title'"
    ) in lines
