"""A progress line on stderr for long runs: rows done, rows per second, time left.

Shown only on a terminal and only once a run has lasted a second, so that pipes, logs, CI and quick
runs stay silent. The estimate of rows comes from the reader when it is cheap to know (the sheet's
dimension, a CSV's size over its average line); without it the line shows the count and the speed.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from procurement import i18n


class Progress:
    def __init__(self, lang: str = "fr", stream: TextIO | None = None, enabled: bool | None = None,
                 delay: float = 1.0):
        self.lang = lang
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.delay = delay
        self.start = time.monotonic()
        self.last = 0.0
        self.shown = False

    def update(self, name: str, done: int, estimate: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        elapsed = now - self.start
        if elapsed < self.delay or now - self.last < 0.2:
            return
        self.last = now
        rate = done / elapsed if elapsed > 0 else 0.0
        en = self.lang == "en"
        parts = [name, f"{i18n.fmt_number(done, self.lang)} {'rows' if en else 'lignes'}"]
        if estimate and estimate > done:
            parts[-1] += f" / ~{i18n.fmt_number(estimate, self.lang)}"
        parts.append(f"{i18n.fmt_number(rate, self.lang)} {'rows/s' if en else 'lignes/s'}")
        if estimate and estimate > done and rate > 0:
            left = (estimate - done) / rate
            parts.append(f"{'about' if en else 'reste environ'} {int(left) + 1} s")
        self.stream.write("\r" + "  ".join(parts) + "\033[K")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.shown = False
