"""The progress line: on a terminal only, after a second, with rows, speed and time left."""

from __future__ import annotations

import io

from procurement.progress import Progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_silent_when_not_a_terminal():
    out = io.StringIO()
    p = Progress("fr", out, delay=0)
    p.update("a.csv", 1000, 5000)
    p.close()
    assert out.getvalue() == ""


def test_silent_during_the_first_second():
    out = _Tty()
    p = Progress("fr", out)
    p.update("a.csv", 10, 5000)
    assert out.getvalue() == ""


def test_shows_count_rate_and_time_left_then_clears():
    out = _Tty()
    p = Progress("en", out, delay=0)
    p.update("a.csv", 1000, 5000)
    line = out.getvalue()
    assert "a.csv" in line and "1,000 rows / ~5,000" in line and "rows/s" in line and "about" in line
    p.close()
    assert out.getvalue().endswith("\r\x1b[K")


def test_without_estimate_no_time_left():
    out = _Tty()
    p = Progress("fr", out, delay=0)
    p.update("a.json", 1000, None)
    assert "lignes/s" in out.getvalue() and "reste" not in out.getvalue()
