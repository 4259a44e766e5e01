"""End-to-end benchmark (issue 7): `procurement score` against a pandas + openpyxl baseline and the floor.

    python bench/run_bench.py                      # 10k, 100k (csv, xlsx) and 1M (csv); writes docs/performance.md
    python bench/run_bench.py --quick              # 10k only
    python bench/run_bench.py --sizes 100k --rounds 1 --merge   # add to the figures of the last run

Inputs come from `bench/datagen.py` and are cached in bench/.data/ (generated only if missing). Each
measure runs in a fresh child process; wall time is taken around the child, peak RSS is the larger of
the child's own maximum (os.wait4, which covers its reaped children one at a time) and the sum of the RSS
of the child and its children sampled every 100 ms (psutil; worker processes run side by side). Each case
is repeated (`--rounds`; default 3, 1 for 1M), rounds interleaved, and the median wall time and the
largest peak are kept.

Tools, on the same file:
- procurement: `procurement score FILE --out DIR --quiet`, every default output (json, csv, xlsx, html,
  summary, rejected.csv); at 1M every default output but xlsx (`--format json --format csv ...`);
- baseline: `bench/baseline_pandas.py` (pandas in, 30 plain-Python rules, pandas + openpyxl out:
  results.xlsx and results.csv; results.csv only at 1M);
- floor: `bench/floor.py` (python-calamine or stdlib csv in, rustpy-xlsxwriter and stdlib csv out, no
  rules; csv only at 1M);
- check: the buyer's case, `procurement check` of one tender and its 20 bids, start-up included
  (`bench/check_case.py`: a first run with an empty rulebook cache, then 9 runs, whatever `--rounds`).

The package is measured as installed: its modules compiled to bytecode first (`compile_bytecode`), as pip
compiles a wheel's.

The table is printed and written between the markers of docs/performance.md with the machine, the
versions, the date and the issue's targets (reported, not asserted). Raw figures go to
bench/.data/results.json (`--merge` keeps the cases a run does not measure).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import check_case  # noqa: E402
import datagen  # noqa: E402

DOCS = ROOT / "docs" / "performance.md"
WIDTH = 105  # prose width of the docs
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
DIRTY = " + uncommitted changes in procurement/"
TOOLS = ("procurement", "baseline", "floor")
CHECK_ROUNDS = 9  # rounds of the check case after its first run (a run takes under a second)
ALL_BUT_XLSX = ("json", "csv", "html", "summary")
LIBRARIES = ("procurement", "pydantic", "python-calamine", "rustpy-xlsxwriter", "orjson", "openpyxl", "pandas",
             "psutil")


@dataclass
class Row:
    size: int
    fmt: str
    tool: str
    outputs: str
    walls: list[float] = field(default_factory=list)
    peaks_mb: list[float] = field(default_factory=list)
    pss_mb: list[float] = field(default_factory=list)  # peak of the summed PSS (see `measure`)
    error: str = ""
    measured: str = ""  # date of the measure
    commit: str = ""  # code measured
    first: float | None = None  # the check case: wall time of its first run, rulebook cache empty

    @property
    def key(self) -> tuple[int, str, str]:
        return self.size, self.fmt, self.tool

    @property
    def wall(self) -> float | None:
        return statistics.median(self.walls) if self.walls else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.peaks_mb) if self.peaks_mb else None

    @property
    def peak_pss_mb(self) -> float | None:
        return max(self.pss_mb) if self.pss_mb else None


# ------------------------------------------------------------------------------------------ measuring


def command(tool: str, path: Path, out: Path, size: int) -> tuple[list[str], str]:
    """The child's command line and a description of what it writes."""
    big = size >= 1_000_000
    if tool == "procurement":
        cmd = [sys.executable, "-m", "procurement", "score", str(path), "--out", str(out), "--quiet"]
        if big:
            for fmt in ALL_BUT_XLSX:
                cmd += ["--format", fmt]
            return cmd, "all but xlsx"
        return cmd, "all (json, csv, xlsx, html, summary)"
    outputs = "csv" if big else "xlsx,csv"
    script = {"baseline": "baseline_pandas.py", "floor": "floor.py"}[tool]
    return [sys.executable, str(HERE / script), str(path), "--out", str(out), "--outputs", outputs], outputs


def _tree_memory(proc) -> tuple[int, int]:
    """(summed RSS, summed PSS) of a process and its children. RSS counts a page shared by forked
    workers once per process; PSS divides it between them, so its sum is the memory the run occupies."""
    import psutil

    rss = pss = 0
    with contextlib.suppress(psutil.Error):
        procs = [proc, *proc.children(recursive=True)]
        for p in procs:
            with contextlib.suppress(psutil.Error):
                info = p.memory_full_info()
                rss += info.rss
                pss += getattr(info, "pss", info.rss)
    return rss, pss


def measure(cmd: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None
            ) -> tuple[float, float, float | None, int, str]:
    """(wall s, peak RSS MB, peak PSS MB or None, exit status, stderr tail) of one child process."""
    try:
        import psutil
    except ImportError:  # the bench extra is missing: os.wait4 alone
        psutil = None
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        peak_tree = peak_pss = 0
        done = threading.Event()

        def poll() -> None:
            nonlocal peak_tree, peak_pss
            with contextlib.suppress(Exception):
                proc = psutil.Process(child.pid)
                while not done.is_set():
                    rss, pss = _tree_memory(proc)
                    peak_tree, peak_pss = max(peak_tree, rss), max(peak_pss, pss)
                    done.wait(0.1)

        sampler = threading.Thread(target=poll, daemon=True) if psutil else None
        if sampler:
            sampler.start()
        _pid, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        if sampler:
            sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-2000:]
    peak = max(usage.ru_maxrss * 1024, peak_tree) / 1e6  # ru_maxrss is in KiB on Linux
    return wall, peak, (peak_pss / 1e6 if peak_pss else None), child.returncode, tail


def ensure_input(data_dir: Path, size: int, fmt: str, *, log=print) -> Path:
    """`datagen.ensure_input`, in a child process. Generating 1M rows here grew this process to about
    300 MB, and every process it started afterwards reported that as its peak: Linux keeps ru_maxrss
    across exec, from the fork of a large parent (the floor, 25 MB, read 312 MB at 7f07f5b)."""
    path = datagen.input_path(data_dir, size, fmt)
    if not path.exists():
        start = time.perf_counter()
        subprocess.run([sys.executable, str(HERE / "datagen.py"), "--sizes", str(size), "--formats", fmt,
                        "--out", str(data_dir)], check=True, stdout=subprocess.DEVNULL)
        if log:
            log(f"generated {path.name} ({size:,} orders, {path.stat().st_size / 1e6:.1f} MB) "
                f"in {time.perf_counter() - start:.1f} s")
    return path


def compile_bytecode() -> None:
    """Compile the package's modules before measuring, as pip does when it installs a wheel.

    An editable install compiles nothing, and where PYTHONDONTWRITEBYTECODE is set (as on the machines this
    project runs on) Python never keeps what it compiles: every module edited since the last compilation
    was compiled again by every measured process. Measured in session 18 on the buyer's check, 73 of its
    modules stale: 0.80 s a run and 1.05 s for the first, against 0.73 and 0.87 s compiled (medians of 7).
    """
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "procurement")], check=True,
                   stdout=subprocess.DEVNULL)


def run_cases(sizes: list[int], formats: list[str], tools: list[str], rounds: int | None, data_dir: Path,
              commit: str = "", log=print) -> list[Row]:
    rows: dict[tuple[int, str, str], Row] = {}
    compile_bytecode()
    if check_case.TOOL in tools:
        rows[check_case.SIZE, "xlsx", check_case.TOOL] = check_row(data_dir, commit, log)
    inputs: dict[tuple[int, str], Path] = {}
    for size in sizes if set(tools) & set(TOOLS) else ():
        for fmt in formats:
            if fmt == "xlsx" and size >= 1_000_000:
                continue  # not required: a 1M-row workbook is beyond what the finance tools export
            inputs[size, fmt] = ensure_input(data_dir, size, fmt, log=log)
    today = dt.date.today().isoformat()
    for size in sizes:
        n_rounds = rounds or (1 if size >= 1_000_000 else 3)
        for r in range(n_rounds):
            for (s, fmt), path in inputs.items():
                if s != size:
                    continue
                for tool in tools:
                    if tool == check_case.TOOL:  # measured apart: check_row
                        continue
                    row = rows.get((size, fmt, tool))
                    if row is not None and row.error:
                        continue
                    out = Path(tempfile.mkdtemp(prefix=f"bench-{tool}-"))
                    try:
                        cmd, outputs = command(tool, path, out, size)
                        wall, peak, pss, status, tail = measure(cmd)
                    finally:
                        shutil.rmtree(out, ignore_errors=True)
                    row = rows.setdefault((size, fmt, tool), Row(size, fmt, tool, outputs, measured=today,
                                                                commit=commit))
                    if status != 0:
                        row.error = f"exit status {status}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"
                        log(f"{datagen.size_label(size):>5} {fmt:<4} {tool:<11} round {r + 1}: FAILED {row.error}")
                        continue
                    row.walls.append(wall)
                    row.peaks_mb.append(peak)
                    if pss is not None:
                        row.pss_mb.append(pss)
                    log(f"{datagen.size_label(size):>5} {fmt:<4} {tool:<11} round {r + 1}/{n_rounds}: "
                        f"{wall:8.2f} s {peak:8.0f} MB")
    return list(rows.values())


def check_row(data_dir: Path, commit: str, log=print) -> Row:
    """The buyer's case (`bench/check_case.py`): its workbook made once, then CHECK_ROUNDS runs after a
    first (a run takes under a second: `--rounds 1`, chosen for the large inputs, would say little)."""
    path = data_dir / check_case.FILE
    if not path.exists():
        check_case.write_workbook(path)
    walls, peaks, first, error = check_case.run_check(path, CHECK_ROUNDS, measure, log)
    return Row(check_case.SIZE, "xlsx", check_case.TOOL, check_case.OUTPUTS, walls, peaks, error=error,
               measured=dt.date.today().isoformat(), commit=commit, first=first)


# ------------------------------------------------------------------------------------------ machine


def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def machine() -> dict[str, object]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram_gib = None
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gib = round(int(line.split()[1]) / 2**20, 1)
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "absent"
    commit = _git("rev-parse", "--short", "HEAD")
    if commit and _git("status", "--porcelain", "--", "procurement"):
        commit += DIRTY
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpu": cpu or platform.processor() or "unknown", "cores": os.cpu_count(), "ram_gib": ram_gib,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "versions": versions, "commit": commit, "load_at_start": [round(x, 2) for x in load] if load else None,
            "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M")}


# ------------------------------------------------------------------------------------------ report


def _find(rows: list[Row], size: int, fmt: str, tool: str) -> Row | None:
    return next((r for r in rows if r.key == (size, fmt, tool) and r.wall is not None), None)


def table(rows: list[Row]) -> str:
    """The markdown table of the measures, sorted by size, input format and tool."""
    order = {t: i for i, t in enumerate(TOOLS)}
    lines = ["| orders | input | tool | outputs | wall (s) | rows/s | peak RSS (MB) | peak PSS (MB) | "
             "wall ÷ floor | baseline ÷ wall |",
             "|---:|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in sorted(rows, key=lambda r: (r.size, r.fmt, order.get(r.tool, 9))):
        label = datagen.size_label(r.size)
        if r.tool == check_case.TOOL:
            label, rate, wall = "1 tender, 20 bids", "–", f"{r.wall:.2f}" if r.wall else ""
        else:
            rate, wall = (f"{r.size / r.wall:,.0f}", f"{r.wall:.1f}") if r.wall else ("", "")
        if r.wall is None:
            lines.append(f"| {label} | {r.fmt} | {r.tool} | {r.outputs} | failed | | | | | |")
            continue
        floor, base = _find(rows, r.size, r.fmt, "floor"), _find(rows, r.size, r.fmt, "baseline")
        vs_floor = f"{r.wall / floor.wall:.1f}" if floor else "–"
        vs_base = f"{base.wall / r.wall:.2f}" if base else "–"
        lines.append(f"| {label} | {r.fmt} | {r.tool} | {r.outputs} | {wall} | {rate} | "
                     f"{r.peak_mb:,.0f} | {_mb(r.peak_pss_mb)} | {vs_floor} | {vs_base} |")
    return "\n".join(lines)


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def _memory_status(rss: float, pss: float | None) -> str:
    """Met on both measures, on neither, or on PSS only (the pages forked workers share counted once)."""
    if rss < 500:
        return "met"
    if pss is not None and pss < 500:
        return "met on PSS (the memory the run occupies), not on summed RSS"
    return "not met"


def targets(rows: list[Row]) -> list[tuple[str, str, str]]:
    """(target, measured, met / not met / not measured) for the issue's four targets."""
    out = []
    p100, b100, f100 = (_find(rows, 100_000, "xlsx", t) for t in TOOLS[:3])
    if p100 and f100:
        ratio = p100.wall / f100.wall
        out.append(("100k xlsx → all outputs within 1.5× the floor", f"{ratio:.1f}× the floor "
                    f"({p100.wall:.1f} s against {f100.wall:.1f} s)", "met" if ratio <= 1.5 else "not met"))
    else:
        out.append(("100k xlsx → all outputs within 1.5× the floor", "–", "not measured"))
    if p100 and b100:
        speed = b100.wall / p100.wall
        out.append(("100k xlsx → all outputs at least 5× faster than the baseline",
                    f"{speed:.2f}× ({b100.wall:.1f} s against {p100.wall:.1f} s)", "met" if speed >= 5 else "not met"))
    else:
        out.append(("100k xlsx → all outputs at least 5× faster than the baseline", "–", "not measured"))
    p1m = _find(rows, 1_000_000, "csv", "procurement")
    if p1m:
        out.append(("1M csv → all outputs but xlsx in less than 60 s", f"{p1m.wall:.1f} s",
                    "met" if p1m.wall < 60 else "not met"))
        pss = p1m.peak_pss_mb
        out.append(("1M csv → all outputs but xlsx under 500 MB peak RSS",
                    f"{p1m.peak_mb:,.0f} MB summed RSS, {_mb(pss)} MB summed PSS",
                    _memory_status(p1m.peak_mb, pss)))
    else:
        out.append(("1M csv → all outputs but xlsx in less than 60 s", "–", "not measured"))
        out.append(("1M csv → all outputs but xlsx under 500 MB peak RSS", "–", "not measured"))
    check = next((r for r in rows if r.tool == check_case.TOOL), None)
    out.append(check_case.target(check.walls if check else [], check.first if check else None))
    return out


def section(rows: list[Row], info: dict[str, object]) -> str:
    """The generated part of docs/performance.md (without the markers)."""
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    dates = sorted({r.measured for r in rows if r.measured})
    code = _code(rows) or str(info["commit"] or "unknown commit")
    failed = [r for r in rows if r.error]
    lines = [
        "## `make bench`: procurement against the baseline and the floor",
        "",
        "Generated by `bench/run_bench.py` (do not edit by hand between the markers). "
        f"Measured {', '.join(dates) or info['date']} on {info['cpu']}, {info['cores']} cores, "
        f"{info['ram_gib']} GiB RAM, {info['system']}, Python {info['python']}; {versions}; "
        f"code measured: {code}{' (*: with uncommitted changes in procurement/)' if '*' in code else ''}."
        + (f" Load average when the run started: {', '.join(map(str, info['load_at_start']))}"
           + (" (above the core count: the machine was shared with other work, times are inflated and noisier "
              "than the usual ±25 %)." if max(info["load_at_start"]) > (info["cores"] or 1) else " (±25 % noise).")
           if info.get("load_at_start") else ""),
        "",
        "Inputs: `bench/datagen.py`, the sample generator's orders (buyers, CPV codes, suppliers, label "
        "variants, about 0.1–0.3 % broken rows) in the finance export formats (CSV: `;`, decimal comma, "
        "UTF-8 with BOM; xlsx: title block, header on row 5). procurement writes every default output "
        "(json, csv, xlsx, html, summary, rejected.csv; at 1M all but xlsx); the baseline "
        "(`bench/baseline_pandas.py`) reads with pandas, applies 30 plain-Python rules and writes "
        "results.xlsx with openpyxl and results.csv; the floor (`bench/floor.py`) only reads "
        "(python-calamine, stdlib csv) and writes the rows back (rustpy-xlsxwriter, stdlib csv). "
        "Each measure in a fresh process: median wall time of the rounds, largest peak of the summed RSS "
        "of the process and its children, and of their summed PSS (a page shared by forked processes "
        "counted once in all, not once per process: the memory the run occupies) (MB = 10⁶ bytes). "
        "*wall ÷ floor*: 1.0 is the floor; *baseline ÷ wall*: above 1, faster than "
        "the baseline.",
        "",
        table(rows),
        "",
        "| target (issue 7) | measured | status |",
        "|---|---|---|",
        *(f"| {t} | {m} | {s} |" for t, m, s in targets(rows)),
        "",
        "Targets are reported, not asserted: `make bench` never fails on them.",
    ]
    if failed:
        lines += ["", "Failed runs: " + "; ".join(f"{datagen.size_label(r.size)} {r.fmt} {r.tool}: {r.error}"
                                                  for r in failed)]
    return "\n".join(_wrap(line) for line in lines) + "\n"


def _wrap(line: str) -> str:
    """Prose wrapped like the rest of the page; tables and headings as they are."""
    if line.startswith(("|", "#")) or len(line) <= WIDTH:
        return line
    return textwrap.fill(line, WIDTH, break_long_words=False, break_on_hyphens=False)


def _code(rows: list[Row]) -> str:
    """Which commit each group of measures ran on ("*": with uncommitted changes in procurement/)."""
    groups: dict[str, list[str]] = {}
    for r in rows:
        if r.commit:
            label = f"{datagen.size_label(r.size)} {r.fmt} {r.tool}"
            groups.setdefault(r.commit.replace(DIRTY, "*"), []).append(label)
    if len(groups) == 1:
        return next(iter(groups))
    return "; ".join(f"{commit} ({', '.join(labels)})" for commit, labels in groups.items())


def update_docs(path: Path, text: str) -> None:
    """Replace what lies between the markers; append the markers at the end of the file if absent."""
    doc = path.read_text(encoding="utf-8") if path.exists() else ""
    block = f"{BEGIN}\n{text}{END}"
    if BEGIN in doc and END in doc and doc.index(BEGIN) < doc.index(END):
        start, end = doc.index(BEGIN), doc.index(END) + len(END)
        doc = doc[:start] + block + doc[end:]
    else:
        doc = doc.rstrip("\n") + ("\n\n" if doc.strip() else "") + block + "\n"
    path.write_text(doc, encoding="utf-8")


# ------------------------------------------------------------------------------------------ main


def _load(path: Path) -> list[Row]:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Row(**r) for r in raw.get("rows", [])]


def _load_machine(path: Path) -> dict[str, object]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["machine"]
    except (OSError, ValueError, KeyError):
        return machine()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated sizes (10k, 100k, 1M or a count)")
    parser.add_argument("--quick", action="store_true", help="10k only")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per case (default 3, 1 at 1M)")
    parser.add_argument("--formats", default="xlsx,csv", help="input formats: xlsx, csv")
    parser.add_argument("--tools", default=",".join((*TOOLS, check_case.TOOL)),
                        help="procurement, baseline, floor, check (one tender and 20 bids: `procurement check`)")
    parser.add_argument("--data-dir", type=Path, default=datagen.DATA_DIR, help="cache of generated inputs")
    parser.add_argument("--docs", type=Path, default=DOCS, help="page whose marked section is rewritten")
    parser.add_argument("--no-docs", action="store_true", help="print only, leave the docs alone")
    parser.add_argument("--report-only", action="store_true",
                        help="measure nothing: print and write the figures of the data dir's results.json")
    parser.add_argument("--merge", action="store_true",
                        help="keep the cases of the previous run (data dir's results.json) that this run skips")
    args = parser.parse_args(argv)
    sizes = [10_000] if args.quick else [datagen.parse_size(s) for s in args.sizes.split(",") if s.strip()]
    tools = [t for t in args.tools.split(",") if t]
    unknown = set(tools) - {*TOOLS, check_case.TOOL}
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    store = args.data_dir / "results.json"
    if args.report_only:
        rows, info = _load(store), _load_machine(store)
        if not rows:
            parser.error(f"no figures in {store}")
        return report(rows, info, None if args.no_docs else args.docs)
    info = machine()
    print(f"{info['cpu']}, {info['cores']} cores, {info['ram_gib']} GiB, Python {info['python']}, "
          f"load {info['load_at_start']}")
    rows = run_cases(sizes, [f for f in args.formats.split(",") if f], tools, args.rounds, args.data_dir,
                     str(info["commit"]))
    if args.merge:
        measured = {r.key for r in rows}
        rows = [r for r in _load(store) if r.key not in measured] + rows
    store.parent.mkdir(parents=True, exist_ok=True)
    store.write_text(json.dumps({"machine": info, "rows": [asdict(r) for r in rows]}, indent=1), encoding="utf-8")
    return report(rows, info, None if args.no_docs else args.docs)


def report(rows: list[Row], info: dict[str, object], docs: Path | None) -> int:
    print()
    print(table(rows))
    print()
    for target, value, status in targets(rows):
        print(f"{target}: {value} ({status})")
    if docs is not None:
        update_docs(docs, section(rows, info))
        shown = docs.resolve().relative_to(ROOT) if docs.resolve().is_relative_to(ROOT) else docs
        print(f"\nwritten between the markers of {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
