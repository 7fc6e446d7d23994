"""What ingest refuses, and the message a lead or officer reads for each."""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from collect_helpers import (
    LETTER,
    PERIOD,
    commentary,
    copy_to,
    example_before_returns,
    label_row,
    put,
    row_of,
    run,
    update_rows,
)
from hostile_files import zip_bomb_workbook
from openpyxl import Workbook, load_workbook

from reportgen.collect.fields import META_SHEET, UPDATES_SHEET
from reportgen.load.notes import ALLOWED_KEYS

HOS = "updates-2020-03-head-of-safeguarding.xlsx"


@pytest.fixture(scope="module")
def collected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = example_before_returns(tmp_path_factory.mktemp("example"))
    code, _out, err = run("collect", "--period", PERIOD, "--project", str(root))
    assert code == 0, err
    return root


@pytest.fixture
def project(collected: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(collected, root)
    return root


def sent(project: Path, name: str = HOS) -> Path:
    return project / "outputs" / PERIOD / "collect" / name


def returned(project: Path, name: str = HOS) -> Path:
    return copy_to(sent(project, name), project / "returned")


def ingest(project: Path, *args: str) -> tuple[int, str, str]:
    return run("ingest", "--project", str(project), *args)


def fill(path: Path, ref: str = "4.2", **values: object) -> None:
    book = load_workbook(path)
    sheet = book[UPDATES_SHEET]
    put(sheet, row_of(sheet, ref), **values)
    book.save(path)


def test_bad_cells_are_located_by_sheet_cell_and_action_and_nothing_is_merged(
    project: Path,
) -> None:
    path = returned(project)
    book = load_workbook(path)
    sheet = book[UPDATES_SHEET]
    r1, r2, r3 = row_of(sheet, "4.2"), row_of(sheet, "4.2.2"), row_of(sheet, "4.2.4")
    put(sheet, r1, status="nearly done", comment="Going well")
    put(sheet, r2, status="on track", percent_complete=150)
    put(sheet, r3, comment="Waiting on the audit team")
    book.save(path)
    code, out, err = ingest(project, str(path))
    assert code == 1
    s = LETTER["status"]
    assert (
        f"{path}: Updates!{s}{r1} (action 4.2): unknown status 'nearly done'; use one of: "
        "not started, on track, at risk, off track, complete, blocked"
    ) in err
    assert (
        f"{path}: Updates!{LETTER['percent_complete']}{r2} (action 4.2.2): 150 is outside 0-100"
    ) in err
    assert f"{path}: Updates!{s}{r3} (action 4.2.4): the status is blank; use one of:" in err
    assert f"refused {path} from Head of Safeguarding" in out
    assert "nothing from it was merged" in out
    assert not (project / "inputs" / "updates" / f"{PERIOD}.csv").exists()
    assert not (project / "inputs" / "returns").exists()


def test_reordered_rows_blank_rows_and_another_programs_save_are_read_by_ref(
    project: Path,
) -> None:
    """A lead re-keys the workbook in another program: plain cells, text dates, rows sorted."""
    original = load_workbook(sent(project))
    plain = Workbook()
    sheet = plain.active
    assert sheet is not None
    sheet.title = UPDATES_SHEET
    source = original[UPDATES_SHEET]
    rows = [list(r) for r in source.iter_rows(values_only=True)]
    header, body = rows[3], rows[4:]
    body.reverse()
    for r, values in enumerate([[], [], [], header, *body], start=1):
        for c, v in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=v)
    target = next(r for r in update_rows(sheet) if sheet[f"A{r}"].value == "4.2.3")
    put(
        sheet,
        target,
        status="On Track",
        revised_due="Aug 2020",
        percent_complete="75%",
        comment="  Partner sign-off received  ",
    )
    for name in original.sheetnames[1:]:
        copy = plain.create_sheet(name)
        for row in original[name].iter_rows():
            for cell in row:
                copy.cell(row=cell.row, column=cell.column, value=cell.value)
    path = project / "returned" / HOS
    path.parent.mkdir()
    plain.save(path)
    code, out, err = ingest(project, str(path))
    assert code == 0, out + err
    text = (project / "inputs" / "updates" / f"{PERIOD}.csv").read_text(encoding="utf-8")
    assert text.splitlines()[1:] == [
        "4.2.3,on track,2020-08,75,Partner sign-off received,,returned by Head of Safeguarding"
    ]


def test_a_workbook_for_another_period_or_plan_is_refused(project: Path) -> None:
    path = returned(project)
    code, _out, err = ingest(project, "--period", "2020-02", str(path))
    assert code == 1
    assert (
        f"{path}: this workbook is for March 2020, not February 2020; ingest it with "
        "--period 2020-03, or ask the lead for the 2020-02 workbook"
    ) in err
    book = load_workbook(path)
    meta = book[META_SHEET]
    row = next(c.row for (c,) in meta.iter_rows(max_col=1) if c.value == "plan")
    meta[f"B{row}"] = "Another Council: Another plan (2021-01 to 2021-12)"
    book.save(path)
    code, _out, err = ingest(project, str(path))
    assert code == 1
    assert f"{path}: this workbook is for another plan ('Another Council: Another plan" in err
    assert "ingest it in that plan's project" in err


def test_macro_enabled_files_macros_and_external_links_are_refused(project: Path) -> None:
    xlsm = returned(project).rename(project / "returned" / "updates.xlsm")
    code, _out, err = ingest(project, str(xlsm))
    assert code == 1
    assert f"{xlsm}: macro-enabled workbooks (.xlsm) are refused; open it in Excel and use " in err

    def with_member(name: str, member: str) -> Path:
        target = project / "returned" / name
        with zipfile.ZipFile(sent(project)) as src, zipfile.ZipFile(target, "w") as dst:
            for item in src.infolist():
                dst.writestr(item, src.read(item.filename))
            dst.writestr(member, b"<x/>")
        return target

    hidden = with_member("macros.xlsx", "xl/vbaProject.bin")
    code, _out, err = ingest(project, str(hidden))
    assert f"{hidden}: the workbook contains macros, which are refused" in err
    linked = with_member("linked.xlsx", "xl/externalLinks/externalLink1.xml")
    code, _out, err = ingest(project, str(linked))
    assert code == 1
    assert (
        f"{linked}: the workbook links to other workbooks (external links); in Excel use "
        "Data > Edit Links > Break Link, save, and send it again"
    ) in err


def test_a_formula_without_a_saved_result_is_refused_and_with_one_is_read(
    project: Path,
) -> None:
    path = returned(project)
    fill(path, status="on track", percent_complete="=50+10", comment="Formula")
    code, _out, err = ingest(project, str(path))
    assert code == 1
    r = row_of(load_workbook(path)[UPDATES_SHEET], "4.2")
    assert (
        f"{path}: Updates!{LETTER['percent_complete']}{r} (action 4.2): the cell holds a "
        "formula (=50+10) with no saved result; type the value itself"
    ) in err

    # Excel keeps the last result beside the formula: that value is what is read.
    cell = f"{LETTER['percent_complete']}{r}"
    saved = project / "returned" / "cached.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(saved, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start) + len("</c>")
                text = text[:start] + f'<c r="{cell}"><f>50+10</f><v>60</v></c>' + text[end:]
                data = text.encode()
            dst.writestr(item, data)
    code, out, err = ingest(project, str(saved))
    assert code == 0, out + err
    text = (project / "inputs" / "updates" / f"{PERIOD}.csv").read_text(encoding="utf-8")
    assert "4.2,on track,,60,Formula," in text


def test_not_a_collection_workbook_and_an_action_not_sent_are_refused(project: Path) -> None:
    stray = project / "returned" / "my-own.xlsx"
    stray.parent.mkdir()
    Workbook().save(stray)
    code, _out, err = ingest(project, str(stray))
    assert code == 1
    assert (
        f"{stray}: not a workbook from 'reportgen collect' (its hidden 'reportgen' sheet is "
        "missing); ask the lead to fill in the workbook they were sent"
    ) in err
    path = returned(project)
    book = load_workbook(path)
    sheet = book[UPDATES_SHEET]
    r = row_of(sheet, "4.2")
    sheet[f"A{r}"] = "12.2"
    put(sheet, r, status="on track", comment="Not mine")
    book.save(path)
    code, _out, err = ingest(project, str(path))
    assert code == 1
    assert (
        f"{path}: Updates!A{r} (action 12.2): action 12.2 was not in this workbook as sent; "
        "report it in the workbook of the lead it was sent to"
    ) in err


def test_a_newer_update_is_kept_unless_forced_and_hand_typed_rows_are_protected(
    project: Path,
) -> None:
    old = returned(project)
    fill(old, status="at risk", comment="Older news")
    newer = copy_to(old, project / "later")
    fill(newer, status="on track", comment="Newer news")
    _restamp(old, "2020-04-01T09:00:00Z")
    _restamp(newer, "2020-04-03T16:30:00Z")
    code, out, err = ingest(project, str(newer))
    assert code == 0, out + err
    code, out, err = ingest(project, str(old))
    assert code == 1
    r = row_of(load_workbook(old)[UPDATES_SHEET], "4.2")
    assert (
        f"{old}: Updates!{LETTER['status']}{r} (action 4.2): a newer update is already merged "
        "(from Head of Safeguarding's workbook saved 2020-04-03T16:30:00, this one was saved "
        "2020-04-01T09:00:00); ingest with --force to replace it"
    ) in err
    code, out, err = ingest(project, "--force", str(old))
    assert code == 0, out + err
    csv_text = (project / "inputs" / "updates" / f"{PERIOD}.csv").read_text(encoding="utf-8")
    assert "Older news" in csv_text and "Newer news" not in csv_text

    hand = project / "inputs" / "updates" / f"{PERIOD}.csv"
    hand.write_text("ref,status,comment\n4.2.2,on track,Typed in by the officer\n")
    other = returned(project)
    fill(other, ref="4.2.2", status="blocked", comment="From the workbook")
    code, out, err = ingest(project, str(other))
    assert code == 1
    assert (
        f"(action 4.2.2): inputs/updates/{PERIOD}.csv already has this update, not from a "
        "returned workbook (typed in by hand?); ingest with --force to replace it"
    ) in err
    assert "Typed in by the officer" in hand.read_text()


def _restamp(path: Path, stamp: str) -> None:
    """Set the workbook's own 'last saved' time, as Excel would on the lead's machine."""
    import re

    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(tmp, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp.encode() + rb"\g<2>",
                    data,
                )
            dst.writestr(item, data)
    tmp.replace(path)


def test_a_rag_override_without_a_reason_points_at_the_rating_cell(project: Path) -> None:
    path = returned(project)
    book = load_workbook(path)
    page = commentary(book, "1")
    page[f"B{label_row(page, 'Summary')}"] = "Supervision audits show progress."
    rag_row = label_row(page, "Your RAG rating (only to override)")
    page[f"B{rag_row}"] = "green"
    book.save(path)
    code, _out, err = ingest(project, str(path))
    assert code == 1
    assert (
        f"{path}: Rec 1 commentary!B{rag_row} (recommendation 1): a RAG override needs a "
        "reason; add 'rag_reason: <why>' to the front matter"
    ) in err


def test_a_zip_bomb_is_refused_before_it_is_opened(project: Path) -> None:
    bomb = zip_bomb_workbook(project / "returned.xlsx", 60_000_000)
    code, _out, err = ingest(project, str(bomb))
    assert code == 1
    assert f"{bomb}: the workbook unzips to 60,0" in err
    assert (
        "bytes (a small file that unzips this large is a 'zip bomb'), so it was not opened" in err
    )


ASKS_OFFERED = "risks" in ALLOWED_KEYS


@pytest.mark.skipif(not ASKS_OFFERED, reason="the notes loader has no decisions/risks yet")
def test_decisions_risks_escalations_and_recovery_become_note_front_matter(
    project: Path,
) -> None:
    name = "updates-2020-03-partnerships-manager.xlsx"
    path = returned(project, name)
    book = load_workbook(path)
    page = commentary(book, "9")

    def at(label: str, column: str = "B") -> str:
        return f"{column}{label_row(page, label)}"

    page[at("Summary")] = "Audit programme restarted."
    page[at("Decision 1")], page[at("Decision 1", "C")] = "Fund two auditors", "decide"
    page[at("Decision 3")], page[at("Decision 3", "C")] = "Note the timetable", "note"
    page[at("Risk 2")], page[at("Risk 2", "D")] = "Auditor vacancies", "Agency cover"
    page[at("Escalation 1")] = "Partner data sharing has stalled"
    page[at("Recovery: Cause")] = "Vacancies in the audit team"
    page[at("Recovery: Recovery action")] = "Recruit two auditors"
    page[at("Recovery: Owner")] = "Head of QA"
    page[at("Recovery: Back on track by (month)")] = datetime(2020, 6, 1)
    book.save(path)
    code, _out, err = ingest(project, str(path))
    assert code == 1
    assert (
        f"{path}: Rec 9 commentary!{at('Risk 2', 'C')} (recommendation 9): a risk needs a "
        "rating: one of high, medium, low"
    ) in err

    page[at("Risk 2", "C")] = "high"
    book.save(path)
    code, out, err = ingest(project, str(path))
    assert code == 0, out + err
    note = (project / "inputs" / "notes" / PERIOD / "rec-09.md").read_text(encoding="utf-8")
    assert (
        "decisions:\n- text: Fund two auditors\n  ask: decide\n- text: Note the timetable\n"
        "  ask: note\nrisks:\n- risk: Auditor vacancies\n  rating: high\n"
        "  mitigation: Agency cover\nescalations:\n- Partner data sharing has stalled\n"
        "recovery:\n  cause: Vacancies in the audit team\n  action: Recruit two auditors\n"
        "  owner: Head of QA\n  revised_date: 2020-06\n"
    ) in note


@pytest.mark.skipif(not ASKS_OFFERED, reason="the notes loader has no recovery yet")
def test_a_red_recommendation_without_a_recovery_plan_is_a_warning(project: Path) -> None:
    path = returned(project, "updates-2020-03-partnerships-manager.xlsx")
    book = load_workbook(path)
    page = commentary(book, "9")
    page[f"B{label_row(page, 'Summary')}"] = "Audit programme restarted."
    book.save(path)
    code, out, _err = ingest(project, str(path))
    assert code == 0
    cause = label_row(page, "Recovery: Cause")
    assert (
        f"{path}: Rec 9 commentary!B{cause} (recommendation 9): warning: no recovery plan for "
        "a recommendation that is red on the data so far; fill in the cause, recovery action, "
        "owner and revised date"
    ) in out


def test_merging_keeps_the_other_rows_and_columns_of_an_existing_file(project: Path) -> None:
    existing = project / "inputs" / "updates" / f"{PERIOD}.csv"
    existing.write_text("Action,Status,Comments\n11.5,on track,Typed by the officer\n")
    path = returned(project)
    fill(path, status="complete", percent_complete=100, comment="Done")
    code, out, err = ingest(project, str(path))
    assert code == 0, out + err
    assert existing.read_text().splitlines() == [
        "Action,Status,Comments,revised_due,percent_complete,completed_on,note",
        "11.5,on track,Typed by the officer,,,,",
        "4.2,complete,Done,,100,,returned by Head of Safeguarding",
    ]
