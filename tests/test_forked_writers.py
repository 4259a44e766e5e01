"""Outputs written by forked processes (procurement.write.forked): same files, all-or-nothing renames."""

from __future__ import annotations

from pathlib import Path

import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write import forked
from procurement.write.outputs import write_outputs

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "commandes-2025.csv"
DEFAULT = ["json", "csv", "xlsx", "html", "summary"]


def test_plan_keeps_small_batches_and_single_jobs_in_one_process():
    assert forked.plan(DEFAULT, 1, 10**6) == []
    assert forked.plan(DEFAULT, 2, forked.MIN_ORDERS - 1) == []


def test_plan_sends_the_workbook_to_a_child_and_keeps_the_figures_here():
    assert forked.plan(DEFAULT, 2, 10**5) == [["xlsx"]]
    # Without the workbook, results.json and results.csv go: the report and its figures weigh as much.
    assert [sorted(g) for g in forked.plan(["json", "csv", "html", "summary"], 2, 10**5)] == [["csv", "json"]]
    groups = forked.plan([*DEFAULT, "jsonl", "orders"], 4, 10**5)
    moved = [n for g in groups for n in g]
    assert sorted(moved) == sorted(set(moved)) and not {"html", "summary"} & set(moved)
    assert len(groups) == 3
    # Nothing worth moving: only the report and the summary, which need the batch figures.
    assert forked.plan(["html", "summary"], 2, 10**5) == []


@pytest.fixture
def result(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    return run([SAMPLE], load_rules(None, [], []))


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def test_forked_writers_give_the_same_files(tmp_path, result, monkeypatch):
    formats = [*DEFAULT, "jsonl"]
    write_outputs(result, tmp_path / "one", "fr", formats, per_order=True, jobs=1)
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    assert len(forked.plan([*formats, "orders"], 3, len(result.orders))) == 2
    paths = write_outputs(result, tmp_path / "three", "fr", formats, per_order=True, jobs=3)
    one, three = _files(tmp_path / "one"), _files(tmp_path / "three")
    assert len(one) > 8 and one == three
    assert [p.name for p in paths[:6]] == ["results.json", "results.csv", "results.xlsx", "report.html",
                                           "summary.html", "results.jsonl"]


def test_a_failing_child_keeps_the_previous_outputs(tmp_path, result, monkeypatch):
    out = tmp_path / "out"
    write_outputs(result, out, "fr", DEFAULT, jobs=1)
    before = _files(out)
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    from procurement.write.results_xlsx import XlsxSink

    def broken(self, scored):  # runs in the child that writes results.xlsx
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(XlsxSink, "add", broken)
    with pytest.raises(forked.WriterError, match="No space left on device"):
        write_outputs(result, out, "fr", DEFAULT, jobs=2)
    assert _files(out) == before  # results.json, written here, was not renamed either
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_a_failing_parent_drops_the_childrens_files(tmp_path, result, monkeypatch):
    out = tmp_path / "out"
    write_outputs(result, out, "fr", DEFAULT, jobs=1)
    before = _files(out)
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    from procurement.write.json_writer import JsonSink

    def broken(self, *args):
        raise RuntimeError("parent failed while finishing")

    monkeypatch.setattr(JsonSink, "finish", broken)
    with pytest.raises(RuntimeError, match="parent failed"):
        write_outputs(result, out, "fr", DEFAULT, jobs=2)
    assert _files(out) == before  # results.xlsx, finished by the child, was not renamed
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


def test_objects_frozen_for_the_fork_are_released_after(tmp_path, result, monkeypatch):
    """gc.freeze() keeps inherited pages shared while children run; after, the parent collects again (a
    library caller running many batches must not keep every earlier batch's garbage)."""
    import gc

    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    write_outputs(result, tmp_path / "out", "fr", DEFAULT, jobs=2)
    assert gc.get_freeze_count() == 0


_KILLED_PARENT = """
import multiprocessing, os, signal, sys
from pathlib import Path
from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write import forked
from procurement.write.json_writer import JsonSink
from procurement.write.outputs import write_outputs

forked.MIN_ORDERS = 1
result = run([Path(sys.argv[1])], load_rules(None, [], []))

def killed(self):  # the parent dies the hard way, its forked writer working or waiting for its word
    Path(sys.argv[3]).write_text(" ".join(str(p.pid) for p in multiprocessing.active_children()))
    os.kill(os.getpid(), signal.SIGKILL)

JsonSink.finish = killed
write_outputs(result, Path(sys.argv[2]), "fr", ["json", "csv", "xlsx", "html", "summary"], jobs=2)
"""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has ended: only its exit status waits to be read


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_killed_parent_takes_its_forked_writers_with_it(tmp_path):
    import subprocess
    import sys
    import time

    pids_file = tmp_path / "pids"
    temp = tmp_path / "temp"  # a parent killed cannot remove its temporary files: keep them here
    temp.mkdir()
    env = {**__import__("os").environ, "SOURCE_DATE_EPOCH": "1748736000", "PROCUREMENT_XLSX_WRITER": "fast",
           "TMPDIR": str(temp)}
    done = subprocess.run([sys.executable, "-c", _KILLED_PARENT, str(SAMPLE), str(tmp_path / "out"), str(pids_file)],
                          cwd=ROOT, env=env, timeout=120)
    assert done.returncode == -9
    pids = [int(p) for p in pids_file.read_text().split()]
    assert pids
    deadline = time.monotonic() + 15
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if _alive(p)]
    for pid in left:  # a failure must not leave an orphan behind
        __import__("os").kill(pid, 9)
    assert not left
    # The writer, ending after its parent, removed what the parent could not: the rule sheets the parent
    # was making for it (xlsx_shared) and its own openpyxl files.
    assert sorted(p.name for p in temp.iterdir()) == []
