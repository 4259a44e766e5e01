"""Errors a user can act on, and the exit codes that go with them.

A file-level problem (wrong format, encrypted workbook, no header) stops the run with one line and exit
status 2; a row-level problem becomes a `Rejection` and the run goes on. Messages exist in French and
English from the start, so no layer has to translate a string it did not write.
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class ProcurementError(Exception):
    """A problem the user can fix, with a bilingual message and no traceback."""

    exit_code = EXIT_USAGE

    def __init__(self, message_fr: str, message_en: str | None = None, *, where: str | None = None):
        self.message_fr = message_fr
        self.message_en = message_en or message_fr
        self.where = where
        super().__init__(self.message("en"))

    def message(self, lang: str = "fr") -> str:
        text = self.message_en if lang == "en" else self.message_fr
        return f"{self.where}: {text}" if self.where else text


class InputError(ProcurementError):
    """An input file cannot be read at all."""


class RulebookError(ProcurementError):
    """A rulebook is invalid; `where` carries file:line:column."""


# A system error's reason in the user's words, by errno: (French, English). Others keep the system's text,
# which is English whatever the language asked.
_REASONS = {
    errno.EACCES: ("droits insuffisants", "permission denied"),
    errno.EPERM: ("droits insuffisants", "permission denied"),
    errno.ENOENT: ("fichier ou dossier introuvable", "no such file or folder"),
    errno.ENOSPC: ("disque plein", "disk full"),
    errno.EROFS: ("disque en lecture seule", "read-only file system"),
    errno.EISDIR: ("c'est un dossier, pas un fichier", "it is a folder, not a file"),
    errno.ENOTDIR: ("un élément du chemin est un fichier, pas un dossier", "part of the path is a file, not a folder"),
    errno.EEXIST: ("existe déjà", "already exists"),
}
# atomic_path's temporary file, ".results.json.8vxm5bij.tmp": named after the file the user asked for.
_TEMP_NAME = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def os_reason(exc: OSError) -> tuple[str, str]:
    """Why a system call failed, (French, English), for a message of our own around it."""
    fallback = exc.strerror or str(exc)
    return _REASONS.get(exc.errno or 0, (fallback, fallback))


def shown_path(name: object) -> str:
    """A path as the user knows it: a temporary file of ours is named after the file it becomes."""
    path = Path(os.fsdecode(name))  # type: ignore[arg-type]
    found = _TEMP_NAME.match(path.name)
    return str(path.with_name(found["name"])) if found else str(path)


def _file_in_the_way(path: Path) -> Path | None:
    """The path itself or the nearest of its folders that exists and is not a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return None if candidate.is_dir() else candidate
    return None


def os_error_message(exc: OSError, lang: str = "fr") -> str:
    """One sentence saying what is wrong, in the user's terms and language, naming the path they gave.

    The system's own text is English (whatever --lang) and names the call that failed, often on a
    temporary file the user never heard of: "[Errno 13] Permission denied: '/tmp/x/.results.json.8vxm5bij.tmp'".
    """
    en = lang == "en"
    code, name = exc.errno, exc.filename
    if code == errno.ENOSPC:
        return ("disk full: no partial file is written; free some space and run again" if en else
                "disque plein : aucun fichier partiel n'est écrit ; libérez de la place et relancez")
    if name is None:
        fr, english = os_reason(exc)
        return f"system error: {english}" if en else f"erreur du système : {fr}"
    shown = shown_path(name)
    path = Path(shown)
    if code in (errno.EEXIST, errno.ENOTDIR) and (blocking := _file_in_the_way(path)) is not None:
        if blocking == path:
            return f"“{shown}” is a file, not a folder" if en else f"« {shown} » est un fichier, pas un dossier"
        return (f"“{blocking}” is a file, not a folder: “{shown}” cannot be made in it" if en else
                f"« {blocking} » est un fichier, pas un dossier : « {shown} » ne peut pas y être créé")
    if code in (errno.EACCES, errno.EPERM):
        if path.is_dir():
            return (f"the folder “{shown}” is not writable (permission denied)" if en else
                    f"le dossier « {shown} » n'est pas accessible en écriture (droits insuffisants)")
        if not path.exists():
            return (f"“{shown}” cannot be created (permission denied)" if en else
                    f"« {shown} » ne peut pas être créé (droits insuffisants)")
        return f"permission denied on “{shown}”" if en else f"accès refusé à « {shown} » (droits insuffisants)"
    if code == errno.EROFS:
        return (f"“{shown}” is on a read-only file system" if en else
                f"« {shown} » est sur un disque en lecture seule")
    if code == errno.EISDIR:
        return (f"“{shown}” is a folder: a file cannot be written in its place" if en else
                f"« {shown} » est un dossier : un fichier ne peut pas être écrit à sa place")
    if code == errno.ENOENT:
        return f"“{shown}” not found" if en else f"« {shown} » introuvable"
    fr, english = os_reason(exc)
    return f"“{shown}”: {english}" if en else f"« {shown} » : {fr}"
