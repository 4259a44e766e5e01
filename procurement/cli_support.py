"""What every command shares: turning any failure into one line and an exit status.

A user who presses Ctrl-C, whose disk fills up, or whose file is refused gets one sentence and a
non-zero status, never a Python traceback. Outputs are written atomically (`write/safe.py`), so an
interrupted run leaves the previous complete files, or none.
"""

from __future__ import annotations

import errno
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click

from procurement.errors import EXIT_USAGE, ProcurementError

EXIT_INTERRUPTED = 130


def _say(lang: str, fr: str, en: str) -> None:
    prefix = "error" if lang == "en" else "erreur"
    click.echo(f"{prefix}: {en if lang == 'en' else fr}", err=True)


def _sigterm_as_interrupt(signum, frame) -> None:  # pragma: no cover - exercised through a subprocess test
    raise KeyboardInterrupt


@contextmanager
def guarded(lang: str) -> Iterator[None]:
    previous = signal.getsignal(signal.SIGTERM)
    try:
        signal.signal(signal.SIGTERM, _sigterm_as_interrupt)
    except ValueError:  # not in the main thread (e.g. some test runners)
        previous = None
    try:
        yield
    except ProcurementError as err:
        prefix = "error" if lang == "en" else "erreur"
        click.echo(f"{prefix}: {err.message(lang)}", err=True)
        sys.exit(err.exit_code)
    except KeyboardInterrupt:
        _say(lang, "interrompu : les fichiers de sortie complets précédents sont conservés, aucun fichier "
                   "partiel n'est écrit", "interrupted: previous complete output files are kept, no partial "
                   "file is written")
        sys.exit(EXIT_INTERRUPTED)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            _say(lang, "disque plein : aucun fichier partiel n'est écrit ; libérez de la place et relancez",
                 "disk full: no partial file is written; free some space and run again")
        else:
            where = f" ({exc.filename})" if exc.filename else ""
            _say(lang, f"erreur d'entrée-sortie{where} : {exc.strerror or exc}",
                 f"input/output error{where}: {exc.strerror or exc}")
        sys.exit(EXIT_USAGE)
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
