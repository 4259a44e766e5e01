"""rejected.csv: every row that did not become an order, with where it was and why, for the user to fix."""

from __future__ import annotations

import csv
from pathlib import Path

from procurement.pipeline import Run
from procurement.write.safe import atomic_path, neutralise

HEADERS = {
    "fr": ["fichier", "feuille", "ligne", "chemin", "colonne", "champ", "valeur", "code", "motif"],
    "en": ["file", "sheet", "row", "path", "column", "field", "value", "code", "reason"],
}


def write_rejected(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    """UTF-8 with BOM (so that Excel reads the accents, in either language) and ';' in French so that Excel
    opens it as columns; ',' in English."""
    target = out_dir / "rejected.csv"
    delimiter, encoding = (",", "utf-8-sig") if lang == "en" else (";", "utf-8-sig")
    with atomic_path(target) as tmp, tmp.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(HEADERS["en" if lang == "en" else "fr"])
        register = run.directory.rejected if run.directory is not None else []
        for r in (*run.rejected, *register):
            s = r.source
            writer.writerow(
                [neutralise(v) for v in (s.file, s.sheet or "", s.row or "", s.path or "", r.column or "",
                                         r.field or "", r.value or "", r.code, r.message(lang))]
            )
    return target
