"""check.html: check.json's data formatted for the page; the template only lays it out.

Every string the template prints is made here (labels, numbers, dates in the page's language), so that
the template holds no logic and check.json stays free of presentation. Values are formatted by
`views.common.fmt_value`, as on the order pages, so that one amount reads the same everywhere.

The comparison has one row per bid and one column per declared value and chantier: its width depends on
the rulebook, never on the number of bids (one column per bid made a 300-bid tender 37,000 px wide). A
text from the workbook (a bidder's name, the tender's object) is clipped to CLIP characters where it
labels a row or a heading; the whole text is one link away, in the bid's details (its row links to them)
or the tender's facts, and in the title of an unattached bid's name, which has no details.
"""

from __future__ import annotations

from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME
from procurement.views.common import fmt_value

# A label clipped beyond this many characters: a bidder's name rarely passes 60, and a row or heading of
# 2,000 characters hides the table it labels.
CLIP = 60

TENDER_FACTS = ("buyer_name", "object", "nature", "procedure", "cpv", "amount", "launch_date", "place_code", "lots",
                "env_considerations", "social_considerations", "award_criteria", "price_weight", "env_weight")

WORDS = {
    "fr": {
        "title": "Vérification d'une consultation avant attribution", "notice_title": "À lire avant tout",
        "colon": "\u00a0: ", "lq": "«\u00a0", "rq": "\u00a0»",
        "summary": "Synthèse", "file": "Classeur", "generated": "Généré le",
        "legal_failures": "obligations légales non respectées", "risk_failures": "risques juridiques relevés",
        "kpi_failures": "indicateurs non atteints (consultation et offres)",
        "tenders": "consultations", "bids": "offres comparées", "rejected": "lignes rejetées",
        "exit": "Statut de sortie {code} (seuil --fail-on {level}).",
        "tender": "Consultation", "facts": "Données de la consultation",
        "legal": "Obligations légales et risques juridiques",
        "legal_none": "Aucune obligation légale ni aucun risque du référentiel ne s'applique à cette consultation "
                      "avec les données fournies.",
        "indicators": "Indicateurs de la politique d'achat (consultation)",
        "missing": "Données manquantes de la consultation",
        "missing_hint": "Renseignez-les dans la feuille « Consultation » pour que ces règles puissent être évaluées.",
        "rule": "Règle", "status": "Statut", "message": "Constat", "advice": "Conseil", "basis": "Base",
        "field": "Donnée", "rules": "Règles concernées",
        "comparison": "Comparaison des offres", "no_bids": "Aucune offre rattachée à cette consultation.",
        "bid": "Offre", "supplier": "Candidat", "declared": "Valeurs déclarées",
        "chantiers": "Score par chantier (0-100)", "overall": "Score global des indicateurs",
        "completeness": "Complétude des données", "met": "Indicateurs atteints", "failed": "Indicateurs non atteints",
        "lacks": "Ce que l'offre ne renseigne pas", "none": "—", "not_given": "non renseigné",
        "no_bid_rules": "Aucun indicateur du référentiel ne s'applique à ces offres avant attribution : seules "
                        "les valeurs déclarées sont présentées.",
        "uncovered": "Chantiers sans indicateur applicable aux offres : {list}.",
        "not_declared_any": "Valeurs qu'aucune offre ne déclare : {list}.",
        "details": "Détail par offre", "blocking": "nécessaire à", "declared_by_others": "déclaré par d'autres offres",
        "all_good": "Rien ne manque et aucun indicateur n'est manqué.",
        "warnings": "Avertissements", "unattached": "Offres non rattachées à une consultation",
        "rejected_bids": "Offres rejetées, absentes de la comparaison (à corriger)",
        "waived": "constats couverts par une dérogation",
        "rejected_rows": "Lignes rejetées", "where": "Origine", "column": "Colonne", "value": "Valeur",
        "reason": "Motif", "none_rejected": "Aucune ligne rejetée.", "row": "ligne",
        "tool": "Outil", "rulebook": "Référentiel", "inputs": "Feuilles lues", "rows": "lignes",
        "location_note": "La localisation des candidats (code postal, distance au lieu d'exécution) n'est pas "
                         "comparée.",
    },
    "en": {
        "title": "Checking a tender before award", "notice_title": "Read this first",
        "colon": ": ", "lq": "'", "rq": "'",
        "summary": "Summary", "file": "Workbook", "generated": "Generated on",
        "legal_failures": "legal obligations not met", "risk_failures": "legal risks found",
        "kpi_failures": "indicators not met (tender and bids)",
        "tenders": "tenders", "bids": "bids compared", "rejected": "rows rejected",
        "exit": "Exit status {code} (--fail-on {level}).",
        "tender": "Tender", "facts": "Tender data",
        "legal": "Legal obligations and legal risks",
        "legal_none": "No legal obligation or risk of the rulebook applies to this tender with the data given.",
        "indicators": "Purchasing-policy indicators (tender)",
        "missing": "Missing tender data",
        "missing_hint": "Fill them in on the 'Tender' sheet so that these rules can be evaluated.",
        "rule": "Rule", "status": "Status", "message": "Finding", "advice": "Advice", "basis": "Basis",
        "field": "Value", "rules": "Rules concerned",
        "comparison": "Bids side by side", "no_bids": "No bid attached to this tender.",
        "bid": "Bid", "supplier": "Bidder", "declared": "Declared values",
        "chantiers": "Score per chantier (0-100)", "overall": "Overall indicator score",
        "completeness": "Data completeness", "met": "Indicators met", "failed": "Indicators not met",
        "lacks": "What the bid does not give", "none": "—", "not_given": "not given",
        "no_bid_rules": "No pre-award indicator of the rulebook applies to these bids: only the declared values "
                        "are shown.",
        "uncovered": "Chantiers without an indicator for bids: {list}.",
        "not_declared_any": "Values no bid declares: {list}.",
        "details": "Bid by bid", "blocking": "needed by", "declared_by_others": "declared by other bids",
        "all_good": "Nothing is missing and every indicator is met.",
        "warnings": "Warnings", "unattached": "Bids not attached to a tender",
        "rejected_bids": "Bids rejected, left out of the comparison (to fix)",
        "waived": "findings covered by a waiver",
        "rejected_rows": "Rejected rows", "where": "Source", "column": "Column", "value": "Value",
        "reason": "Reason", "none_rejected": "No row rejected.", "row": "row",
        "tool": "Tool", "rulebook": "Rulebook", "inputs": "Sheets read", "rows": "rows",
        "location_note": "The bidders' location (postcode, distance to the place of performance) is not compared.",
    },
}


def _score(value: float | None, lang: str) -> str:
    return "—" if value is None else i18n.fmt_number(value, lang, 0)


def _header(name: str, lang: str) -> str:
    """A missing field as the buyer fills it: a derived one names the columns it comes from."""
    from procurement.enrich import DERIVED_FROM

    text = FIELDS_BY_NAME[name].header(lang) if name in FIELDS_BY_NAME else name
    sources = DERIVED_FROM.get(name)
    if sources:
        named = ", ".join(FIELDS_BY_NAME[f].header(lang) for f in sources)
        text += f" (deduced from: {named})" if lang == "en" else f" (déduit de : {named})"
    return text


def _summary_view(s: dict[str, Any], lang: str) -> dict[str, Any]:
    refs = []
    for ref in s["legal_ref"]:
        text = ref["text"] + (f", art. {ref['article']}" if ref.get("article") else "")
        refs.append({"text": text, "url": ref.get("url")})
    return {**s, "status_label": i18n.label(s["status"], lang), "kind_label": i18n.label(s["kind"], lang),
            "missing_labels": [_header(m, lang) for m in s["missing"]], "refs": refs}


def clip(text: str | None, limit: int = CLIP) -> dict[str, Any]:
    """A workbook text where it labels a row or a heading: at most `limit` characters (cut at a space when
    one is near), and the whole text (`full`) when it was cut."""
    full = text or ""
    flat = " ".join(full.split())
    if len(flat) <= limit:
        return {"text": flat, "full": None}
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return {"text": cut.rstrip(" ,;:.-") + "…", "full": full}


def _bid_view(b: dict[str, Any], rules: dict[str, Any], lang: str) -> dict[str, Any]:
    lacks = [{"label": _header(m["field"], lang), "rules": m["rules"], "blocking": True} for m in b["missing"]]
    blocking = {m["field"] for m in b["missing"]}
    lacks += [{"label": _header(n, lang), "rules": [], "blocking": False} for n in b["not_declared"]
              if n not in blocking]
    messages = {f["rule"]: f.get("message", "") for f in b["findings"]}
    scores = b["scores"]
    return {
        "id": b["id"],
        "supplier": b["supplier"] or "",
        "name": clip(b["supplier"]),
        "where": _where(b["source"], lang),
        "failed": [{"rule": r, "title": rules[r]["title"], "message": messages.get(r, "")} for r in b["failed"]],
        "met": b["met"],
        "lacks": lacks,
        "warnings": b["warnings"],
        "overall": _score(scores["overall"], lang),
        "completeness": "—" if scores["completeness"] is None else i18n.fmt_percent(100 * scores["completeness"], lang),
    }


def _where(source: dict[str, Any], lang: str) -> str:
    parts = [str(source.get("sheet") or source.get("file"))]
    if source.get("row"):
        parts.append(f"{WORDS[lang]['row']} {source['row']}")
    return " · ".join(parts)


def _level(score: float | None) -> str | None:
    return None if score is None else "good" if score >= 80 else "mid" if score >= 50 else "low"


def _comparison(comparison: dict[str, Any], bids: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The comparison as the page lays it out: a column per declared value and per chantier, a row per bid."""
    values, chantiers = comparison["values"], comparison["chantiers"]
    rows = []
    for i, bid in enumerate(bids):
        rows.append({
            "bid": bid,
            "cells": [{"text": fmt_value(v["values"][i], v["field"], lang), "missing": v["values"][i] is None}
                       for v in values],
            "scores": [{"text": _score(c["scores"][i], lang), "level": _level(c["scores"][i])} for c in chantiers],
        })
    return {
        "header_rows": 2 if values or chantiers else 1,  # a second row names the grouped columns, if any
        "value_columns": [_header(v["field"], lang) for v in values],
        "chantier_columns": [f"{c['chantier']}. {i18n.chantier_name(c['chantier'], lang)}" for c in chantiers],
        "rows": rows,
    }


def view_model(data: dict[str, Any]) -> dict[str, Any]:
    """check.json's data, formatted for the page: every string the template prints is made here."""
    lang = data["lang"]
    t = WORDS[lang]
    rules = data["rules"]
    tenders = []
    for tender in data["tenders"]:
        d = tender["data"]
        comparison = tender["comparison"]
        bids = [_bid_view(b, rules, lang) for b in tender["bids"]]
        tenders.append({
            "id": tender["id"],
            "heading": clip(d.get("object", ""), 2 * CLIP),
            "where": _where(tender["source"], lang),
            "facts": [(_header(n, lang), "—" if d.get(n) is None else fmt_value(d[n], n, lang))
                      for n in TENDER_FACTS],
            "legal": [_summary_view(s, lang) for s in tender["legal"]],
            "indicators": [_summary_view(s, lang) for s in tender["indicators"]],
            "missing": [{"label": _header(m["field"], lang), "rules": ", ".join(m["rules"])}
                        for m in tender["missing"]],
            "warnings": tender["warnings"],
            "rejected_bids": [{"where": _where(r["source"], lang), "message": r["message"]}
                              for r in tender.get("rejected_bids", [])],
            "bids": bids,
            "table": _comparison(comparison, bids, lang),
            "has_bid_rules": bool(comparison["chantiers"]),
            "uncovered": ", ".join(str(c) for c in comparison["chantiers_without_indicator"]),
            "not_declared_any": ", ".join(_header(n, lang) for n in comparison["not_declared_by_any"]),
        })
    verdict = data["verdict"]
    failures = verdict["failures"]
    return {
        "lang": lang,
        "t": t,
        "notice": data["notice"],
        "meta": data["meta"],
        "summary": [
            (failures["legal"], t["legal_failures"], "fail" if failures["legal"] else "pass"),
            (failures["risk"], t["risk_failures"], "fail" if failures["risk"] else "pass"),
            (failures["kpi"], t["kpi_failures"], "info"),
            (verdict["tenders"], t["tenders"], "info"),
            (verdict["bids"], t["bids"], "info"),
            (verdict["rejected"], t["rejected"], "fail" if verdict["rejected"] else "info"),
            *([(verdict["waived"], t["waived"], "waived")] if "waivers" in data["meta"] else []),
        ],
        "exit_line": t["exit"].format(code=verdict["exit_status"], level=verdict["fail_on"]),
        "tenders": tenders,
        "unattached": [_bid_view(b, rules, lang) for b in data["unattached_bids"]],
        "rejected": [{**r, "where": _where(r["source"], lang)} for r in data["rejected"]],
    }


def render_html(data: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("procurement", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("check.html").render(**view_model(data))

