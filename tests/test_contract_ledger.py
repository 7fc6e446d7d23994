"""The delivery ledger's line format: unchanged on disk, older lines still read."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.contract import LEDGER_NAME, ContractError, Entry, Ledger, PackRecord

LINE = (
    '{"attempts": 1, "message_id": "<m@example.org>", "name": "Ann", "packs": '
    '[{"path": "board-pack-2019-10.pdf", "sha256": "' + "a" * 64 + '"}], '
    '"period": "2019-10", "recipient": "ann@example.org", "response": "250 ok", '
    '"status": "delivered", "time": "2019-11-05T09:00:00+00:00"}'
)


def test_a_line_is_written_exactly_as_before() -> None:
    entry = Entry(
        time="2019-11-05T09:00:00+00:00",
        period="2019-10",
        recipient="ann@example.org",
        name="Ann",
        status="delivered",
        message_id="<m@example.org>",
        response="250 ok",
        attempts=1,
        packs=(PackRecord(path="board-pack-2019-10.pdf", sha256="a" * 64),),
    )
    assert entry.to_json() == LINE
    assert Entry.model_validate_json(LINE) == entry


def test_a_line_with_only_the_essentials_still_reads(tmp_path: Path) -> None:
    path = tmp_path / LEDGER_NAME
    path.write_text(
        LINE + "\n"
        '{"recipient": "bob@example.org", "status": "rejected", "packs": [], "extra": 1}\n',
        encoding="utf-8",
    )
    bob = Ledger(path).entries()[1]
    assert (bob.recipient, bob.status, bob.packs, bob.attempts, bob.name) == (
        "bob@example.org",
        "rejected",
        (),
        0,
        "",
    )
    assert Ledger(path).delivered() == {("ann@example.org", "board-pack-2019-10.pdf", "a" * 64)}


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ('{"recipient": "x@example.org", "status": "lost", "packs": []}', "status: Input should"),
        ('{"status": "delivered", "packs": []}', "recipient: missing"),
        ("[1, 2]", "damaged delivery record: Input should be an object"),
        ("{not json", "damaged delivery record (not valid JSON)"),
    ],
)
def test_a_damaged_line_is_named_and_stops_sending(tmp_path: Path, line: str, says: str) -> None:
    path = tmp_path / LEDGER_NAME
    path.write_text(f"{LINE}\n{line}\n{LINE}\n", encoding="utf-8")
    with pytest.raises(ContractError) as err:
        Ledger(path).entries()
    text = str(err.value)
    assert text.startswith(f"{path}:2: damaged delivery record")
    assert says in text
    assert text.endswith(
        "Check the line against the mail server's log, fix or remove it, and run again"
    )
