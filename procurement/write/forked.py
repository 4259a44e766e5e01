"""Some outputs written by a forked process, beside the parent writing the others.

Why: the writing pass replays every order and feeds each output, on one core; results.xlsx alone was
40 % of it (profile of 100,000 orders, docs/performance.md). A child forked after scoring inherits the
run (the spool of scored orders is read with pread, so two processes can replay it at once), replays it
for its own outputs, and both cores write.

Why the two-step end: outputs are renamed into place only when every one of them is complete, all
together (an interrupted or failed run leaves the previous files, write/safe.py's `all_or_nothing`). A
child completes its files under temporary names, hands these names to the parent with "ready" and waits;
the parent, once its own are complete too, renames them all with its own and says "commit", and the child
forgets them; any failure, or the parent's interruption, makes the children remove theirs.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

from procurement.memory import release_free_memory
from procurement.write.safe import Outputs, collecting

# Relative cost of each output (seconds of py-spy samples for 100,000 orders of the bench data, commit
# 8996ca0: its `add` and its `finish`), and of replaying the spool, which every process does. Outputs
# that need the batch figures (html, summary) stay in the parent, with the figures. Since the replay
# is now most of a writing process's time, results.json and results.csv go together when there is no
# workbook (parent 16.2 s against 8.5 s for a child writing results.json alone).
COSTS = {"xlsx": 20.0, "json": 2.0, "jsonl": 2.0, "csv": 2.1, "orders": 15.0}
PARENT_COSTS = {"html": 4.3, "summary": 1.9}
REPLAY = 7.0
MIN_ORDERS = 5000  # below this, forking costs more than it saves
# The part of results.xlsx's cost that the parent takes on by making all its rule sheets (xlsx_shared.py),
# which the process writing the workbook then saves: measured at 100,000 orders from xlsx (the writing
# pass run again and again on one scored run), making half of them cost the parent 5.4 s of CPU more
# and saved the other process 5.6 s; with COSTS, that gives the parent about half of them by default.
RULE_SHEETS = 0.55


class WriterError(RuntimeError):
    """A forked writer failed (its traceback is the message)."""


def plan(names: Sequence[str], jobs: int, orders: int) -> list[list[str]]:
    """Outputs per forked child (longest first onto the least loaded process); [] to write all here."""
    if jobs < 2 or orders < MIN_ORDERS or "fork" not in multiprocessing.get_all_start_methods():
        return []
    loads = [REPLAY + sum(PARENT_COSTS.get(n, 0.0) for n in names)] + [REPLAY] * (jobs - 1)
    groups: list[list[str]] = [[] for _ in loads]
    for name in sorted((n for n in names if n in COSTS), key=lambda n: -COSTS[n]):
        i = min(range(len(loads)), key=loads.__getitem__)
        loads[i] += COSTS[name]
        groups[i].append(name)
    return [g for g in groups[1:] if g]


def rule_share(here: Sequence[str], group: Sequence[str]) -> float:
    """The part of results.xlsx's rule sheets for the parent (writing `here`) to make, so that it and the
    process writing the workbook (`group`) end together; 0 for none."""
    parent = REPLAY + sum(COSTS.get(n, 0.0) + PARENT_COSTS.get(n, 0.0) for n in here)
    child = REPLAY + sum(COSTS.get(n, 0.0) for n in group)
    return max(0.0, min(1.0, (child - parent) / (2 * RULE_SHEETS * COSTS["xlsx"])))


def _die_with_parent(parent_pid: int) -> None:
    """SIGTERM to this process when the parent dies, however it dies (Linux's PR_SET_PDEATHSIG): a child
    waiting for the parent's word would otherwise wait forever once the parent is killed."""
    with suppress(Exception):  # another system: the pipes' end of file is all there is
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent_pid:  # the parent died before the call
        sys.exit(1)


def _openpyxl_temp_files() -> list[str]:
    module = sys.modules.get("openpyxl.worksheet._writer")
    return list(getattr(module, "ALL_TEMP_FILES", ()))


def _remove_openpyxl_temp_files(before: list[str]) -> None:
    """openpyxl's write-only sheets keep their rows in temporary files removed by the save or at exit;
    a forked process does not run exit handlers, so those of a workbook given up are removed here
    (only those made in this process: the parent's are the parent's)."""
    kept = set(before)
    for path in _openpyxl_temp_files():
        if path not in kept:
            with suppress(OSError):
                os.remove(path)


def _terminated(*_: Any) -> None:
    """SIGTERM: end, unwinding the stack, once. A parent killed sends one per thread of its own that ends
    (PR_SET_PDEATHSIG follows the thread that forked, then each thread this process is handed to), and a
    second one arriving during the unwinding would cut short the clean-up (xlsx_shared.Share.orphaned)."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(1)


def _serve(conn: Any, parent_end: Any, parent_pid: int, make_sinks: Callable[[ExitStack], list[Any]],
           orders: Any) -> None:
    # Ctrl-C reaches the whole process group: the parent decides. SIGTERM (the parent stopping this
    # child, or dying) unwinds the stack below, which deletes the unfinished files.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _terminated)
    parent_end.close()  # the parent's end of the pipe, inherited: the parent's death then reads as EOF
    _die_with_parent(parent_pid)
    before = _openpyxl_temp_files()
    outputs = Outputs()  # this process's completed files, for the parent to rename with its own
    committed = False
    try:
        with collecting(outputs), ExitStack() as stack:
            stack.callback(_remove_openpyxl_temp_files, before)
            sinks = make_sinks(stack)
            adds = [s.add for s in sinks]
            for scored in orders:
                for add in adds:
                    add(scored)
            written = [s.finish() for s in sinks]
        conn.send(("ready", (written, outputs.pending)))
        if conn.recv() != "commit":
            raise SystemExit(1)
        committed = True
        conn.send(("done", None))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        if not committed:  # given up, or the parent's rename failed and it dropped the set
            outputs.discard()


class Children:
    """The forked writers of one writing pass (a context manager: leaving it early stops them)."""

    def __init__(self) -> None:
        self._started: list[tuple[Any, Any]] = []
        self._committed = False

    def start(self, make_sinks: Callable[[ExitStack], list[Any]], orders: Any) -> None:
        fork = multiprocessing.get_context("fork")
        # Objects alive now go to the collector's permanent generation: a garbage collection would
        # otherwise write to every inherited object's header and copy the pages parent and child share
        # (at 1M orders, 300 MB of shared pages became private copies during the writing pass).
        gc.freeze()
        if not self._started:
            release_free_memory()  # pages freed by the scoring pass would count in both processes
        parent, child = fork.Pipe()
        process = fork.Process(target=_serve, args=(child, parent, os.getpid(), make_sinks, orders), daemon=True)
        process.start()
        child.close()
        self._started.append((process, parent))

    def finished(self) -> list[tuple[list[Path], list[tuple[Path, Path]]]]:
        """Wait for every child to complete its files; child by child, their paths and their (temporary
        file, target) pairs, for the parent to rename (`Outputs.adopt`)."""
        written: list[tuple[list[Path], list[tuple[Path, Path]]]] = []
        for _, conn in self._started:
            try:
                kind, payload = conn.recv()
            except EOFError:
                raise WriterError("a writer process ended without a word") from None
            if kind != "ready":
                raise WriterError(payload)
            written.append(payload)
        return written

    def commit(self) -> None:
        """Every output is in place, the children's renamed by the parent: they no longer remove them."""
        for _, conn in self._started:
            conn.send("commit")
        for _, conn in self._started:
            kind, payload = conn.recv()
            if kind != "done":
                raise WriterError(payload)
        self._committed = True

    def __enter__(self) -> Children:
        return self

    def __exit__(self, *exc: object) -> None:
        for process, conn in self._started:
            if not self._committed and process.is_alive():
                with suppress(BrokenPipeError, OSError):
                    conn.send("abort")
            process.join(timeout=10 if self._committed else 0.5)
            if process.is_alive():
                process.terminate()  # it unwinds, removing its unfinished files
                # A machine under load took longer than 5 s: the child was killed before its clean-up and left
                # a « .results.xlsx.*.tmp » beside the outputs (the full suite beside the browser tests).
                process.join(timeout=30)
            if process.is_alive():
                process.kill()
            conn.close()
        if self._started:
            gc.unfreeze()  # the children are gone: this process's objects are collectable again
