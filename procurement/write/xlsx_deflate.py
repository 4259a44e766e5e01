"""A big sheet's zip member deflated while its rows are made, in a thread, instead of after them.

Why: at 100,000 orders the workbook holds 1.4 GB of sheet XML; deflating it once every row was written
took the last 4.3 s of the process writing results.xlsx, on one core, after the rows had been written to
temporary files and read back. zlib lets go of the GIL while it deflates, so a thread can deflate each
sheet's rows as they come while the main thread makes the next ones; only the compressed bytes (about a
tenth) reach a temporary file.

The member must be the bytes zipfile would write for the same text: one raw deflate stream at the same
level over the sheet's head (openpyxl's XML before `</sheetData>`), its rows and its tail. zlib's output
does not depend on how its input is cut into compress() calls (tests/test_xlsx_deflate.py checks it), so
the head is fed first, as soon as it is known (`results_xlsx` renders it in a scratch workbook), then
the rows, then at the save the tail. `xlsx_stable.save_stable` compares the head with the one the save
writes; should they differ, the rows are inflated again and the member written the plain way.
"""

from __future__ import annotations

import queue
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator
from contextlib import suppress
from typing import BinaryIO

# Memory: each of a workbook's 38 streamed sheets holds up to HANDOVER bytes of rows and SPILL of deflated ones.
HANDOVER = 512 << 10  # bytes of XML handed to the thread at once: each handover costs the thread a wait for the GIL
QUEUED = 8  # handovers waiting at most (then the main thread waits: memory stays bounded)
SPILL = 256 << 10  # compressed bytes held before writing them to the member's temporary file
SWITCH = 0.001  # the GIL's switch interval while the thread works (Python's default, 5 ms, is its wait)


class Deflated:
    """One zip member's deflate stream, its CRC and its size: `head`, then the rows as they come, then the
    tail at the save (`end`)."""

    def __init__(self, head: bytes, level: int, directory: str | None = None):
        self.head, self.level = head, level
        self.crc = 0
        self.size = 0
        self._z = zlib.compressobj(level, zlib.DEFLATED, -15)  # -15: raw deflate, as zipfile writes it
        # In `directory`, a file with a name, that another process can read (xlsx_shared.py); else anonymous.
        if directory is not None:
            self._file: BinaryIO = tempfile.NamedTemporaryFile(dir=directory, delete=False)  # noqa: SIM115
        else:
            self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.path: str | None = self._file.name if directory is not None else None
        self._held: list[bytes] = []
        self._held_bytes = 0
        self.feed(head)

    def feed(self, data: bytes) -> None:
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        out = self._z.compress(data)
        if out:
            self._held.append(out)
            self._held_bytes += len(out)
            if self._held_bytes >= SPILL:
                self._spill()

    def _spill(self) -> None:
        self._file.write(b"".join(self._held))
        self._held.clear()
        self._held_bytes = 0

    def end(self, tail: bytes) -> None:
        """The last bytes of the member's text; the stream is then complete."""
        self.feed(tail)
        self._held.append(self._z.flush())
        self._spill()
        self._file.flush()

    def fits(self, head: bytes, tail: bytes, level: int | None) -> bool:
        """Whether this stream can be the member whose text is `head`, rows, `tail` at `level` (the tail
        is still to come: any will do)."""
        return head == self.head and level == self.level

    def compressed(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The deflate stream, from the start (after `end`)."""
        self._file.seek(0)
        while chunk := self._file.read(size):
            yield chunk

    def rows(self, size: int = 1 << 20) -> Iterator[bytes]:
        """The text fed after the head, inflated again (before `end`): for a head that turned out wrong."""
        self._held.append(self._z.copy().flush())  # the stream so far, complete, the compressor left as it was
        self._spill()
        inflate = zlib.decompressobj(-15)
        skip = len(self.head)
        for chunk in self.compressed(size):
            text = inflate.decompress(chunk)
            if skip:
                cut = min(skip, len(text))
                text, skip = text[cut:], skip - cut
            if text:
                yield text
        if rest := inflate.flush():
            yield rest

    def close(self) -> None:
        self._file.close()


class Deflater:
    """The thread that feeds every `Deflated` of a workbook, in the order the rows were handed over
    (`directory`: where their named files go, when another process is to read them)."""

    def __init__(self, level: int, directory: str | None = None):
        self.level, self.directory = level, directory
        self._queue: queue.Queue = queue.Queue(maxsize=QUEUED)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._switch = 0.0

    def member(self, head: bytes) -> Deflated:
        return Deflated(head, self.level, self.directory)

    def put(self, member: Deflated, data: bytes) -> None:
        if self._error is not None:
            raise self._error
        if self._thread is None:
            self._switch = sys.getswitchinterval()
            sys.setswitchinterval(min(self._switch, SWITCH))
            self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
            self._thread.start()
        self._queue.put((member, data))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self._error is None:
                try:
                    item[0].feed(item[1])
                except BaseException as exc:  # raised again in the main thread by put() or drain()
                    self._error = exc

    def drain(self) -> None:
        """Wait until every handed-over row is deflated (the thread then ends; `put` starts another)."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None
            sys.setswitchinterval(self._switch)
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """`drain`, an error of the thread left unsaid (the workbook is being given up)."""
        with suppress(BaseException):  # already raised by put() or drain(), or moot
            self.drain()
