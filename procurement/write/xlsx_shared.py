"""Some of results.xlsx's rule sheets made by the parent while a forked process writes the workbook.

Why: the writing pass of a large run lasts as long as its slowest process, and the process writing
results.xlsx had twice the parent's work (profile of 100,000 orders: 31 s of samples against 17 s,
docs/performance.md). The rule sheets are independent zip members and most of the workbook's XML, so
the parent takes some of them (`choose_rules`: as many rows as even the two loads, counted on the first
orders) and deflates each, head, rows and tail, into a named temporary file. It hands them over
(`Share`) when its outputs are finished; the workbook's process writes them as they are
(`xlsx_stable.save_stable`) when their head and tail are those its own save writes, else it inflates
them and writes their rows the plain way. Either way the workbook has the same bytes as when one
process makes every sheet: one deflate stream per member, at the same level, over the same text.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import tempfile
import time
import zlib
from collections.abc import Iterator
from contextlib import ExitStack, suppress
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

SAMPLE = 1000  # orders read to learn how many rows each rule sheet takes
ORPHAN_WAIT = 2.0  # seconds the workbook's process, ending on an error, waits to see whether its parent died


def _digest(text: bytes) -> tuple[int, bytes]:
    return len(text), hashlib.blake2b(text, digest_size=16).digest()


@dataclass(slots=True)
class Handed:
    """A rule sheet's zip member deflated by another process: its whole text is a head, rows and a tail,
    known here by their length and digest (what crosses the pipe stays far below its buffer: a reader
    that never comes cannot leave the parent waiting)."""

    index: int  # the rule's index among the workbook's rule sheets (records.batch_rules)
    path: str
    head: tuple[int, bytes]
    tail: tuple[int, bytes]
    level: int
    crc: int
    size: int  # of the text
    count: int  # rows

    def fits(self, head: bytes, tail: bytes, level: int | None) -> bool:
        return _digest(head) == self.head and _digest(tail) == self.tail and level == self.level

    def end(self, tail: bytes) -> None:
        """Complete already (`fits` compared the tail)."""

    def compressed(self, size: int = 1 << 20) -> Iterator[bytes]:
        with open(self.path, "rb") as f:
            while chunk := f.read(size):
                yield chunk

    def rows(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The text between head and tail, inflated again: for a head or a tail that turned out wrong."""
        inflate, skip, keep, held = zlib.decompressobj(-15), self.head[0], self.tail[0], b""
        for chunk in self.compressed(size):
            text = held + inflate.decompress(chunk)
            if skip:
                cut = min(skip, len(text))
                text, skip = text[cut:], skip - cut
            text, held = text[:max(0, len(text) - keep)], text[max(0, len(text) - keep):]
            if text:
                yield text
        rest = held + inflate.flush()
        if len(rest) > keep:
            yield rest[:len(rest) - keep]

    def close(self) -> None:
        pass  # the file belongs to the run's `Share`, removed with its directory


class Share:
    """The rule sheets the parent makes (`rules`, indexes into the workbook's rule sheets), the pipe that
    hands them to the workbook's process, and the directory of their files. Made before forking; `close`
    once the forked writers are done."""

    def __init__(self, rules: frozenset[int]):
        self.rules = rules
        self._receiving, self._sending = multiprocessing.get_context("fork").Pipe(duplex=False)
        self.directory = tempfile.mkdtemp(prefix="procurement-xlsx-")
        self.sent = False
        self.parent = os.getpid()

    def forked(self) -> None:
        """In the parent, once the workbook's process is started: only that process reads the pipe, so
        that its end (a failure) makes `send` fail instead of waiting."""
        self._receiving.close()

    def send(self, handed: list[Handed] | None) -> None:
        """The finished sheets, or None when the parent gives them up (the workbook's process then fails).
        Their list goes through a file: the pipe carries one word, far below its buffer whatever the number
        of sheets, so a reader that died never leaves the parent waiting."""
        self.sent = True
        if handed is not None:  # JSON, not pickle: the package unpickles no file (tests/test_hostile_content.py)
            rows = [[h.index, h.path, h.head[0], h.head[1].hex(), h.tail[0], h.tail[1].hex(), h.level, h.crc,
                     h.size, h.count] for h in handed]
            (Path(self.directory) / "handed.json").write_text(json.dumps(rows), encoding="utf-8")
        self._sending.send(handed is not None)

    def receive(self) -> dict[int, Handed]:
        self._sending.close()  # in the workbook's process: the parent's death then ends the wait (EOF)
        try:
            ready = self._receiving.recv()
        except EOFError:
            ready = False
        if not ready:
            raise RuntimeError("the rule sheets made by the parent process were given up")
        rows = json.loads((Path(self.directory) / "handed.json").read_text(encoding="utf-8"))
        return {i: Handed(i, path, (head, bytes.fromhex(hd)), (tail, bytes.fromhex(td)), level, crc, size, count)
                for i, path, head, hd, tail, td, level, crc, size, count in rows}

    def close(self) -> None:
        self._receiving.close()
        self._sending.close()
        shutil.rmtree(self.directory, ignore_errors=True)

    def orphaned(self, exc_type: Any = None, *_: Any) -> bool:
        """In the workbook's process, as it ends (an ExitStack exit callback): when the parent is gone
        (killed), nobody else will remove the directory, so this process does. Ending on an error, it
        first gives the parent a moment to be gone: a killed parent's pipes close before its threads
        end, and the SIGTERM its death sends comes when the thread that forked ends, while another of
        its threads still holds this process (`getppid` unchanged): under load the directory was left
        behind. A SIGTERM arriving meanwhile waits, so as not to cut the removal short."""
        blocked = hasattr(signal, "pthread_sigmask")
        if blocked:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        try:
            if exc_type is not None:
                deadline = time.monotonic() + ORPHAN_WAIT
                while os.getppid() == self.parent and time.monotonic() < deadline:
                    time.sleep(0.01)
            if os.getppid() != self.parent:
                shutil.rmtree(self.directory, ignore_errors=True)
        finally:
            if blocked:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM})
        return False  # the error, if any, goes on


def choose_rules(run: Any, fraction: float, sample: int = SAMPLE) -> frozenset[int]:
    """Rules whose sheets hold about `fraction` of all rule sheets' rows, judged on the first orders;
    the biggest first, each taken while it brings the share closer to `fraction`."""
    from procurement.store import OrderStore
    from procurement.write.records import batch_rules

    orders = run.orders.without("encoded", "texts") if isinstance(run.orders, OrderStore) else run.orders
    index = {rule.id: i for i, rule in enumerate(batch_rules(run))}  # the workbook's rule sheets
    counts = [0] * len(index)
    for scored in islice(orders, sample):
        for f in scored.findings:
            i = index.get(f.rule)
            if i is not None and f.status != "not_applicable":
                counts[i] += 1
    goal, taken, chosen = fraction * sum(counts), 0, set()
    for i in sorted(range(len(counts)), key=lambda i: (-counts[i], i)):
        if counts[i] and abs(goal - taken - counts[i]) < abs(goal - taken):
            chosen.add(i)
            taken += counts[i]
    return frozenset(chosen)


class RuleSheetsSink:
    """The rule sheets of `share.rules`, fed one order at a time like any output (procurement.write.outputs);
    `finish` hands them to the workbook's process."""

    def __init__(self, run: Any, out_dir: Path, lang: str, stack: ExitStack | None, share: Share):
        from procurement.write.records import batch_rules
        from procurement.write.results_xlsx import FAST_COMPRESSLEVEL, rule_parts, streamed_styles
        from procurement.write.xlsx_cells import EXCEL_MAX_ROWS
        from procurement.write.xlsx_deflate import Deflater
        from procurement.write.xlsx_rows import Columns, RowBuilder
        from procurement.write.xlsx_rule_rows import RuleRows

        self.run, self.lang, self.share = run, "en" if lang == "en" else "fr", share
        self.deflater: Any = None
        self.rule_rows: Any = None
        if stack is not None:
            stack.callback(self.close)  # first: a failure below still tells the workbook's process
        self.builder = RowBuilder(run, self.lang, Columns())
        self.mine = sorted(share.rules)
        self.rule_rows = RuleRows(streamed_styles(self.lang), len(batch_rules(run)), EXCEL_MAX_ROWS - 2,
                                  set(share.rules))
        self.deflater = Deflater(FAST_COMPRESSLEVEL, share.directory)
        self._parts = rule_parts
        heads = rule_parts(self.run, self.lang, {})
        for i, stream in enumerate(self.rule_rows.streams):
            if stream is not None:
                stream.deflate(self.deflater, heads[i][0])

    def add(self, scored: Any) -> None:
        """The order's rows in this process's sheets: a few look-ups (`RowBuilder.rule_rows_at`), or the
        whole `RowBuilder.rows` for an order whose findings are not one per rule."""
        room = self.rule_rows.room
        by_rule = self.builder.rule_rows_at(scored, self.mine, room)
        if by_rule is None:
            _, source, by_rule = self.builder.rows(scored, False, room)
            self.rule_rows.add(source, by_rule)
        elif by_rule:
            self.rule_rows.add(self.builder.source(scored), by_rule)

    def finish(self) -> None:
        mine = [(i, s) for i, s in enumerate(self.rule_rows.streams) if s is not None]
        members = [(i, s.spliced(), s.rows) for i, s in mine]
        self.deflater.drain()
        tails = self._parts(self.run, self.lang, {i: rows for i, _, rows in members})
        handed = []
        for i, member, rows in members:
            tail = tails[i][1]
            member.end(tail)  # type: ignore[union-attr]
            handed.append(Handed(i, member.path, _digest(member.head), _digest(tail),  # type: ignore[union-attr]
                                 member.level, member.crc, member.size, rows))  # type: ignore[union-attr]
        with suppress(BrokenPipeError):  # the workbook's process has failed: waiting for it says why
            self.share.send(handed)

    def close(self) -> None:
        if not self.share.sent:
            with suppress(OSError):  # the workbook's process may be gone already
                self.share.send(None)
        if self.deflater is not None:
            self.deflater.stop()
        if self.rule_rows is not None:
            self.rule_rows.close()
