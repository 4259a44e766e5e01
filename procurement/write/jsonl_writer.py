"""results.jsonl: the content of results.json as JSON Lines, for consumers that stream.

Line 1 is the run's provenance, `{"type": "meta", ...}` (the same keys as results.json's `meta`), so a
consumer knows the rulebook and the counts before the first order. Then one `{"type": "order", ...}`
line per scored order (the same record as in results.json's `orders`), then one
`{"type": "rejection", ...}` line per rejected row. Each line is a complete JSON object; a reader
needs neither the whole file in memory nor the closing bracket of an array.
"""

from __future__ import annotations

import json
from pathlib import Path

from procurement.pipeline import Run, meta
from procurement.write.records import order_record, rejection_record, rules_meta
from procurement.write.safe import atomic_path


def _line(kind: str, record: dict[str, object]) -> str:
    return json.dumps({"type": kind, **record}, ensure_ascii=False) + "\n"


def write_jsonl(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    target = out_dir / "results.jsonl"
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write(_line("meta", {**meta(run), "rules": rules_meta(run, lang)}))
        for scored in run.orders:
            fh.write(_line("order", order_record(scored, lang, compact=True)))
        for rejection in run.rejected:
            fh.write(_line("rejection", rejection_record(rejection, lang)))
    return target
