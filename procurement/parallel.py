"""Scoring chunks of records on several cores, results in input order, memory bounded.

Why processes: scoring is pure Python (validation, enrichment, rules), so threads would share one
core. Workers are forked after the rulebook, register and waivers are loaded, and inherit them: a
compiled rulebook holds closures and cannot be pickled, and need not be. Only chunks of raw records
go out (packed by `procurement.transfer`) and chunks of pickled results come back; each worker has one
chunk at a time and the parent one more, packed, so a reader faster than the workers does not fill
memory. Results are
consumed in submission order, which makes the output of `--jobs N` identical to `--jobs 1`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from itertools import chain, islice
from typing import Any

from procurement.scorer import ChunkResult, Context, score_chunk
from procurement.transfer import pack, result_of, unpack

# Records per task: enough to amortise the pickling; smaller chunks, less held by each worker (100k orders:
# 457 MB of summed PSS with 1,000, 317 MB with 250, same wall time within noise).
CHUNK = 250
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


def _serve(conn: Any) -> None:
    """A worker: score each chunk received, send back its result (or the error), until told to stop."""
    _init_worker()
    assert _CONTEXT is not None
    while True:
        data = conn.recv_bytes()
        if not data:
            return
        try:
            result: Any = score_chunk(unpack(data), _CONTEXT)
        except Exception as exc:  # reported in the parent, which raises it there
            result = _Failure(f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}")
        conn.send(result)


class _Failure:
    def __init__(self, text: str):
        self.text = text


class WorkerError(RuntimeError):
    """A worker process failed on a chunk (its traceback is the message)."""


def _chunks(records: Iterable[Any], size: int) -> Iterator[list[Any]]:
    it = iter(records)
    while chunk := list(islice(it, size)):
        yield chunk


def _packed(source: Iterator[list[Any]]) -> bytes | None:
    chunk = next(source, None)
    return None if chunk is None else pack(chunk)


def score_stream(records: Iterable[Any], ctx: Context, jobs: int = 1) -> Iterator[tuple[ChunkResult, bool]]:
    """(chunk result, came from a worker) for each chunk, in input order.

    A worker's waiver matches are counted in its own copy of the waiver set: the parent adds them up
    (`came from a worker`); in this process they are counted in place.

    Each worker has one chunk at a time and gets its next one, read and packed beforehand, as soon as its
    result's bytes are received, before the parent decodes and absorbs that result: no feeder thread, so
    an interruption can always stop the workers
    (a multiprocessing.Pool can hang in terminate() while its feeder thread writes to a dead worker).
    """
    chunks = _chunks(records, CHUNK)
    if jobs <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        for chunk in chunks:
            yield score_chunk(chunk, ctx), False
        return
    # Small inputs stay in this process: read ahead a few chunks before deciding.
    head = list(islice(chunks, max(1, MIN_PARALLEL_RECORDS // CHUNK)))
    if len(head) < MIN_PARALLEL_RECORDS // CHUNK:
        for chunk in head:
            yield score_chunk(chunk, ctx), False
        return
    global _CONTEXT
    _CONTEXT = ctx
    fork = multiprocessing.get_context("fork")
    workers: list[tuple[Any, Any]] = []
    finished = False
    gc.freeze()  # as procurement.write.forked does: inherited pages stay shared with the workers
    try:
        for _ in range(jobs):
            parent, child = fork.Pipe()
            process = fork.Process(target=_serve, args=(child,), daemon=True)
            process.start()
            child.close()
            workers.append((process, parent))
        source = chain(head, chunks)
        busy: deque[Any] = deque()
        for _, conn in workers:
            first = _packed(source)
            if first is None:
                break
            conn.send_bytes(first)
            busy.append(conn)
        # The next chunk is read and packed while the workers score, so that a worker whose result comes
        # in gets its next chunk at once; its result is decoded after that (a worker waited for both).
        ready = _packed(source)
        while busy:
            conn = busy.popleft()
            data = conn.recv_bytes()
            if ready is not None:
                conn.send_bytes(ready)
                busy.append(conn)
                ready = _packed(source)
            result = result_of(data)
            if isinstance(result, _Failure):
                raise WorkerError(result.text)
            yield result, True
        for _, conn in workers:
            conn.send_bytes(b"")  # stop
        finished = True
    finally:
        for process, conn in workers:
            if finished:
                process.join(timeout=5)
            if process.is_alive():  # interrupted, or failed: stop it now
                process.terminate()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
            conn.close()
        _CONTEXT = None
        gc.unfreeze()  # the workers are gone: this process's objects are collectable again
