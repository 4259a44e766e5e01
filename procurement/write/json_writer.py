"""results.json: the complete, machine-readable result of a run (schema in docs/results.schema.json)."""

from __future__ import annotations

import json
from pathlib import Path

from procurement.pipeline import Run, meta
from procurement.write.records import order_record, rejection_record, rules_meta
from procurement.write.safe import atomic_path


def write_json(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    target = out_dir / "results.json"
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as fh:
        fh.write('{"meta": ')
        json.dump({**meta(run), "rules": rules_meta(run, lang)}, fh, ensure_ascii=False)
        fh.write(', "orders": [')
        for i, scored in enumerate(run.orders):
            if i:
                fh.write(",")
            fh.write("\n")
            json.dump(order_record(scored, lang, compact=True), fh, ensure_ascii=False)
        fh.write('\n], "rejected": [')
        for i, rejection in enumerate(run.rejected):
            if i:
                fh.write(",")
            fh.write("\n")
            json.dump(rejection_record(rejection, lang), fh, ensure_ascii=False)
        fh.write('\n], "portfolio": ')
        json.dump([g.to_dict(lang) for g in run.portfolio], fh, ensure_ascii=False)
        if run.directory is not None:
            fh.write(', "directory_rejected": ')
            json.dump([rejection_record(r, lang) for r in run.directory.rejected], fh, ensure_ascii=False)
        fh.write("}\n")
    return target
