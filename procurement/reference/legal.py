"""Legal thresholds and dates in force in 2026 (legal_thresholds_2026.json, each item with its sources).

Why a copy per call: the document is shared by every caller; handing out the cached dict would let one
caller's edit change another's thresholds. Read it once (e.g. when compiling a rulebook), not per order.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from procurement.reference._files import data_bytes


@cache
def _thresholds() -> dict[str, Any]:
    return json.loads(data_bytes("legal_thresholds_2026.json").decode("utf-8"))


def thresholds() -> dict[str, Any]:
    """The legal thresholds document, as a fresh dict."""
    return copy.deepcopy(_thresholds())
