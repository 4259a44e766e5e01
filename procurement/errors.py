"""Errors a user can act on, and the exit codes that go with them.

A file-level problem (wrong format, encrypted workbook, no header) stops the run with one line and exit
status 2; a row-level problem becomes a `Rejection` and the run goes on. Messages exist in French and
English from the start, so no layer has to translate a string it did not write.
"""

from __future__ import annotations

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
