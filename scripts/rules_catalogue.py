#!/usr/bin/env python3
"""Generate `docs/rules-catalogue.md` from the rulebook: one section per rule, never written by hand.

Why generated: the catalogue (what each rule checks, why, its legal basis, the data it needs, its
examples) must say exactly what the rulebook does. Writing it from the compiled rulebook — the same
objects the engine evaluates — means a changed threshold or a new rule changes the catalogue, and
`tests/test_rulebook_default.py` fails until the committed file is regenerated.

Usage (from the project root or anywhere):
    .venv/bin/python scripts/rules_catalogue.py            # writes docs/rules-catalogue.md (English)
    .venv/bin/python scripts/rules_catalogue.py --check    # exit 1 if the committed file is stale
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
    parser.add_argument("--out", type=Path, default=CATALOGUE, help="file to write (default: docs/rules-catalogue.md)")
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args(argv)
    text = generate(args.lang, args.rules)
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{os.path.relpath(args.out)} is stale: run scripts/rules_catalogue.py", file=sys.stderr)
            return 1
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"written {os.path.relpath(args.out)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
