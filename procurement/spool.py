"""An append-only sequence of byte strings, in memory while small, on disk once large.

Why: a run must account for every order in every output, and some verdicts (RISK-02, possible
splitting) are known only once the whole batch has been read. Holding a million scored orders as
Python objects costs gigabytes; holding them as pickled bytes costs about 3 KB each, and spilling
them to an anonymous temporary file (deleted by the system when closed, even after a crash) keeps the
process's memory flat whatever the input's size. Replaying is sequential, like every writer's pass.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Iterator
from typing import IO

_LENGTH = struct.Struct("<I")
_BLOCK = 1024 * 1024
# Bytes kept in memory before spilling to a temporary file. 16 MB: a writing pass forks writers while
# the report's rows are being spooled, and what this buffer holds counts in each process's RSS.
MEMORY_LIMIT = 16 * 1024 * 1024


class Spool:
    """Byte strings appended in order, read back in order, any number of times.

    In memory they are kept in one buffer, length-prefixed as on disk: a list of bytes objects would
    cost more than the bytes (orjson returns each string in a 4 KB allocation, whatever its length: a
    report's 600-byte rows took 4 KB each, 385 MB for 100,000 orders).
    """

    def __init__(self, memory_limit: int | None = None):
        self.memory_limit = MEMORY_LIMIT if memory_limit is None else memory_limit
        self._buf = bytearray()
        self._file: IO[bytes] | None = None
        self._count = 0

    def append(self, blob: bytes) -> None:
        self._count += 1
        if self._file is None:
            self._buf += _LENGTH.pack(len(blob))
            self._buf += blob
            if len(self._buf) > self.memory_limit:
                self._spill()
            return
        # On disk too, appended to the buffer and written a block at a time: two writes per order went
        # to the system each (a 10 KB blob bypasses the file's own buffer), 2.3 s per 100,000 orders.
        self._buf += _LENGTH.pack(len(blob))
        self._buf += blob
        if len(self._buf) >= _BLOCK:
            self._write_pending()

    def _write_pending(self) -> None:
        assert self._file is not None
        self._file.write(self._buf)
        self._buf = bytearray()

    def flush(self) -> None:
        """Write what waits in the buffer, once the last blob is appended: before a process is forked
        to read the spool too, so that no two processes write the same bytes."""
        if self._file is not None:
            if self._buf:
                self._write_pending()
            self._file.flush()

    def _spill(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="procurement-spool-")  # noqa: SIM115 (closed by close())
        self._write_pending()

    @property
    def on_disk(self) -> bool:
        return self._file is not None

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[bytes]:
        unpack, size = _LENGTH.unpack_from, _LENGTH.size
        if self._file is None:
            buf, pos = bytes(self._buf), 0  # a snapshot: appending while reading does not disturb this pass
            for _ in range(self._count):
                (length,) = unpack(buf, pos)
                pos += size + length
                yield buf[pos - length:pos]
            return
        self.flush()
        # pread, not a shared file position: two passes may interleave (a writer inside another's loop).
        fd, offset, buf, pos = self._file.fileno(), 0, b"", 0
        for _ in range(self._count):
            if len(buf) - pos < size:
                buf, pos = buf[pos:] + os.pread(fd, _BLOCK, offset), 0
                offset += _BLOCK
            (length,) = unpack(buf, pos)
            end = pos + size + length
            if len(buf) < end:
                need = max(_BLOCK, end - len(buf))
                buf, end, pos = buf[pos:] + os.pread(fd, need, offset), end - pos, 0
                offset += need
            yield buf[pos + size:end]
            pos = end

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._buf = bytearray()
