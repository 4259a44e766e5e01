"""Rule sheets of results.xlsx made by the parent and handed to the forked process writing the workbook
(procurement.write.xlsx_shared): the same bytes as one process writing it all, whichever way the
handed members are written (as they are, or inflated again when their head or tail differs)."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write import forked, outputs, results_xlsx, xlsx_shared
from procurement.write.outputs import write_outputs
from procurement.write.xlsx_shared import Handed, _digest, choose_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "commandes-2025.csv"
DEFAULT = ["json", "csv", "xlsx", "html", "summary"]


def _handed(tmp_path: Path, head: bytes, rows: bytes, tail: bytes) -> Handed:
    z = zlib.compressobj(1, zlib.DEFLATED, -15)
    path = tmp_path / "member"
    path.write_bytes(z.compress(head + rows + tail) + z.flush())
    text = head + rows + tail
    return Handed(0, str(path), _digest(head), _digest(tail), 1, zlib.crc32(text), len(text), 1)


@settings(max_examples=60, deadline=None)
@given(head=st.binary(max_size=300), rows=st.binary(max_size=3000), tail=st.binary(max_size=300),
       size=st.integers(1, 700))
def test_handed_rows_are_the_text_between_head_and_tail(tmp_path_factory, head, rows, tail, size):
    handed = _handed(tmp_path_factory.mktemp("h"), head, rows, tail)
    assert b"".join(handed.rows(size)) == rows
    assert handed.fits(head, tail, 1)
    assert not handed.fits(head, tail + b" ", 1) and not handed.fits(head + b" ", tail, 1)
    assert not handed.fits(head, tail, 6)


def test_rule_share_evens_the_two_processes_and_never_goes_negative():
    share = forked.rule_share(["json", "csv", "html", "summary"], ["xlsx"])
    assert 0 < share < 1
    parent = forked.REPLAY + sum(
        forked.COSTS.get(n, 0) + forked.PARENT_COSTS.get(n, 0) for n in ["json", "csv", "html", "summary"])
    moved = share * forked.RULE_SHEETS * forked.COSTS["xlsx"]
    assert parent + moved == pytest.approx(forked.REPLAY + forked.COSTS["xlsx"] - moved)
    assert forked.rule_share(["json", "csv", "html", "summary", "orders", "jsonl"], ["xlsx"]) == 0.0


@pytest.fixture
def result(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    monkeypatch.setenv(results_xlsx.WRITER_ENV, "fast")  # the sample is small: the streamed writer anyway
    return run([SAMPLE], load_rules(None, [], []))


def test_choose_rules_takes_about_the_share_of_rows_asked(result):
    from collections import Counter

    rules = [r.id for r in result.rulebook.rules]
    rows = Counter(rules.index(f.rule) for s in result.orders for f in s.findings
                   if f.status != "not_applicable" and f.rule in rules)
    total = sum(rows.values())
    for fraction in (0.2, 0.35, 0.5):
        chosen = choose_rules(result, fraction, sample=len(result.orders))
        assert chosen and all(rows[i] for i in chosen)
        assert abs(sum(rows[i] for i in chosen) - fraction * total) <= max(rows.values()) / 2
    assert choose_rules(result, 0.0) == frozenset()


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _shared_run(result, out: Path, monkeypatch, calls: list) -> None:
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    real = outputs._share

    def share(*args):
        made = real(*args)
        calls.append(None if made is None else sorted(made.rules))
        return made

    monkeypatch.setattr(outputs, "_share", share)
    write_outputs(result, out, "fr", DEFAULT, jobs=2)


@pytest.mark.parametrize("deflate_from", [10**9, 1])  # the workbook's own sheets deflated at the end, or by a thread
def test_a_shared_workbook_has_the_bytes_of_one_process(tmp_path, result, monkeypatch, deflate_from):
    write_outputs(result, tmp_path / "one", "fr", DEFAULT, jobs=1)
    monkeypatch.setattr(results_xlsx, "DEFLATE_FROM_ORDERS", deflate_from)

    def inflated(self, size=1 << 20):  # the handed members must be written as they are
        raise AssertionError("a handed member was inflated again")

    monkeypatch.setattr(Handed, "rows", inflated)
    calls: list = []
    _shared_run(result, tmp_path / "two", monkeypatch, calls)
    assert calls and calls[0], "the parent made no rule sheet"
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_a_handed_member_with_another_tail_is_inflated_and_written_the_plain_way(tmp_path, result, monkeypatch):
    write_outputs(result, tmp_path / "one", "fr", DEFAULT, jobs=1)
    real = results_xlsx.rule_parts

    def other_tails(*args):  # as if the parent had got the formats' order wrong
        return [(head, tail + b"<!-- -->") for head, tail in real(*args)]

    monkeypatch.setattr(results_xlsx, "rule_parts", other_tails)
    calls: list = []
    _shared_run(result, tmp_path / "two", monkeypatch, calls)
    assert calls and calls[0]
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_a_parent_failing_after_the_rows_leaves_the_previous_outputs(tmp_path, result, monkeypatch):
    out = tmp_path / "out"
    write_outputs(result, out, "fr", DEFAULT, jobs=1)
    before = _files(out)

    def broken(self):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(xlsx_shared.RuleSheetsSink, "finish", broken)
    temp = _private_temp(tmp_path, monkeypatch)
    calls: list = []
    with pytest.raises(OSError, match="No space left on device"):
        _shared_run(result, out, monkeypatch, calls)
    assert calls and calls[0]
    assert _files(out) == before
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]
    # Neither the handed sheets' directory nor the workbook process's openpyxl files are left behind.
    assert list(temp.iterdir()) == []


def _private_temp(tmp_path: Path, monkeypatch) -> Path:
    """The system's temporary directory, for this test (and the processes it forks): one of its own."""
    import tempfile

    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    return temp


def test_a_shared_run_leaves_no_temporary_file(tmp_path, result, monkeypatch):
    temp = _private_temp(tmp_path, monkeypatch)
    calls: list = []
    _shared_run(result, tmp_path / "out", monkeypatch, calls)
    assert calls and calls[0]
    assert list(temp.iterdir()) == []


def test_a_rule_with_several_findings_in_a_shared_sheet_keeps_every_row(tmp_path, monkeypatch):
    """A rulebook may name a rule RISK-02, whose verdicts the batch adds at the end of an order's findings:
    the parent's sheet of that rule must list them all, as one process does."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    monkeypatch.setenv(results_xlsx.WRITER_ENV, "fast")
    text = (ROOT / "rules" / "relance-renouveau.yaml").read_text(encoding="utf-8")
    assert text.count("  - id: LOC-01\n") == 1
    book = tmp_path / "rules.yaml"
    book.write_text(text.replace("  - id: LOC-01\n", "  - id: RISK-02\n"), encoding="utf-8")
    result = run([SAMPLE], load_rules(book, [], []))
    index = [r.id for r in result.rulebook.rules].index("RISK-02")
    assert any(len(s.findings) > len(result.rulebook.rules) for s in result.orders)
    write_outputs(result, tmp_path / "one", "fr", DEFAULT, jobs=1)
    monkeypatch.setattr(forked, "rule_share", lambda *a: 1.0)  # every rule sheet made by the parent
    calls: list = []
    _shared_run(result, tmp_path / "two", monkeypatch, calls)
    assert calls and index in calls[0]
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_a_failing_workbook_process_is_reported_as_such_while_the_parent_shares(tmp_path, result, monkeypatch):
    out = tmp_path / "out"
    write_outputs(result, out, "fr", DEFAULT, jobs=1)
    before = _files(out)
    from procurement.write.results_xlsx import XlsxSink

    def broken(self, scored):  # in the forked process, before it ever reads the handed sheets
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(XlsxSink, "add", broken)
    calls: list = []
    with pytest.raises(forked.WriterError, match="No space left on device"):
        _shared_run(result, out, monkeypatch, calls)
    assert calls and calls[0]
    assert _files(out) == before


@pytest.mark.parametrize(("exc", "parent_gone_after", "removed"), [
    (None, None, False),  # a normal end, parent alive: the parent removes the directory
    (None, 0, True),  # parent already gone: this process removes it
    (RuntimeError, 3, True),  # woken by the end of the pipe before the system named another parent
    (RuntimeError, None, False),  # an error of its own, parent alive: waits a moment, leaves it to the parent
])
def test_the_workbook_process_removes_the_directory_only_once_its_parent_is_gone(monkeypatch, exc, parent_gone_after,
                                                                                 removed):
    share = xlsx_shared.Share(frozenset({1}))
    try:
        calls = []

        def getppid():
            calls.append(1)
            return share.parent if parent_gone_after is None or len(calls) <= parent_gone_after else 1

        monkeypatch.setattr(xlsx_shared.os, "getppid", getppid)
        monkeypatch.setattr(xlsx_shared, "ORPHAN_WAIT", 0.2)
        assert share.orphaned(exc) is False  # an error goes on
        assert Path(share.directory).exists() is not removed
    finally:
        share.close()
