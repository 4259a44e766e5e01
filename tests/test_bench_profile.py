"""bench/profile_run.py: samples filed by process and stage, and the profile's section of docs/performance.md."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import profile_run  # noqa: E402
from profile_run import FORKED, PARENT, REST, WORKER  # noqa: E402
from run_bench import BEGIN as BENCH_BEGIN  # noqa: E402

CMD = 'process {pid}:"python -m procurement score big.csv"'
ROOT_FRAMES = "<module> (procurement/__main__.py:5);run_score (procurement/commands.py:125)"
WORKER_FRAMES = f"{ROOT_FRAMES};run (procurement/pipeline.py:230);_serve (procurement/parallel.py:62);" \
    "score_chunk (procurement/scorer.py:140);score_record (procurement/scorer.py:114)"
FORKED_FRAMES = f"{ROOT_FRAMES};write_outputs (procurement/write/outputs.py:105);" \
    "_serve (procurement/write/forked.py:117)"

RAW = [
    # parent: reading, then replaying with results.json's sink called from the loop
    f"{CMD.format(pid=10)};{ROOT_FRAMES};run (procurement/pipeline.py:230);"
    "iter_csv_rows (procurement/read/csv_reader.py:40) 30",
    f"{CMD.format(pid=10)};{ROOT_FRAMES};write_outputs (procurement/write/outputs.py:105);"
    "OrderStore.__iter__ (procurement/store.py:124) 20",
    f"{CMD.format(pid=10)};{ROOT_FRAMES};write_outputs (procurement/write/outputs.py:105);JsonSink.add (x.py:1) 10",
    f"{CMD.format(pid=10)};{ROOT_FRAMES};importlib (frozen:1) 5",
    # a worker: validation inside the rules' caller is validation; evaluate nested in enrich is rules
    f"{CMD.format(pid=10)};{CMD.format(pid=11)};{WORKER_FRAMES};validate (procurement/validate.py:120) 40",
    f"{CMD.format(pid=10)};{CMD.format(pid=11)};{WORKER_FRAMES};enrich (procurement/enrich.py:250);"
    "evaluate (procurement/engine.py:80) 15",
    f"{CMD.format(pid=10)};{CMD.format(pid=12)};{WORKER_FRAMES};evaluate (procurement/engine.py:80) 25",
    # the forked writer, and a thread of it that shows none of the writer's frames
    f"{CMD.format(pid=10)};{CMD.format(pid=13)};{FORKED_FRAMES};OrderStore.__iter__ (procurement/store.py:124) 50",
    f"{CMD.format(pid=10)};{CMD.format(pid=13)};thread 0x7f:\"Thread-1\";Thread._bootstrap (threading.py:995);"
    "Deflater._run (procurement/write/xlsx_deflate.py:132) 35",
    "a line that is not a stack",
]


def tallied():
    return profile_run.tally(profile_run.parse(RAW))


def test_samples_go_to_their_process_and_innermost_stage():
    by_role, processes = tallied()
    assert processes == {PARENT: 1, WORKER: 2, FORKED: 1}
    assert by_role[WORKER] == {"validation": 40, "rules": 40}  # evaluate under enrich: innermost wins
    assert by_role[PARENT] == {"reading the input": 30, "replaying the spool": 20, "results.json": 10, REST: 5}
    # The thread's samples belong to the forked writer by pid, though its stack shows no writer frame.
    assert by_role[FORKED] == {"replaying the spool": 50, "deflating (thread)": 35}


def test_table_gives_seconds_per_process_and_stage():
    by_role, processes = tallied()
    text = profile_run.table(by_role, processes, rate=10)
    lines = text.splitlines()
    assert lines[2] == "| **scoring workers (2 processes)** | 8.0 | validation 4.0, rules 4.0 |"
    assert lines[3].startswith("| **parent** | 6.5 | reading the input 3.0, replaying the spool 2.0,")
    assert lines[4] == "| **forked writer (results.xlsx)** | 8.5 | replaying the spool 5.0, deflating (thread) 3.5 |"
    assert lines[-1] == "| **all processes** | 23.0 | |"


def test_docs_section_goes_before_the_bench_table_then_is_replaced(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nprose\n\n{BENCH_BEGIN}\nbench table\n<!-- bench:end -->\n", encoding="utf-8")
    profile_run.update_docs(doc, "first\n")
    text = doc.read_text(encoding="utf-8")
    assert text.index(profile_run.BEGIN) < text.index("first") < text.index(profile_run.END) < text.index(BENCH_BEGIN)
    profile_run.update_docs(doc, "second\n")
    text = doc.read_text(encoding="utf-8")
    assert "first" not in text and text.count(profile_run.BEGIN) == 1 and "second" in text
    assert text.endswith("bench table\n<!-- bench:end -->\n") and "prose" in text


def test_every_stage_prefix_names_code_of_the_package():
    """A renamed function would silently file its samples under "the rest": each stage's frame must exist."""
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "procurement").rglob("*.py"))
    stdlib = {"Connection.recv", "Connection.poll", "wait ("}  # waiting, in multiprocessing and threading
    for _role, _stage, prefix in profile_run.STAGES:
        if prefix in stdlib:
            continue
        if prefix.endswith("/"):
            assert (ROOT / prefix.rstrip("/")).is_dir(), prefix
            continue
        name = prefix.split(" (")[0]
        if name.endswith("."):  # any method of a class
            assert f"class {name[:-1]}" in sources, prefix
        elif name.endswith("_") and not name.endswith("__"):  # functions named so
            assert f"def {name}" in sources, prefix
        else:
            cls, _, func = name.rpartition(".")
            assert (not cls or f"class {cls}" in sources) and f"def {func}(" in sources, prefix
