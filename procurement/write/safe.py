"""Cells that a spreadsheet program would execute are written as text.

A supplier name such as `=HYPERLINK("http://x","clic")` or `=cmd|' /C calc'!A0` typed in an input
file must not become a live formula when an auditor opens our export in Excel or LibreOffice. The
OWASP advice is to prefix such cells with a single quote; we do that for every cell that starts with
=, +, -, @, a tab or a carriage return, whatever came after.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """Text that would start a formula gets a leading quote; numbers and other values pass unchanged."""
    if isinstance(value, str) and value.startswith(DANGEROUS_PREFIXES):
        return "'" + value
    return value


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path next to `target`, renamed over it only if the block completes.

    A run interrupted half-way leaves the previous complete file (or none), never a truncated one.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # named after the folder the user gave, not our temporary file (absolute path)
        raise type(exc)(exc.errno, exc.strerror, str(target.parent)) from None
    os.close(fd)
    tmp_path = Path(tmp)
    # mkstemp creates the file 0600; outputs are shared documents: use the user's umask like open() would.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, target)
        except OSError as exc:  # the file the user asked for, not our temporary one
            raise type(exc)(exc.errno, exc.strerror, str(target)) from None
    finally:
        if tmp_path.exists():
            tmp_path.unlink()


def write_with(sink_class: Any, run: Any, out_dir: Path, lang: str) -> Path:
    """One output in a pass of its own (library callers, tests): `procurement score` feeds every sink in
    one pass instead (procurement.write.outputs)."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        sink = sink_class(run, out_dir, lang, stack)
        for scored in run.orders:
            sink.add(scored)
        return sink.finish()


def atomic_binary(stack: Any, target: Path) -> Any:
    """A buffered binary file for a streamed output, renamed to `target` when `stack` closes without error."""
    tmp = stack.enter_context(atomic_path(target))
    return stack.enter_context(tmp.open("wb", buffering=1024 * 1024))
