"""Scoring chunks of records on several cores, results in input order, memory bounded.

Why processes: scoring is pure Python (validation, enrichment, rules), so threads would share one
core. Workers are forked after the rulebook, register and waivers are loaded, and inherit them: a
compiled rulebook holds closures and cannot be pickled, and need not be. Only chunks of raw records
go out and chunks of pickled results come back; at most two chunks per worker are in flight, so a
reader faster than the workers does not fill memory. Results are consumed in submission order, which
makes the output of `--jobs N` identical to `--jobs 1`.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from procurement.scorer import ChunkResult, Context, score_chunk

CHUNK = 1000  # records per task: large enough to amortise the pickling, small enough to keep order cheap
MIN_PARALLEL_RECORDS = 5000  # below this, starting workers costs more than it saves

_CONTEXT: Context | None = None  # set in the parent before forking; each worker inherits its copy


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _init_worker() -> None:
    """Workers leave interruptions to the parent: Ctrl-C (sent to the whole process group) is ignored
    here, and the parent's SIGTERM handler, inherited by the fork, is reset so that `terminate()` ends a
    worker silently instead of raising inside it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _work(records: list[Any]) -> ChunkResult:
    assert _CONTEXT is not None
    return score_chunk(records, _CONTEXT)


def _chunks(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def score_stream(records: Iterable[Any], ctx: Context, jobs: int = 1) -> Iterator[tuple[ChunkResult, bool]]:
    """(chunk result, came from a worker) for each chunk, in input order.

    A worker's waiver matches are counted in its own copy of the waiver set: the parent adds them up
    (`came from a worker`); in this process they are counted in place.
    """
    chunks = _chunks(records, CHUNK)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield score_chunk(chunk, ctx), False
        return
    # Small inputs stay in this process: read ahead a few chunks before deciding.
    head = list(islice(chunks, MIN_PARALLEL_RECORDS // CHUNK))
    if len(head) < MIN_PARALLEL_RECORDS // CHUNK:
        for chunk in head:
            yield score_chunk(chunk, ctx), False
        return
    global _CONTEXT
    _CONTEXT = ctx
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_init_worker)
    try:
        pending: deque[Any] = deque()
        for chunk in chain(head, chunks):
            pending.append(pool.apply_async(_work, (chunk,)))
            while len(pending) > 2 * jobs:
                yield pending.popleft().get(), True
        while pending:
            yield pending.popleft().get(), True
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _CONTEXT = None
