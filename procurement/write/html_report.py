"""report.html: the batch report, as one self-contained page (no request leaves it).

The view model below does all the counting and formatting; the template only lays it out, with
autoescaping on, so that a cell holding `<script>` shows as text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from procurement import i18n
from procurement.pipeline import Run, meta
from procurement.write.records import order_record, rejection_record
from procurement.write.safe import atomic_path

STATUSES = ("fail", "insufficient_data", "pass", "not_applicable")
DETAIL_LIMIT = 2000  # orders shown in full; the rest are counted (the JSON holds them all)


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("procurement", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env


def view_model(run: Run, lang: str) -> dict[str, object]:
    m = meta(run)
    by_rule: dict[str, Counter] = {}
    for scored in run.orders:
        for f in scored.findings:
            by_rule.setdefault(f.rule, Counter())[f.status] += 1
    rules = []
    for rule in run.rulebook.rules:
        counts = by_rule.get(rule.id, Counter())
        rules.append({
            "id": rule.id,
            "title": rule.title.en if lang == "en" else rule.title.fr,
            "kind": i18n.label(rule.kind, lang),
            "counts": [(i18n.label(s, lang), s, counts.get(s, 0)) for s in STATUSES],
        })
    orders = []
    for scored in run.orders[:DETAIL_LIMIT]:
        rec = order_record(scored, lang)
        data = rec["data"]
        orders.append({
            "id": rec["id"],
            "where": _where(rec["source"], lang),
            "buyer": data.get("buyer_name", ""),
            "object": data.get("object", ""),
            "supplier": data.get("supplier_name", ""),
            "amount": i18n.fmt_money(data.get("amount"), lang),
            "findings": [
                {**f, "status_label": i18n.label(f["status"], lang)}
                for f in rec["findings"] if f["status"] != "not_applicable"
            ],
            "warnings": rec["warnings"],
        })
    return {
        "lang": lang,
        "t": _words(lang),
        "meta": m,
        "counts": [(i18n.label(k, lang), v) for k, v in m["counts"].items()],
        "balanced": True,
        "rules": rules,
        "orders": orders,
        "hidden_orders": max(0, len(run.orders) - DETAIL_LIMIT),
        "rejected": [
            {**r, "where": _where(r["source"], lang)} for r in (rejection_record(x, lang) for x in run.rejected)
        ],
    }


def _where(source: dict, lang: str) -> str:
    parts = [str(source["file"])]
    if source.get("sheet"):
        parts.append(str(source["sheet"]))
    if source.get("row"):
        parts.append(("row " if lang == "en" else "ligne ") + str(source["row"]))
    return " · ".join(parts)


def _words(lang: str) -> dict[str, str]:
    fr = {
        "title": "Rapport de conformité des achats",
        "counts": "Bilan des lignes",
        "balance": "Chaque ligne lue est soit évaluée, soit rejetée (avec son motif), soit fusionnée avec le "
                   "contrat qu'elle répète.",
        "rules": "Règles",
        "rule": "Règle", "kind": "Nature",
        "orders": "Commandes", "id": "Identifiant", "where": "Origine", "buyer": "Acheteur",
        "object": "Objet", "supplier": "Fournisseur", "amount": "Montant HT", "findings": "Constats",
        "hidden": "commandes supplémentaires figurent dans results.json",
        "rejected": "Lignes rejetées", "reason": "Motif", "column": "Colonne", "value": "Valeur",
        "none_rejected": "Aucune ligne rejetée.",
        "warnings": "Avertissements", "inputs": "Fichiers lus", "rulebook": "Référentiel",
        "generated": "Généré le", "tool": "Outil", "rows": "lignes",
    }
    en = {
        "title": "Procurement compliance report",
        "counts": "Row balance",
        "balance": "Every row read is either scored, rejected (with its reason), or merged into the contract "
                   "it repeats.",
        "rules": "Rules",
        "rule": "Rule", "kind": "Kind",
        "orders": "Orders", "id": "Id", "where": "Source", "buyer": "Buyer",
        "object": "Object", "supplier": "Supplier", "amount": "Amount excl. VAT", "findings": "Findings",
        "hidden": "more orders are in results.json",
        "rejected": "Rejected rows", "reason": "Reason", "column": "Column", "value": "Value",
        "none_rejected": "No row rejected.",
        "warnings": "Warnings", "inputs": "Files read", "rulebook": "Rulebook",
        "generated": "Generated on", "tool": "Tool", "rows": "rows",
    }
    return en if lang == "en" else fr


def write_html(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    target = out_dir / "report.html"
    html = environment().get_template("report.html").render(**view_model(run, lang))
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
