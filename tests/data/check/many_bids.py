"""A consultation with hundreds of bids and long texts, filled into `procurement template`'s workbook.

What tests/test_check_scale.py and tests/browser/test_check_browser.py check check.html and check.json on:
a buyer's real worst case is many bids whose names and the tender's texts run to kilobytes (a bidder's name
pasted with its address and group, an object and award criteria copied from the regulations). The texts
carry markup, a formula and unbroken runs, as a hostile or careless workbook would.

Loaded by path (tests/ is not a package), as tests/browser/conftest.py loads bench/bench_report.py.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

WORDS = ("groupement", "société", "coopérative", "agricole", "établissement", "Provence", "logistique",
         "restauration", "collective", "<b>gras</b>", "&amp;", "l'union", '"guillemets"', "producteurs")


def long_text(seed: str, size: int) -> str:
    """`seed`, then words up to `size` characters: a different text per seed, the same on every run."""
    parts, n, i = [seed], len(seed), sum(map(ord, seed))
    while n < size:
        word = WORDS[i % len(WORDS)]
        parts.append(word)
        n += len(word) + 1
        i = (i * 31 + 7) % 1009
    return " ".join(parts)[:size]


def supplier(i: int, size: int) -> str:
    """Bid i's bidder: mostly words; every seventh one a single unbroken run, one a formula, one markup."""
    if i % 7 == 0:
        return (f"SOCIETE{i:04d}" + "X" * size)[:size]
    if i == 3:
        return '=HYPERLINK("http://x","clic") ' + long_text(f"Candidat {i}", size)
    if i == 5:
        return "<script>alert(1)</script> " + long_text(f"Candidat {i}", size)
    return long_text(f"Candidat {i} —", size)


def build(path: Path, bids: int = 300, size: int = 2000) -> Path:
    """`procurement template` at `path`, filled with one food consultation and `bids` bids; returns path."""
    import openpyxl
    from click.testing import CliRunner

    from procurement.cli import main

    result = CliRunner().invoke(main, ["template", str(path), "--force"])
    assert result.exit_code == 0, result.output
    tender = {"Identifiant": "2026-RES-300", "Acheteur": long_text("Direction de la restauration", size),
              "Objet": long_text("Denrées alimentaires", size), "Code CPV": "15000000", "Montant HT": 3_000_000,
              "Date de lancement": dt.date(2026, 9, 15), "Lieu d'exécution": "13001",
              "Considérations environnementales": "Clause environnementale", "Considérations sociales":
              "Clause sociale", "Critères d'attribution": long_text("Prix 60 %, valeur technique 40 %", size),
              "Pondération prix (%)": 60}
    rows = [{"Identifiant": f"P{i:03d}", "Fournisseur": supplier(i, size), "Montant HT": 2_500_000 + 137 * i,
             "Distance de livraison (km)": 5 * i, "Part bio (%)": i % 101,
             **({"Intermédiaires jusqu'au producteur": i % 4} if i % 3 else {}),
             **({"Émissions déclarées (kgCO2e)": 1000 + i} if i % 2 else {})} for i in range(1, bids + 1)]
    wb = openpyxl.load_workbook(path)
    for sheet, records in (("Consultation", [tender]), ("Offres", rows)):
        ws = wb[sheet]
        head = [c.value for c in ws[1]]
        for r, record in enumerate(records, start=2):
            for key, value in record.items():
                cell = ws.cell(row=r, column=head.index(key) + 1, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # typed text, even when it looks like a formula
    wb.save(path)
    return path

