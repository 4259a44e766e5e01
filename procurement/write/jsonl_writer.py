"""results.jsonl: the content of results.json as JSON Lines, for consumers that stream.

Line 1 is the run's provenance, `{"type": "meta", ...}` (the same keys as results.json's `meta`), so a
consumer knows the rulebook and the counts before the first order. Then one `{"type": "order", ...}`
line per scored order (the same record as in results.json's `orders`), then one
`{"type": "rejection", ...}` line per rejected row. Each line is a complete JSON object; a reader
needs neither the whole file in memory nor the closing bracket of an array.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import orjson

from procurement.pipeline import Run
from procurement.write.records import OrderJson, batch_meta, rejection_record
from procurement.write.safe import atomic_binary, write_with


def _line(kind: str, record: dict[str, object]) -> bytes:
    return orjson.dumps({"type": kind, **record}) + b"\n"


class JsonlSink:
    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.run, self.lang = run, lang
        self.target = out_dir / "results.jsonl"
        self.fh = atomic_binary(stack, self.target)
        self.fh.write(_line("meta", batch_meta(run, lang)))
        self.record = OrderJson(run.rulebook.rules, lang)

    def add(self, scored: object) -> None:
        self.fh.write(b'{"type":"order",' + self.record(scored)[1:] + b"\n")

    def finish(self) -> Path:
        for rejection in self.run.rejected:
            self.fh.write(_line("rejection", rejection_record(rejection, self.lang)))
        self.fh.close()
        return self.target


def write_jsonl(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    return write_with(JsonlSink, run, out_dir, lang)
