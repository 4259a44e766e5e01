"""bench/run_bench.py: the table, the targets and the marked section of docs/performance.md."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run_bench  # noqa: E402
from run_bench import BEGIN, END, Row  # noqa: E402

INFO = {"cpu": "Test CPU", "cores": 2, "ram_gib": 8.0, "python": "3.11.0", "system": "Linux", "commit": "abc1234",
        "versions": {"procurement": "0.1.0"}, "load_at_start": [0.5, 0.4, 0.3], "date": "2026-11-26 10:00"}


def rows(p100: float = 12.0, peak_1m: float = 450.0, pss_1m: float | None = None, check: float = 0.7,
         first: float = 0.9) -> list[Row]:
    return [
        Row(21, "xlsx", "check", "check.html, check.json", walls=[check, check + 0.1, check - 0.1], peaks_mb=[80],
            first=first),
        Row(100_000, "xlsx", "procurement", "all", walls=[p100, p100 + 1, p100 - 1], peaks_mb=[300, 310, 305]),
        Row(100_000, "xlsx", "baseline", "xlsx,csv", walls=[90.0], peaks_mb=[2000]),
        Row(100_000, "xlsx", "floor", "xlsx,csv", walls=[10.0], peaks_mb=[400]),
        Row(1_000_000, "csv", "procurement", "all but xlsx", walls=[55.0], peaks_mb=[peak_1m],
            pss_mb=[pss_1m if pss_1m is not None else peak_1m - 50]),
        Row(1_000_000, "csv", "floor", "csv", walls=[8.0], peaks_mb=[20]),
    ]


def test_table_ratios():
    text = run_bench.table(rows())
    line = next(x for x in text.splitlines() if "| 100k | xlsx | procurement |" in x)
    cells = [c.strip() for c in line.strip("|").split("|")]
    # median wall, rows/s, largest peak RSS, PSS (not measured here), ÷ floor, speed-up
    assert cells[4:] == ["12.0", "8,333", "310", "–", "1.2", "7.50"]
    one_m = next(x for x in text.splitlines() if "| 1M | csv | procurement |" in x)
    assert one_m.rstrip().endswith("| 400 | 6.9 | – |")  # PSS; no baseline measured at 1M here
    check = next(x for x in text.splitlines() if "| check |" in x)
    assert check == "| 1 tender, 20 bids | xlsx | check | check.html, check.json | 0.70 | – | 80 | – | – | – |"


def test_targets_met_and_not_met():
    met = [status for _t, _m, status in run_bench.targets(rows())]
    assert met == ["met", "met", "met", "met", "met"]
    missed = [status for _t, _m, status in run_bench.targets(rows(p100=20.0, peak_1m=700.0, check=1.2, first=1.5))]
    assert missed == ["not met", "not met", "met", "not met", "not met"]
    assert [s for _t, _m, s in run_bench.targets(rows()[1:2])] == ["not measured"] * 5
    first_run = run_bench.targets(rows(first=1.3))[4]
    assert first_run[1] == "0.70 s (median of 3 runs); the first run after an installation or a rulebook edit: 1.30 s"
    assert first_run[2] == "met, except the first run after an installation or a rulebook edit"
    # Summed RSS counts the pages forked processes share once per process; PSS once in all.
    shared = run_bench.targets(rows(peak_1m=700.0, pss_1m=420.0))[3]
    assert shared[1:] == ("700 MB summed RSS, 420 MB summed PSS",
                          "met on PSS (the memory the run occupies), not on summed RSS")


def test_docs_section_appended_then_replaced(tmp_path):
    doc = tmp_path / "performance.md"
    shutil.copy(ROOT / "docs" / "performance.md", doc)
    original = doc.read_text(encoding="utf-8")
    if BEGIN in original:  # the real page already carries a section: start from the page without it
        original = original[:original.index(BEGIN)].rstrip("\n") + "\n" + original[original.index(END) + len(END):]
        original = original.rstrip("\n") + "\n"
        doc.write_text(original, encoding="utf-8")

    run_bench.update_docs(doc, run_bench.section(rows(), INFO))
    first = doc.read_text(encoding="utf-8")
    assert first.startswith(original.rstrip("\n"))
    assert first.count(BEGIN) == first.count(END) == 1
    assert "Test CPU, 2 cores" in first and "| 100k | xlsx | procurement |" in first
    assert "| 1M csv → all outputs but xlsx under 500 MB peak RSS | 450 MB summed RSS, 400 MB summed PSS | met |" \
        in first

    run_bench.update_docs(doc, run_bench.section(rows(peak_1m=700.0), INFO))
    second = doc.read_text(encoding="utf-8")
    assert second.count(BEGIN) == 1
    assert "| 1M csv → all outputs but xlsx under 500 MB peak RSS | 700 MB summed RSS, 650 MB summed PSS | not met |" \
        in second
    assert second.split(BEGIN)[0] == first.split(BEGIN)[0]  # the rest of the page is untouched

    doc.write_text("# Title\n\n" + BEGIN + "\nold\n" + END + "\n\nAfter.\n", encoding="utf-8")
    run_bench.update_docs(doc, "new\n")
    assert doc.read_text(encoding="utf-8") == "# Title\n\n" + BEGIN + "\nnew\n" + END + "\n\nAfter.\n"


def test_measure_reports_wall_and_peak_of_the_child():
    wall, peak, pss, status, _tail = run_bench.measure([sys.executable, "-c", "import time; b = bytearray(80_000_000); "
                                                        "b[::4096] = b'x' * len(b[::4096]); time.sleep(0.5)"])
    assert status == 0
    assert 0 < wall < 30
    assert peak >= 80
    assert pss is not None and 80 <= pss <= peak + 1  # sampled while the child held its 80 MB


def test_commands():
    cmd, outputs = run_bench.command("procurement", Path("in.csv"), Path("out"), 1_000_000)
    assert cmd[1:4] == ["-m", "procurement", "score"] and "--quiet" in cmd
    assert [cmd[i + 1] for i, a in enumerate(cmd) if a == "--format"] == ["json", "csv", "html", "summary"]
    assert outputs == "all but xlsx"
    cmd, _ = run_bench.command("procurement", Path("in.xlsx"), Path("out"), 100_000)
    assert "--format" not in cmd
    for tool in ("baseline", "floor"):
        assert run_bench.command(tool, Path("in.csv"), Path("out"), 1_000_000)[1] == "csv"
        assert run_bench.command(tool, Path("in.xlsx"), Path("out"), 10_000)[1] == "xlsx,csv"
