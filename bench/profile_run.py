"""Where the time of a large `procurement score` run goes, per process and stage (issue 7's profile).

    python bench/profile_run.py                         # 100k csv, every default output; writes docs/performance.md
    python bench/profile_run.py --size 100k --format xlsx --no-docs

Why a script: docs/performance.md must explain where the time of the 100,000-order run goes, and a table
made by hand from a flame graph goes stale with the next change. This one samples the run with py-spy
(`record --subprocesses`, raw stacks: the bench extra installs it), then files every sample under the
process that took it (the parent, a scoring worker, the forked writer) and the stage it was in: the
innermost frame of the stack that marks a stage (`STAGES`), else the process's rest. Samples of a
thread belong to the process of its pid. The table goes between the profile markers of
docs/performance.md; the sampler slows the run by about a tenth, so compare shares rather than seconds.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import datagen  # noqa: E402
from run_bench import DOCS, _wrap, machine  # noqa: E402

BEGIN, END = "<!-- profile:begin -->", "<!-- profile:end -->"
RATE = 50  # samples per second and process

# Process roles, told by a frame only that process runs (threads are told by their pid).
WORKER, FORKED, PARENT = "scoring workers", "forked writer (results.xlsx)", "parent"
ROLE_FRAMES = ((WORKER, "_serve (procurement/parallel.py"), (FORKED, "_serve (procurement/write/forked.py"))
ROLES = (WORKER, PARENT, FORKED)

# (role, stage, frame prefix): a sample goes to the innermost frame of this list in its stack. Order
# within a role only breaks ties of one frame matching two prefixes.
STAGES: tuple[tuple[str, str, str], ...] = (
    (WORKER, "validation", "validate (procurement/validate.py"),
    (WORKER, "supplier register", "Directory.join (procurement/directory.py"),
    (WORKER, "enrichment", "enrich (procurement/enrich.py"),
    (WORKER, "rules", "evaluate (procurement/engine.py"),
    (WORKER, "scores", "score (procurement/scoring.py"),
    (WORKER, "waivers", "apply_waivers (procurement/waivers.py"),
    (WORKER, "findings' JSON", "OrderJson.findings (procurement/write/records.py"),
    (WORKER, "results.xlsx texts", "FindingTexts.__call__ (procurement/write/xlsx_rows.py"),
    (WORKER, "records unpacked", "unpack (procurement/transfer.py"),
    (WORKER, "RISK-02 facts", "portfolio_facts (procurement/portfolio.py"),
    (WORKER, "pickling for the spool, the chunk loop", "score_chunk (procurement/scorer.py"),
    (WORKER, "waiting for a chunk", "Connection.recv"),
    (PARENT, "reading the input", "procurement/read/"),
    (PARENT, "chunks packed", "pack (procurement/transfer.py"),
    (PARENT, "results received", "result_of (procurement/transfer.py"),
    (PARENT, "results absorbed", "_absorb (procurement/pipeline.py"),
    (PARENT, "replaying the spool", "OrderStore.__iter__ (procurement/store.py"),
    (PARENT, "results.json", "JsonSink."),
    (PARENT, "results.jsonl", "JsonlSink."),
    (PARENT, "results.csv", "CsvSink."),
    (PARENT, "report rows", "ReportSink."),
    (PARENT, "report rows", "PayloadBuilder."),
    (PARENT, "report rows", "ValueTable."),
    (PARENT, "deflating (thread)", "Deflater._run (procurement/write/xlsx_deflate.py"),
    (PARENT, "figures", "Aggregate.add (procurement/aggregate.py"),
    (PARENT, "figures", "SummarySink."),
    (PARENT, "results.xlsx rule sheets", "RuleSheetsSink."),
    (PARENT, "RISK-02", "SplittingDetector."),
    (PARENT, "RISK-02", "Members."),
    (PARENT, "pages written", "render_"),
    (PARENT, "waiting", "Connection.recv"),
    (PARENT, "waiting", "Connection.poll"),
    (PARENT, "waiting", "wait ("),
    (FORKED, "replaying the spool", "OrderStore.__iter__ (procurement/store.py"),
    (FORKED, "results rows", "RowBuilder."),
    (FORKED, "rule sheets' rows", "RuleRows."),
    (FORKED, "sheets' XML", "SheetStream."),
    (FORKED, "deflating (thread)", "Deflater._run (procurement/write/xlsx_deflate.py"),
    (FORKED, "saving the workbook", "XlsxSink.finish (procurement/write/results_xlsx.py"),
)
REST = "the rest"
_PID = re.compile(r"^process (\d+):")


def _frames(stack: str) -> tuple[list[str], list[str]]:
    """(pids from outermost to innermost process, code frames) of one raw py-spy stack."""
    pids, frames = [], []
    for part in stack.split(";"):
        m = _PID.match(part)
        if m:
            pids.append(m.group(1))
        elif not part.startswith("thread "):
            frames.append(part)
    return pids, frames


def parse(lines: Iterable[str]) -> list[tuple[list[str], list[str], int]]:
    """(pids, frames, count) of each line of py-spy's raw output ("frame;frame;... count")."""
    out = []
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            pids, frames = _frames(stack)
            out.append((pids, frames, int(count)))
    return out


def roles_by_pid(samples: list[tuple[list[str], list[str], int]]) -> dict[str, str]:
    """The role of every pid: the one whose frames some sample of it shows; the first pid seen (the
    command) is the parent."""
    roles: dict[str, str] = {}
    for pids, frames, _ in samples:
        if not pids:
            continue
        roles.setdefault(pids[0], PARENT)
        for role, marker in ROLE_FRAMES:
            if any(marker in f for f in frames):
                roles[pids[-1]] = role
    return roles


def stage_of(role: str, frames: list[str]) -> str:
    marks = [(stage, prefix) for r, stage, prefix in STAGES if r == role]
    for frame in reversed(frames):
        for stage, prefix in marks:
            if frame.startswith(prefix) or (prefix.endswith("/") and prefix in frame):
                return stage
    return REST


def tally(samples: list[tuple[list[str], list[str], int]]) -> tuple[dict[str, Counter], dict[str, int]]:
    """({role: {stage: samples}}, {role: processes seen})."""
    roles = roles_by_pid(samples)
    by_role: dict[str, Counter] = defaultdict(Counter)
    pids: dict[str, set[str]] = defaultdict(set)
    for pid_chain, frames, count in samples:
        if not pid_chain:
            continue
        role = roles.get(pid_chain[-1], PARENT)
        by_role[role][stage_of(role, frames)] += count
        pids[role].add(pid_chain[-1])
    return by_role, {r: len(p) for r, p in pids.items()}


def table(by_role: dict[str, Counter], processes: dict[str, int], rate: int = RATE) -> str:
    """A markdown table: per role, its seconds of samples and its stages by weight."""
    lines = ["| process | seconds of samples | stages (seconds) |", "|---|---:|---|"]
    total = 0
    for role in ROLES:
        stages = by_role.get(role)
        if not stages:
            continue
        seconds = sum(stages.values()) / rate
        total += sum(stages.values())
        n = processes.get(role, 1)
        name = f"{role} ({n} processes)" if n > 1 else role
        parts = ", ".join(f"{stage} {count / rate:.1f}" for stage, count in stages.most_common()
                          if count / rate >= 0.05)
        lines.append(f"| **{name}** | {seconds:.1f} | {parts} |")
    lines.append(f"| **all processes** | {total / rate:.1f} | |")
    return "\n".join(lines)


def section(text: str, *, size: int, fmt: str, wall: float, info: dict[str, object]) -> str:
    lines = [
        "## Profile of the latest run (`make profile`)",
        "",
        "Generated by `bench/profile_run.py` (do not edit by hand between the markers): "
        f"`procurement score` of the bench's {datagen.size_label(size)}-order {fmt} file, every default output, "
        f"sampled by py-spy at {RATE} samples per second and process"
        + (f"; {wall:.1f} s of wall time under the sampler. " if wall else ". ") +
        f"Measured {info['date']} on {info['cpu']}, {info['cores']} cores, Python {info['python']}; "
        f"code measured: {info['commit']}. A sample goes to the innermost stage its stack shows "
        "(`STAGES` in the script); \"the rest\" is the process's own loop, start-up and what no stage names.",
        "",
        text,
    ]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def update_docs(path: Path, text: str) -> None:
    """Replace what lies between the profile markers; put them before the bench's table if absent."""
    from run_bench import BEGIN as BENCH_BEGIN

    doc = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{text}{END}"
    if BEGIN in doc and END in doc and doc.index(BEGIN) < doc.index(END):
        start, end = doc.index(BEGIN), doc.index(END) + len(END)
        doc = doc[:start] + block + doc[end:]
    elif BENCH_BEGIN in doc:
        at = doc.index(BENCH_BEGIN)
        doc = doc[:at] + block + "\n\n" + doc[at:]
    else:
        doc = doc.rstrip("\n") + ("\n\n" if doc.strip() else "") + block + "\n"
    path.write_text(doc, encoding="utf-8")


def record(path: Path, out_dir: Path, raw: Path, rate: int = RATE) -> float:
    """Run `procurement score` under py-spy; its wall time in seconds."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not installed: `pip install -e '.[bench]'` installs it")
    cmd = [spy, "record", "--subprocesses", "--rate", str(rate), "--format", "raw", "--output", str(raw),
           "--", sys.executable, "-m", "procurement", "score", str(path), "--out", str(out_dir), "--quiet"]
    start = dt.datetime.now()
    subprocess.run(cmd, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return (dt.datetime.now() - start).total_seconds()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="100k", help="bench input size (10k, 100k, 1M or a count)")
    parser.add_argument("--format", default="csv", choices=("csv", "xlsx"))
    parser.add_argument("--data-dir", type=Path, default=datagen.DATA_DIR)
    parser.add_argument("--raw", type=Path, help="read this py-spy raw file instead of recording a run")
    parser.add_argument("--docs", type=Path, default=DOCS)
    parser.add_argument("--no-docs", action="store_true", help="print only")
    args = parser.parse_args(argv)
    size = datagen.parse_size(args.size)
    wall = 0.0
    with tempfile.TemporaryDirectory(prefix="procurement-profile-") as tmp:
        raw = args.raw
        if raw is None:
            path = datagen.ensure_input(args.data_dir, size, args.format)
            raw = Path(tmp) / "profile.txt"
            wall = record(path, Path(tmp) / "out", raw)
        by_role, processes = tally(parse(raw.read_text(encoding="utf-8").splitlines()))
    text = table(by_role, processes)
    print(text)
    if not args.no_docs:
        update_docs(args.docs, section(text, size=size, fmt=args.format, wall=wall, info=machine()))
        print(f"\nwritten between the profile markers of {args.docs}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
