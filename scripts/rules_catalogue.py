#!/usr/bin/env python3
"""Generate `docs/rules-catalogue.md` (English) and `docs/rules-catalogue.fr.md` (French) from the rulebook:
one section per rule, never written by hand.

Why generated: the catalogue (what each rule checks, why, its legal basis, the data it needs, its
examples) must say exactly what the rulebook does. Writing it from the compiled rulebook — the same
objects the engine evaluates — means a changed threshold or a new rule changes the catalogue, and
`tests/test_rulebook_default.py` fails until the committed file is regenerated.

Usage (from the project root or anywhere):
    .venv/bin/python scripts/rules_catalogue.py            # writes both catalogues
    .venv/bin/python scripts/rules_catalogue.py --check    # exit 1 if a committed file is stale
    .venv/bin/python scripts/rules_catalogue.py --lang fr --out /tmp/catalogue-fr.md
The same text: `procurement rules --lang en catalogue --out docs/rules-catalogue.md`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULEBOOK = ROOT / "rules" / "relance-renouveau.yaml"
CATALOGUE = ROOT / "docs" / "rules-catalogue.md"
CATALOGUES = {"en": CATALOGUE, "fr": ROOT / "docs" / "rules-catalogue.fr.md"}  # the French README links the latter
SOURCE = "rules/relance-renouveau.yaml"  # as the catalogue names it: relative, stable across checkouts


def generate(lang: str = "en", rulebook: Path = RULEBOOK) -> str:
    sys.path.insert(0, str(ROOT))
    from procurement.cli_rules import catalogue_text
    from procurement.rulebook import load_rulebook

    source = SOURCE if Path(rulebook).resolve() == RULEBOOK.resolve() else Path(rulebook).name
    return catalogue_text(load_rulebook(rulebook), lang, source=source)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", type=Path, default=RULEBOOK, help="rulebook (default: the Métropole's)")
    parser.add_argument("--out", type=Path, help="file to write (default: both catalogues of docs/)")
    parser.add_argument("--lang", choices=("en", "fr"), help="with --out: the catalogue's language (default en)")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args(argv)
    targets = {args.lang or "en": args.out} if args.out else CATALOGUES
    stale = 0
    for lang, out in targets.items():
        text = generate(lang, args.rules)
        if args.check:
            current = out.read_text(encoding="utf-8") if out.exists() else ""
            if current != text:
                print(f"{os.path.relpath(out)} is stale: run scripts/rules_catalogue.py", file=sys.stderr)
                stale = 1
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"written {os.path.relpath(out)}", file=sys.stderr)
    return stale

if __name__ == "__main__":
    sys.exit(main())
