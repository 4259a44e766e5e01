"""HTML report benchmark: generate a synthetic batch, write report.html and summary.html, report size and time.

`synthetic_run(n)` builds a realistic Run without reading a file: orders with AMP buyers, suppliers in
every location band, CPV codes of the samples (works, buses, catering, IT...), amounts from a few hundred
euros to millions, dates over 2025-2026, and a share of unknown values; each order goes through the real
enrich -> evaluate -> score steps with the default rulebook. With `hostile=True` some cells hold markup
(`<script>`, `<img onerror>`, `</script>`), for the browser tests. Deterministic for a given seed.

Run: `python bench/bench_report.py [--orders 100000] [--out DIR]` (prints one line per measure);
`make bench` calls `bench_report(100_000)`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order, Rejection, Source
from procurement.pipeline import Run, ScoredOrder, check_balance
from procurement.read.base import InputInfo
from procurement.rulebook import load_default
from procurement.scoring import score_order

BUYERS = ["Direction de la Voirie et des Espaces publics", "Direction des Transports et de la Mobilité",
          "Direction de l'Agriculture et de l'Alimentation durable", "Direction de l'Eau et de l'Assainissement",
          "Direction des Systèmes d'information", "Direction de la Propreté urbaine", "Direction du Patrimoine bâti",
          "Direction de la Cohésion sociale et de l'Insertion", "Conseil de territoire du Pays d'Aix",
          "Conseil de territoire Istres-Ouest Provence", "Conseil de territoire du Pays d'Aubagne et de l'Étoile",
          "Direction de la Culture"]
# (CPV, object, typical amount)
PURCHASES = [("45233142", "Réfection de chaussée", 180_000), ("34121000", "Acquisition d'autobus", 2_500_000),
             ("34144910", "Autobus électriques", 4_000_000), ("60112000", "Exploitation de lignes de bus", 3_000_000),
             ("45233162", "Aménagement de pistes cyclables", 400_000), ("31158100", "Bornes de recharge", 60_000),
             ("55523100", "Restauration scolaire", 250_000), ("03221000", "Légumes frais", 12_000),
             ("15500000", "Produits laitiers", 9_000), ("15110000", "Viande", 15_000),
             ("30213100", "Ordinateurs portables", 45_000), ("48000000", "Logiciels", 80_000),
             ("90610000", "Balayage des voies", 600_000), ("90511000", "Collecte des déchets", 1_200_000),
             ("77313000", "Entretien des espaces verts", 90_000), ("85312000", "Accompagnement social", 70_000),
             ("45453000", "Rénovation de bâtiments", 900_000), ("71314300", "Audit énergétique", 30_000),
             ("09331200", "Modules photovoltaïques", 150_000), ("79710000", "Gardiennage", 110_000)]
# (postcode, country)
PLACES = [("13001", "FR"), ("13100", "FR"), ("13400", "FR"), ("13600", "FR"), ("13700", "FR"), ("13008", "FR"),
          ("83000", "FR"), ("84000", "FR"), ("06000", "FR"), ("69003", "FR"), ("75011", "FR"), ("59000", "FR"),
          (None, "IT"), (None, "DE"), (None, "CN"), (None, None)]
NATURES = ["bon_de_commande"] * 5 + ["marche"] * 3 + ["accord_cadre", "marche_subsequent"]
PROCEDURES = ["procedure_adaptee", "appel_offres_ouvert", "sans_publicite", None]
ENV = [("clause",), ("criterion",), ("clause", "criterion"), ("none",), None, None]
SOCIAL = [("clause",), ("reserved",), ("none",), ("none",), None, None]
STATUS = ["ess", "siae", "ea", "none", None, None, None, None]
HOSTILE = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>",
           "Fournitures & services \"<b>gras</b>\"", "'; alert(3); //"]
LONG = "Direction <i>tres longue</i> " * 400  # 11 KB: a table cell clipped, the whole text in its tooltip


def _order(i: int, rng: random.Random, hostile: bool) -> Order:
    cpv, obj, typical = PURCHASES[rng.randrange(len(PURCHASES))]
    postcode, country = PLACES[rng.randrange(len(PLACES))]
    nature = rng.choice(NATURES)
    amount = None if rng.random() < 0.01 else round(typical * rng.lognormvariate(0, 0.8), 2)
    notified = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 540))
    launched = notified - dt.timedelta(days=rng.randrange(20, 200)) if rng.random() < 0.6 else None
    supplier_no = rng.randrange(2000)
    values: dict[str, Any] = {
        "id": f"{'AC' if nature == 'accord_cadre' else 'BC'}{notified.year % 100}-{i:06d}",
        "buyer_name": rng.choice(BUYERS),
        "object": f"{obj} – lot {rng.randrange(1, 9)}",
        "nature": nature,
        "procedure": rng.choice(PROCEDURES),
        "cpv": cpv,
        "amount": amount,
        "launch_date": launched,
        "notification_date": notified,
        "place_code": "13055",
        "place_type": "commune",
        "supplier_name": f"Fournisseur {supplier_no:04d} SAS",
        "supplier_postcode": postcode,
        "supplier_country": country,
        "supplier_status": rng.choice(STATUS),
        "env_considerations": rng.choice(ENV),
        "social_considerations": rng.choice(SOCIAL),
        "source": Source(file="synthetique.xlsx", sheet="Commandes", row=i + 2),
    }
    if hostile and i % 7 == 3:
        values["buyer_name"] = HOSTILE[i % len(HOSTILE)]
        values["supplier_name"] = HOSTILE[(i + 1) % len(HOSTILE)]
        values["object"] = HOSTILE[(i + 2) % len(HOSTILE)]
    if hostile and i % 50 == 17:
        values["buyer_name"] = values["object"] = LONG
    return Order.model_validate(values)


def synthetic_run(n: int, *, seed: int = 2025, hostile: bool = False, rulebook: Any = None,
                  options: dict[str, object] | None = None) -> Run:
    """A Run of `n` generated orders (plus two rejected rows), scored with the default rulebook."""
    rng = random.Random(seed)
    book = rulebook or load_default()
    orders = []
    for i in range(n):
        order = enrich(_order(i, rng, hostile))
        findings = evaluate(order, book)
        orders.append(ScoredOrder(order, findings, score_order(findings, book)))
    bad = HOSTILE[0] if hostile else "à définir"
    rejected = [
        Rejection(source=Source(file="synthetique.xlsx", sheet="Commandes", row=n + 2), code="not_a_number",
                  column="G (Montant HT)", field="amount", value=bad,
                  message_fr=f"colonne G : « {bad} » n'est pas un nombre lisible",
                  message_en=f"column G: “{bad}” is not a readable number"),
        Rejection(source=Source(file="synthetique.xlsx", sheet="Commandes", row=n + 3), code="missing_id",
                  message_fr="identifiant manquant", message_en="missing identifier"),
    ]
    digest = hashlib.sha256(f"synthetic:{n}:{seed}:{hostile}".encode()).hexdigest()
    info = InputInfo(path="synthetique.xlsx", format="xlsx", sha256=digest, sheet="Commandes", header_row=1,
                     rows_read=n + len(rejected))
    run = Run([info], orders, rejected, book, dict(options or {"lang": "fr"}),
              "2026-01-15T08:00:00+00:00")
    check_balance(run)
    return run


def bench_report(n: int = 100_000, out_dir: Path | None = None, lang: str = "fr") -> dict[str, float]:
    """Generate n orders, write report.html and summary.html; return sizes (bytes) and times (seconds)."""
    from procurement.write.html_report import write_html
    from procurement.write.html_summary import write_summary

    out = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="bench-report-"))
    start = time.perf_counter()
    run = synthetic_run(n)
    made = time.perf_counter()
    report = write_html(run, out, lang)
    wrote_report = time.perf_counter()
    summary = write_summary(run, out, lang)
    wrote_summary = time.perf_counter()
    result = {
        "orders": float(n),
        "scoring_s": made - start,
        "report_s": wrote_report - made,
        "report_bytes": float(report.stat().st_size),
        "summary_s": wrote_summary - wrote_report,
        "summary_bytes": float(summary.stat().st_size),
    }
    print(f"report.html  : {n:,} commandes, {result['report_bytes'] / 1e6:.1f} Mo, écrit en {result['report_s']:.2f} s "
          f"({report})")
    print(f"summary.html : {result['summary_bytes'] / 1e3:.0f} Ko, écrit en {result['summary_s']:.2f} s ({summary})")
    print(f"(génération et évaluation des commandes synthétiques : {result['scoring_s']:.1f} s)")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    args = parser.parse_args(argv)
    bench_report(args.orders, args.out, args.lang)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
