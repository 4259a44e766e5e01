#!/usr/bin/env python3
"""Copy two real DECP files into samples/: one unchanged, one cut down to 60 marchés.

    python samples/extract_decp.py                 # reads ../shared/data (relative to the current directory)
    python samples/extract_decp.py PATH/TO/data    # the shared data directory given explicitly

Writes next to this script:
  decp-2024-bretagne.json      decp/real_2024_format/decp-59920013600241-2024-07-09-01.json, byte for byte
  decp-2019-pes-extrait.json   60 marchés of decp/real_2019_format/data.gouv.fr_pes.json, in the same
                               envelope {"marches": [...]} and in file order: every marché executed in the
                               Bouches-du-Rhône (lieuExecution.code starting with "13"), at least 10 when the
                               file has that many, then the first other marchés until there are 60.

Provenance and licence of both files: see samples/README.md and decp/README.txt in the shared data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL_2024 = Path("decp/real_2024_format/decp-59920013600241-2024-07-09-01.json")
REAL_2019 = Path("decp/real_2019_format/data.gouv.fr_pes.json")
OUT_2024 = "decp-2024-bretagne.json"
OUT_2019 = "decp-2019-pes-extrait.json"
COUNT = 60
MIN_LOCAL = 10
DEPARTEMENT = "13"


def executed_in(marche: dict, departement: str = DEPARTEMENT) -> bool:
    """True when the place of performance is a commune, postcode or département code of `departement`."""
    lieu = marche.get("lieuExecution") or {}
    return str(lieu.get("code") or "").strip().startswith(departement)


def select(marches: list[dict], count: int = COUNT, min_local: int = MIN_LOCAL) -> list[dict]:
    """`count` marchés in file order: all the local ones (at least `min_local` if available), then the
    first others."""
    local = [i for i, m in enumerate(marches) if executed_in(m)][:count]
    if len(local) < min_local:
        print(f"note: only {len(local)} marchés executed in the {DEPARTEMENT}, all kept", file=sys.stderr)
    others = [i for i, m in enumerate(marches) if not executed_in(m)][: count - len(local)]
    return [marches[i] for i in sorted(local + others)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared", nargs="?", type=Path, default=Path("../shared/data"),
                        help="the shared data directory (default: ../shared/data)")
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: samples/)")
    args = parser.parse_args(argv)

    shutil.copyfile(args.shared / REAL_2024, args.out / OUT_2024)

    with (args.shared / REAL_2019).open(encoding="utf-8") as fh:
        marches = json.load(fh)["marches"]
    chosen = select(marches)
    text = json.dumps({"marches": chosen}, ensure_ascii=False, indent=2) + "\n"
    (args.out / OUT_2019).write_text(text, encoding="utf-8")
    local = sum(executed_in(m) for m in chosen)
    print(f"{OUT_2024}: copied; {OUT_2019}: {len(chosen)} of {len(marches)} marchés, {local} executed in the "
          f"{DEPARTEMENT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
