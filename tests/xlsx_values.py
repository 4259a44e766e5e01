"""Cell values that take another path than a plain text in the streamed sheet writer, shared by its
tests: formula-like and blank-edged texts, escapes, empty cells, ints around 10**15 and beyond 2**53,
floats (-0.0 beside 0), bools beside the ints they equal, Decimals, dates and times."""

import datetime as dt
from decimal import Decimal

TRICKY_ROWS = [
    ["=SUM(A1)", " lead", "trail ", "a<b & c>d", "", None, "\ttab", "-1", "@x", "+33", "plain"],
    [0, 1, -1, 10**15 - 1, 10**15, -(10**15), 2**53 + 1, 12345678901234567890],
    [0.0, -0.0, 1.0, 0.1, 1e15, 1e16, 2.5, -3.75, 1 / 3, 1e-7, 123456789.123456789],
    [True, False, 1, 0, 1.0, 0.0, True],
    [Decimal("1.10"), Decimal("2"), Decimal("-0"), dt.datetime(2025, 1, 2, 3, 4, 5), dt.date(2025, 1, 2),
     dt.time(12, 30)],
    [None, None, "x", None, 7],
]
