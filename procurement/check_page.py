"""check.html: check.json's data formatted for the page; the template only lays it out.

Every string the template prints is made here (labels, numbers, dates in the page's language), so that
the template holds no logic and check.json stays free of presentation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.rulebook.render import choice_text

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


def fmt_value(name: str, value: object, lang: str) -> str:
    """One declared value as the page shows it, per field kind and language."""
    if value is None:
        return "—"
    f = FIELDS_BY_NAME.get(name)
    kind = f.kind if f else None
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(name, v, lang) for v in value)
    if kind in (Kind.ENUM, Kind.ENUM_SET):
        return choice_text(name, str(value), lang)
    if kind is Kind.MONEY:
        return i18n.fmt_money(float(value), lang)  # type: ignore[arg-type]
    if kind is Kind.PERCENT:
        return i18n.fmt_percent(float(value), lang, 0 if float(value).is_integer() else 1)  # type: ignore[arg-type]
    if kind is Kind.DATE:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return i18n.fmt_date(day, lang)
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("oui" if value else "non")
    if isinstance(value, int | float):
        number = float(value)
        return i18n.fmt_number(number, lang, 0 if number.is_integer() else 1)
    return str(value)


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


def _bid_view(b: dict[str, Any], lang: str) -> dict[str, Any]:
    lacks = [{"label": _header(m["field"], lang), "rules": m["rules"], "blocking": True} for m in b["missing"]]
    blocking = {m["field"] for m in b["missing"]}
    lacks += [{"label": _header(n, lang), "rules": [], "blocking": False} for n in b["not_declared"]
              if n not in blocking]
    scores = b["scores"]
    return {
        "id": b["id"],
        "supplier": b["supplier"] or "",
        "where": _where(b["source"], lang),
        "failed": [_summary_view(f, lang) for f in b["failed"]],
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


def view_model(data: dict[str, Any]) -> dict[str, Any]:
    """check.json's data, formatted for the page: every string the template prints is made here."""
    lang = data["lang"]
    t = WORDS[lang]
    tenders = []
    for tender in data["tenders"]:
        d = tender["data"]
        comparison = tender["comparison"]
        bids = [_bid_view(b, lang) for b in tender["bids"]]
        rows_values = [
            {"label": _header(v["field"], lang),
             "cells": [{"text": fmt_value(v["field"], x, lang), "missing": x is None} for x in v["values"]]}
            for v in comparison["values"]
        ]
        rows_chantiers = [
            {"label": f"{c['chantier']}. {i18n.chantier_name(c['chantier'], lang)}",
             "cells": [{"text": _score(x, lang), "missing": x is None,
                        "level": None if x is None else ("good" if x >= 80 else "mid" if x >= 50 else "low")}
                       for x in c["scores"]]}
            for c in comparison["chantiers"]
        ]
        tenders.append({
            "id": tender["id"],
            "object": d.get("object", ""),
            "where": _where(tender["source"], lang),
            "facts": [(_header(n, lang), fmt_value(n, d.get(n), lang)) for n in TENDER_FACTS],
            "legal": [_summary_view(s, lang) for s in tender["legal"]],
            "indicators": [_summary_view(s, lang) for s in tender["indicators"]],
            "missing": [{"label": _header(m["field"], lang), "rules": ", ".join(m["rules"])}
                        for m in tender["missing"]],
            "warnings": tender["warnings"],
            "rejected_bids": [{"where": _where(r["source"], lang), "message": r["message"]}
                              for r in tender.get("rejected_bids", [])],
            "bids": bids,
            "rows_values": rows_values,
            "rows_chantiers": rows_chantiers,
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
        "unattached": [_bid_view(b, lang) for b in data["unattached_bids"]],
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

