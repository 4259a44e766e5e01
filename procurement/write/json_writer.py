"""results.json: the complete, machine-readable result of a run (schema in docs/results.schema.json).

Written as a stream (`JsonSink`: the meta block, then one order at a time) with orjson, compact: one
order per line, so that a million orders are written in one pass without a list of them in memory.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import orjson

from procurement.pipeline import Run
from procurement.write.records import OrderJson, batch_meta, rejection_record
from procurement.write.safe import atomic_binary, write_with


def dumps(value: object) -> bytes:
    return orjson.dumps(value)


class JsonSink:
    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.run, self.lang = run, lang
        self.target = out_dir / "results.json"
        self.fh = atomic_binary(stack, self.target)
        self.fh.write(b'{"meta":' + dumps(batch_meta(run, lang)) + b',"orders":[')
        self.first = True
        self.record = OrderJson(run.rulebook.rules, lang)

    def add(self, scored: object) -> None:
        self.fh.write((b"\n" if self.first else b",\n") + self.record(scored))
        self.first = False

    def finish(self) -> Path:
        run, lang, fh = self.run, self.lang, self.fh
        fh.write(b'\n],"rejected":[')
        for i, rejection in enumerate(run.rejected):
            fh.write((b"\n" if i == 0 else b",\n") + dumps(rejection_record(rejection, lang)))
        # Group by group: at a million orders the groups list half of them, and one dumps() of all
        # their dicts took 150 MB at once.
        fh.write(b'\n],"portfolio":[')
        for i, group in enumerate(run.portfolio):
            fh.write((b"" if i == 0 else b",") + dumps(group.to_dict(lang)))
        fh.write(b"]")
        if run.directory is not None:
            fh.write(b',"directory_rejected":' + dumps([rejection_record(r, lang) for r in run.directory.rejected]))
        fh.write(b"}\n")
        fh.close()
        return self.target


def write_json(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    return write_with(JsonSink, run, out_dir, lang)
