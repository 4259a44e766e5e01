"""The Markdown catalogue of a rulebook: every rule's what, why, legal basis, data and examples.

Generated, never edited: docs/rules-catalogue.md is this text, and a test compares the two, so the
output is deterministic (no date, no absolute path).
"""

from __future__ import annotations

from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME
from procurement.rulebook import CompiledRulebook
from procurement.rulebook.render import choice_value, format_value, note_text

CATALOGUE_WORDS = {
    "en": {"heading": "Rules catalogue", "generated": "Generated from `{source}` by `procurement rules --lang en "
           "catalogue` (or `python scripts/rules_catalogue.py`): do not edit by hand.",
           "summary": "Rulebook `{id}` version {version}: {rules} rules, {examples} examples.",
           "contents": "Contents", "by_chantier": "Rules by chantier", "targets": "Portfolio targets",
           "tables": "Tables", "rules": "Rules", "portfolio": "Portfolio rules",
           "portfolio_intro": "Evaluated over a whole batch by `procurement/portfolio.py`, not order by order: "
                              "the engine cannot see the other orders.",
           "what": "What it checks", "applies": "Applies when", "always": "always", "requires": "Requires",
           "window": "Validity (launch date, else notification date)", "message": "Message on failure",
           "why": "Why", "legal": "Legal basis", "basis": "Basis", "data": "Data needed",
           "data_note": "the fields its conditions read", "measured": "also reported",
           "advice": "Advice", "examples": "Examples", "expect": "Expected", "order": "Order",
           "note": "Note (in French)",
           "recalled": "recalled, to be checked", "verified": "verified", "kind": "Kind", "severity": "severity",
           "weight": "weight", "chantiers": "chantiers", "imperatives": "imperatives", "scope": "stage",
           "id": "Id", "title": "Title", "name": "Name", "value": "Value", "label": "Label", "source": "Source",
           "entries": "Entries", "from": "from", "until": "until", "thresholds": "Thresholds used",
           "level": "Level", "type": "Type", "period": "Period", "amount": "Threshold € HT",
           "confidence": "Confidence", "written": "Catalogue written to {path}", "none": "none", "colon": ":"},
    "fr": {"heading": "Catalogue des règles", "generated": "Généré depuis `{source}` par `procurement rules "
           "catalogue` (ou `python scripts/rules_catalogue.py`) : ne pas modifier à la main.",
           "summary": "Référentiel `{id}` version {version} : {rules} règles, {examples} exemples.",
           "contents": "Sommaire", "by_chantier": "Règles par chantier", "targets": "Objectifs de portefeuille",
           "tables": "Tables", "rules": "Règles", "portfolio": "Règles de portefeuille",
           "portfolio_intro": "Évaluées sur un lot entier par `procurement/portfolio.py`, pas commande par "
                              "commande : le moteur ne voit pas les autres commandes.",
           "what": "Ce qu'elle vérifie", "applies": "S'applique si", "always": "toujours", "requires": "Exige",
           "window": "Validité (date de lancement, sinon de notification)", "message": "Message en cas d'échec",
           "why": "Pourquoi", "legal": "Base légale", "basis": "Référence", "data": "Données nécessaires",
           "data_note": "les champs que lisent ses conditions", "measured": "également rapportés",
           "advice": "Conseil", "examples": "Exemples", "expect": "Attendu", "order": "Commande", "note": "Note",
           "recalled": "de mémoire, à vérifier", "verified": "vérifié", "kind": "Type", "severity": "gravité",
           "weight": "poids", "chantiers": "chantiers", "imperatives": "impératifs", "scope": "étape",
           "id": "Code", "title": "Titre", "name": "Nom", "value": "Valeur", "label": "Libellé", "source": "Source",
           "entries": "Entrées", "from": "à partir du", "until": "jusqu'au", "thresholds": "Seuils utilisés",
           "level": "Niveau", "type": "Type", "period": "Période", "amount": "Seuil € HT",
           "confidence": "Fiabilité", "written": "Catalogue écrit dans {path}", "none": "aucun", "colon": " :"},
}


def _md(text: str) -> str:
    """One paragraph of Markdown: whitespace folded, table pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _anchor(rule_id: str, title: str) -> str:
    import re
    import unicodedata

    text = f"{rule_id} — {title}".lower()
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def catalogue_text(book: CompiledRulebook, lang: str = "en", source: str = "rules/relance-renouveau.yaml") -> str:
    """The Markdown catalogue of a rulebook: one section per rule, then the portfolio rules.

    Deterministic (no date, no absolute path), so that a test can compare it with the committed file.
    """
    from procurement import portfolio

    w = CATALOGUE_WORDS["en" if lang == "en" else "fr"]
    other = "fr" if lang == "en" else "en"
    examples = sum(len(r.examples) for r in book.rules)
    out: list[str] = [f"# {w['heading']} — {getattr(book.title, lang)}", "",
                      f"<!-- {w['generated'].format(source=source)} -->", "",
                      w["summary"].format(id=book.id, version=book.version, rules=len(book.rules), examples=examples),
                      ""]
    out += [f"## {w['contents']}", "", f"| {w['id']} | {w['kind']} | {w['chantiers'].capitalize()} | {w['title']} |",
            "|---|---|---|---|"]
    for r in book.rules:
        title = getattr(r.title, lang)
        out.append(f"| [{r.id}](#{_anchor(r.id, title)}) | {i18n.label(r.kind, lang)} | "
                   f"{', '.join(map(str, r.chantiers))} | {_md(title)} |")
    for rid, meta in portfolio.RULES.items():
        title = meta["title"][lang]
        out.append(f"| [{rid}](#{_anchor(rid, title)}) | {i18n.label(meta['kind'], lang)} | "
                   f"{', '.join(map(str, meta['chantiers']))} | {_md(title)} |")
    out += ["", f"## {w['by_chantier']}", ""]
    for c in range(1, 9):
        ids = [r.id for r in book.rules if c in r.chantiers]
        ids += [rid for rid, meta in portfolio.RULES.items() if c in meta["chantiers"]]
        out.append(f"- **{c}. {i18n.chantier_name(c, lang)}**{w['colon']} {', '.join(ids) or w['none']}")
    if book.targets:
        out += ["", f"## {w['targets']}", "", f"| {w['name']} | {w['value']} | {w['label']} | {w['source']} |",
                "|---|---|---|---|"]
        for name, t in book.targets.items():
            out.append(f"| `{name}` | {t.value:g} {t.unit} | {_md(getattr(t.label, lang))} | {_md(t.source)} |")
    own = sorted(_rulebook_table_names(book))
    if own:
        out += ["", f"## {w['tables']}", "", f"| {w['name']} | {w['entries']} |", "|---|---|"]
        out += [f"| `{name}` | {', '.join(sorted(book.tables[name]))} |" for name in own]
    out += ["", f"## {w['rules']}"]
    for r in book.rules:
        out += _rule_section(book, r, lang, other, w)
    out += ["", f"## {w['portfolio']}", "", w["portfolio_intro"]]
    for rid, meta in portfolio.RULES.items():
        out += _portfolio_section(rid, meta, lang, other, w)
    return "\n".join(out).rstrip() + "\n"


def _rulebook_table_names(book: CompiledRulebook) -> set[str]:
    """Tables written in the rulebook (not the built-in ones the compiler adds)."""
    from procurement.rulebook import builtin_tables

    builtin = builtin_tables()
    return {n for n, v in book.tables.items() if n not in builtin or builtin[n] != v}


def _ref_line(ref: Any, lang: str, w: dict[str, str]) -> str:
    bits = [ref.text, f"art. {ref.article}" if ref.article else "",
            format_value(ref.date, None, lang) if ref.date else ""]
    line = ", ".join(_md(b) for b in bits if b)
    if ref.url:
        line += f" — <{ref.url}>"
    line += f" — *{w['recalled'] if ref.confidence == 'recalled' else w['verified']}*"
    if ref.note:
        line += f". {_md(note_text(ref.note, lang))}"
    return f"- {line}"


def _rule_section(book: CompiledRulebook, rule: Any, lang: str, other: str, w: dict[str, str]) -> list[str]:
    src = rule.source
    tags = [i18n.label(rule.kind, lang), f"{w['severity']} {i18n.label(rule.severity, lang)}",
            f"{w['weight']} {rule.weight:g}",
            f"{w['chantiers']} {', '.join(map(str, rule.chantiers))}"]
    if src.imperatives:
        tags.append(f"{w['imperatives']} " + ", ".join(i18n.label(i, lang) for i in src.imperatives))
    tags.append(f"{w['scope']} " + ", ".join(i18n.label(s, lang) for s in src.scopes))
    out = ["", f"### {rule.id} — {_md(getattr(src.title, lang))}", "", f"*{_md(getattr(src.title, other))}*", "",
           " · ".join(tags), "", f"**{w['what']}**", ""]
    if src.since or src.until:
        parts = [f"{w['from']} {format_value(src.since, None, lang)}" if src.since else "",
                 f"{w['until']} {format_value(src.until, None, lang)}" if src.until else ""]
        out += [f"{w['window']}{w['colon']} " + " ".join(p for p in parts if p), ""]
    applies = rule.applies.describe(lang) if rule.applies else [w["always"]]
    c = w["colon"]
    out += [f"{w['applies']}{c}", "", "```text", *applies, "```", "", f"{w['requires']}{c}", "", "```text",
            *rule.require.describe(lang), "```", "", f"{w['message']}{c} {_md(getattr(src.message, lang))}", "",
            f"**{w['why']}**", "", _md(getattr(src.why, lang)), ""]
    if src.legal_ref:
        out += [f"**{w['legal'] if rule.kind == 'legal' else w['basis']}**", ""]
        out += [_ref_line(ref, lang, w) for ref in src.legal_ref]
        out.append("")
    fields = list(rule.condition_fields())
    if src.since or src.until:
        fields = ["launch_date", "notification_date", *fields]
    fields = list(dict.fromkeys(fields))
    data = ", ".join(f"`{f}` ({_md(FIELDS_BY_NAME[f].header(lang))})" for f in fields)
    extra = [m for m in rule.measure if m not in fields]
    out += [f"**{w['data']}** ({w['data_note']}){c} {data}."]
    if extra:
        out[-1] += f" {w['measured'].capitalize()}{c} " + ", ".join(f"`{m}`" for m in extra) + "."
    out += ["", f"**{w['advice']}**", "", _md(getattr(src.advice, lang))]
    if src.examples:
        # the notes are French (`note_text`): in English the column's header says so, not each row
        out += ["", f"**{w['examples']}**", "", f"| {w['expect']} | {w['order']} | {w['note']} |", "|---|---|---|"]
        for ex in src.examples:
            order = ", ".join(f"{k}={choice_value(v, k, field_kind(k), lang)}" for k, v in ex.order.items()) or "{}"
            if ex.format:  # read from DECP or OCDS (schema.Example)
                order = f"format={ex.format.upper()}" + (f", {order}" if ex.order else "")
            out.append(f"| {i18n.label(ex.expect, lang)} | {_md(order)} | {_md(ex.note or '')} |")
    return out


def _portfolio_section(rule_id: str, meta: Any, lang: str, other: str, w: dict[str, str]) -> list[str]:
    from types import SimpleNamespace

    from procurement import portfolio
    from procurement.cli_rules_portfolio import WORDS as PORTFOLIO_WORDS

    tags = [i18n.label(meta["kind"], lang), f"{w['severity']} {i18n.label(meta['severity'], lang)}",
            f"{w['chantiers']} {', '.join(map(str, meta['chantiers']))}"]
    out = ["", f"### {rule_id} — {_md(meta['title'][lang])}", "", f"*{_md(meta['title'][other])}*", "",
           " · ".join(tags), "", f"**{w['what']}**", "", _md(meta["groups"][lang]), "",
           f"**{w['why']}**", "", _md(meta["why"][lang]), "", f"**{w['legal']}**", ""]
    for ref in meta["legal_ref"]:
        date = ref.get("date")
        out.append(_ref_line(SimpleNamespace(text=ref["text"], article=ref.get("article"),
                                             date=_date(date) if date else None, url=ref.get("url"),
                                             confidence=ref["confidence"], note=ref.get("note")), lang, w))
    data = ", ".join(f"`{f}` ({_md(FIELDS_BY_NAME[f].header(lang))})" for f in meta["fields"])
    out += ["", f"**{w['data']}**{w['colon']} {data}.", "", f"**{w['thresholds']}**", "",
            f"| {w['level']} | {w['type']} | {w['period']} | {w['amount']} | {w['confidence']} |",
            "|---|---|---|---|---|"]
    names = PORTFOLIO_WORDS[lang]  # a level and a contract type by their labels, as `rules explain RISK-02`
    for t in portfolio.threshold_table():
        period = f"{format_value(t.start, None, lang)} – {format_value(t.end, None, lang) if t.end else '…'}"
        confidence = w["recalled"] if t.confidence == "recalled" else w["verified"]
        out.append(f"| {names['levels'][t.level]} | {names['types'][t.contract_type]} | {period} | "
                   f"{format_value(t.amount, None, lang)} | {confidence} |")
    out += ["", f"**{w['advice']}**", "", _md(meta["advice"][lang])]
    return out


def _date(text: str) -> Any:
    import datetime as dt

    return dt.date.fromisoformat(text)


def field_kind(name: str) -> Any:
    """So that an example's value is shown as the rules read it (a date as a date); None for unknown fields."""
    f = FIELDS_BY_NAME.get(name)
    return f.kind if f else None
