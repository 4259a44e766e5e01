"""Freed memory given back to the system before forking.

Why: a forked process starts with every page its parent holds resident, and each one counts in both
processes' RSS until either writes to it. After scoring a million orders, the parent's heap holds tens
of megabytes that Python freed but the C allocator kept for reuse; glibc's `malloc_trim` returns them
to the system, so neither the parent nor the writers forked from it carry them. Elsewhere (another
libc, another system) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
from typing import Any


@functools.cache
def _trim() -> Any:
    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def release_free_memory() -> bool:
    """Give the heap's free pages back to the system; whether it could be asked."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
