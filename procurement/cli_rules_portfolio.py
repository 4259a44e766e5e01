"""The portfolio rules (RISK-02, possible splitting) in `procurement rules list` and `rules explain`.

RISK-02 is not in the YAML rulebook: `procurement score` runs it over the whole batch
(procurement/portfolio.py), and every run lists it among its rules (meta.rules, report.html,
results.xlsx). `procurement rules` shows it too, from its metadata (procurement/portfolio_rules.py) and
its thresholds (procurement/portfolio_thresholds.py), marked as a portfolio rule.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME
from procurement.portfolio_findings import is_selected
from procurement.portfolio_rules import RULES
from procurement.typography import colon

WORDS = {
    "fr": {"portfolio": "règle de portefeuille, évaluée par procurement score sur le lot entier",
           "plus": "plus {n} règle{s} de portefeuille",
           "note": "{ids}{c}règle{s} de portefeuille, évaluée{s} par procurement score sur le lot entier et non "
                   "commande par commande ; absente{s} du référentiel YAML (procurement rules explain {first}).",
           "groups": "Regroupement", "thresholds": "Seuils (hors taxes, selon la date de lancement)",
           "data": "Données nécessaires", "since": "depuis le {start}", "period": "du {start} au {end}",
           "levels": {"dispensation": "dispense (R2122-8)", "eu": "européen"},
           "types": {"travaux": "travaux", "fournitures_services": "fournitures et services"}},
    "en": {"portfolio": "portfolio rule, run by procurement score over the whole batch",
           "plus": "plus {n} portfolio rule{s}",
           "note": "{ids}{c}portfolio rule{s}, run by procurement score over the whole batch, not order by "
                   "order; not in the YAML rulebook (procurement rules explain {first}).",
           "groups": "Groups", "thresholds": "Thresholds (excl. VAT, by launch date)", "data": "Data needed",
           "since": "from {start}", "period": "{start} to {end}",
           "levels": {"dispensation": "dispensation (R2122-8)", "eu": "EU"},
           "types": {"travaux": "works", "fournitures_services": "supplies and services"}},
}


def portfolio_ids(book: Any) -> list[str]:
    """The portfolio rules `procurement score` runs with this rulebook and its --select/--ignore (a rule
    the rulebook itself defines under the same id is the rulebook's)."""
    own = {r.id for r in book.rules}
    return [rid for rid in RULES if rid not in own and is_selected(book, rid)]


def list_rows(ids: list[str], lang: str) -> list[tuple[str, str, str, str]]:
    """The rows of `rules list` for these portfolio rules: id, kind, chantiers, title."""
    return [(rid, i18n.label(RULES[rid]["kind"], lang), ",".join(map(str, RULES[rid]["chantiers"])),
             RULES[rid]["title"][lang]) for rid in ids]


def list_header_suffix(ids: list[str], lang: str) -> str:
    """« , plus 1 règle de portefeuille » after the rulebook's count; empty when none is listed."""
    if not ids:
        return ""
    return ", " + WORDS[lang]["plus"].format(n=len(ids), s="s" if len(ids) > 1 else "")


def list_note(ids: list[str], lang: str) -> list[str]:
    """The line under the table that says what a portfolio rule is."""
    if not ids:
        return []
    text = WORDS[lang]["note"].format(ids=", ".join(ids), c=colon(lang), s="s" if len(ids) > 1 else "",
                                      first=ids[0])
    return ["", *textwrap.wrap(text, 110, subsequent_indent="  ")]


def explain_lines(rule_id: str, lang: str, wrap: Any, rule_words: Mapping[str, str]) -> list[str]:
    """The text of `rules explain` for a portfolio rule: tags, why, legal basis, how groups are formed,
    thresholds, data needed and advice. `wrap` and `rule_words` are those of the rulebook's rules."""
    from procurement.portfolio_thresholds import threshold_table

    meta, w, r = RULES[rule_id], WORDS[lang], rule_words
    tags = [i18n.label(meta["kind"], lang), f"{r['severity']} {i18n.label(meta['severity'], lang)}",
            f"{r['chantiers']} " + ", ".join(map(str, meta["chantiers"])), w["portfolio"]]
    out = [f"{rule_id} — {meta['title'][lang]}", "  " + " · ".join(tags), "",
           r["why"], *wrap(meta["why"][lang]), "", r["legal"]]
    for ref in meta["legal_ref"]:
        date = i18n.fmt_date(_date(ref["date"]), lang) if ref.get("date") else ""
        bits = [ref["text"], f"art. {ref['article']}" if ref.get("article") else "", date]
        recalled = f" ({r['recalled']})" if ref["confidence"] == "recalled" else ""
        out.append("  - " + ", ".join(b for b in bits if b) + recalled)
        if ref.get("url"):
            out.append(f"    {ref['url']}")
    out += ["", w["groups"], *wrap(meta["groups"][lang]), "", w["thresholds"]]
    rows = []
    for t in sorted(threshold_table(), key=lambda t: (t.level != "dispensation", t.contract_type, t.start)):
        start = i18n.fmt_date(t.start, lang)
        period = (w["period"].format(start=start, end=i18n.fmt_date(t.end, lang)) if t.end
                  else w["since"].format(start=start))
        rows.append((w["levels"][t.level], w["types"][t.contract_type], period,
                     i18n.fmt_money(t.amount, lang, 0), r["recalled"] if t.confidence == "recalled" else ""))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    out += ["  " + "  ".join(v.ljust(n) for v, n in zip(row[:3], widths, strict=False)) + "  "
            + row[3].rjust(widths[3]) + (f"  ({row[4]})" if row[4] else "") for row in rows]
    data = ", ".join(f"{FIELDS_BY_NAME[f].header(lang)} [{f}]" for f in meta["fields"])
    out += ["", w["data"], *wrap(data), "", r["advice"], *wrap(meta["advice"][lang])]
    return out


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)
