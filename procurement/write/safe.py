"""Cells that a spreadsheet program would execute are written as text.

A supplier name such as `=HYPERLINK("http://x","clic")` or `=cmd|' /C calc'!A0` typed in an input
file must not become a live formula when an auditor opens our export in Excel or LibreOffice. The
OWASP advice is to prefix such cells with a single quote; we do that for every cell that starts with
=, +, -, @, a tab or a carriage return, whatever came after, and for one that does so after blanks or
with the full-width forms of those signs.

Outputs are safe from half-done writes too: each file is written to a temporary file beside it
(`atomic_path`), and the files of one command are renamed into place together, once all of them are
complete (`all_or_nothing`), so that a failure or an interruption leaves the previous set of files whole.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# What a spreadsheet may still take for a formula's start after leading blanks (LibreOffice's "trim
# spaces" import of « =cmd|... »), or in its full-width form (＝, ＋, －, ＠).
_FORMULA_STARTS = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_BLANKS = " \t\r\n\v\f\xa0\u2007\u202f\u3000"


def looks_like_formula(text: str) -> bool:
    """Whether a text cell must be written as text explicitly (quote prefix)."""
    return text.startswith(DANGEROUS_PREFIXES) or text.lstrip(_BLANKS).startswith(_FORMULA_STARTS)


def neutralise(value: object) -> object:
    """Text that would start a formula gets a leading quote; numbers and other values pass unchanged."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path next to `target`, renamed over it only if the block completes.

    A run interrupted half-way leaves the previous complete file (or none), never a truncated one. Inside
    `all_or_nothing`, the completed temporary file is handed to the set of outputs, renamed with the others.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:  # named after the folder the user gave, not our temporary file (absolute path)
        raise type(exc)(exc.errno, exc.strerror, str(target.parent)) from None
    tmp_path = Path(tmp)
    handed = False
    try:  # from here the file is removed unless handed, even by a SIGTERM unwinding a forked writer
        os.close(fd)
        # mkstemp creates the file 0600; outputs are shared documents: use the user's umask like open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp_path, 0o666 & ~umask)
        yield tmp_path
        if _COLLECTING:
            _COLLECTING[-1].add(tmp_path, target)
            handed = True
        else:
            _replace(tmp_path, target)
    finally:
        if not handed and tmp_path.exists():
            tmp_path.unlink()


def _replace(tmp: Path | str, target: Path | str) -> None:
    try:
        os.replace(tmp, target)
    except OSError as exc:  # the file the user asked for, not our temporary one
        raise type(exc)(exc.errno, exc.strerror, str(target)) from None


class Outputs:
    """The temporary files of one command's outputs, renamed into place together once all are complete.

    Why: each file being atomic was not enough. A failure while writing the fourth output (a folder where
    report.html goes, a full disk) left three files of the new run beside three of the previous one, which
    read together tell two different stories. Now a failure removes every temporary file and replaces none.
    """

    def __init__(self) -> None:
        # (temporary file, target) as text: with --per-order, one pair a page (Path objects took 72 MB
        # per 100,000 pages, strings half of it)
        self.pending: list[tuple[str, str]] = []
        self.swept: list[tuple[str, Any]] = []  # (folder, compiled name pattern): see `sweep`

    def add(self, tmp: Path | str, target: Path | str) -> None:
        self.pending.append((os.fspath(tmp), os.fspath(target)))

    def adopt(self, pending: list[tuple[Path | str, Path | str]]) -> None:
        """Files another process completed (procurement.write.forked): renamed with this set's."""
        self.pending.extend((os.fspath(tmp), os.fspath(target)) for tmp, target in pending)

    def sweep(self, folder: Path | str, pattern: Any) -> None:
        """Once the set is committed, remove the files of `folder` whose names `pattern` matches and that
        this set did not write: the per-order pages of an earlier run in the same folder (orders no longer
        in the input) kept showing their old verdicts beside the new report."""
        self.swept.append((os.path.normpath(os.path.abspath(folder)), pattern))

    def _swept(self, targets: list[str]) -> None:
        for folder, pattern in self.swept:
            ours = {os.path.basename(t) for t in targets
                    if os.path.dirname(os.path.normpath(os.path.abspath(t))) == folder}
            with suppress(OSError), os.scandir(folder) as entries:
                stale = [e.path for e in entries if pattern.fullmatch(e.name) and e.name not in ours]
                for path in stale:
                    with suppress(OSError):
                        os.unlink(path)

    def discard(self) -> None:
        pending, self.pending = self.pending, []
        for tmp, _ in pending:
            with suppress(OSError):
                os.unlink(tmp)

    def commit(self) -> None:
        """Rename every file into place; if one cannot be, put back the files already replaced.

        A target that is a folder is refused before anything is renamed. A rename that fails later (a
        file of another user in a sticky folder, an interruption) restores the previous files, kept as
        hard links (renamed aside where the file system has none) until every rename succeeded.
        """
        pending, self.pending = self.pending, []
        existed = []
        try:
            for _, target in pending:
                try:
                    mode = os.lstat(target).st_mode
                except FileNotFoundError:
                    existed.append(False)
                    continue
                if stat.S_ISDIR(mode):
                    raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
                existed.append(True)
            done: list[tuple[str, str | None]] = []
            try:
                for (tmp, target), old in zip(pending, existed, strict=True):
                    backup = _keep_aside(target, tmp) if old else None
                    done.append((target, backup))  # before the rename: undone even if interrupted in it
                    _replace(tmp, target)
            except BaseException:
                for target, backup in reversed(done):
                    with suppress(OSError):
                        if backup is None:
                            os.unlink(target)
                            continue
                        os.replace(backup, target)
                        # A rename between two links of one file does nothing (POSIX): the target was
                        # not replaced yet, and its link aside is left to remove.
                        os.unlink(backup)
                raise
        except BaseException:
            self.pending = pending
            self.discard()
            raise
        for _, backup in done:
            if backup is not None:
                with suppress(OSError):
                    os.unlink(backup)
        self._swept([target for _, target in pending])


def _keep_aside(target: str, tmp: str) -> str:
    """The previous `target`, kept under a hidden name beside it until the set is committed: a hard link,
    so that `target` itself stays in place until the new file replaces it in one rename."""
    backup = os.path.splitext(tmp)[0] + ".old"
    with suppress(FileNotFoundError):
        os.unlink(backup)  # left by a run killed the hard way, with the same random name
    try:
        os.link(target, backup, follow_symlinks=False)
    except OSError:
        os.replace(target, backup)
    return backup


_COLLECTING: list[Outputs] = []  # the sets of outputs being written, innermost last


@contextmanager
def collecting(outputs: Outputs) -> Iterator[Outputs]:
    """Files completed by atomic_path in the block go to `outputs`, renamed when the caller commits it."""
    _COLLECTING.append(outputs)
    try:
        yield outputs
    finally:
        _COLLECTING.remove(outputs)


@contextmanager
def all_or_nothing() -> Iterator[Outputs]:
    """Every output completed in the block is renamed into place when the block ends without error; an
    error removes them all and replaces nothing. Inside another such block, its files join that one's."""
    if _COLLECTING:
        yield _COLLECTING[-1]
        return
    outputs = Outputs()
    try:
        with collecting(outputs):
            yield outputs
    except BaseException:
        outputs.discard()
        raise
    outputs.commit()


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
