"""What results.xlsx says of each rule beside its verdicts: its legal basis, and how the verdicts of a rule
the batch adds (RISK-02, one per flagged group) are counted.

Why: an auditor reading one rule sheet must see on what text the verdicts rest, without the rulebook or
`procurement rules explain` at hand. So each rule sheet names its legal references in its first row,
beside the rule's title (rows 1-2 stay frozen on screen: the references stay in view), and « Lisez-moi »
lists every reference in full (text, article, date, confidence, link, note), once per rule, never per
finding. RISK-02 is judged over the batch and may give an order several verdicts, one per group; each
counts in the scores and in « Règles : non conforme », so the results sheet gives their number, and
« Lisez-moi » says so.

The read-me sheet itself is `xlsx_readme.write_readme`'s, which lists the rulebook's rules: `Listed` shows
it the workbook's rules (RISK-02 included) and the section below is appended after its last one.
"""

from __future__ import annotations

from typing import Any

from procurement import i18n
from procurement.rulebook.render import note_text
from procurement.write.xlsx_cells import HEADER_FILL, safe_value, styled

WORDS = {
    "fr": {
        "legal": "Fondement juridique",
        "none": "aucun texte cité par le référentiel",
        "recalled": "cité de mémoire, à vérifier",
        "verified": "vérifié",
        "details": "liens et notes : « Lisez-moi », section « {section} »",
        "section": "Fondements juridiques des règles",
        "head": ("Règle", "Texte et article", "Date d'effet ou de décision", "Confiance", "Lien"),
        "note": "Note",
        "groups": "{id} : groupes",
        # (one, many): « elle s'ajoute à 1 règle du référentiel », « aux 38 règles »
        "added": ("{id} : règle de portefeuille, jugée sur l'ensemble du lot et non commande par commande ; elle "
                  "s'ajoute à {n} règle du référentiel. Ses groupes, avec toutes leurs commandes, sont dans "
                  "results.json (« portfolio »).",
                  "{id} : règle de portefeuille, jugée sur l'ensemble du lot et non commande par commande ; elle "
                  "s'ajoute aux {n} règles du référentiel. Ses groupes, avec toutes leurs commandes, sont dans "
                  "results.json (« portfolio »)."),
        "groups_text": "Nombre de groupes signalés par {id} (même acheteur, classe CPV, type de marché, année et "
                       "seuil) qui concernent la ligne ; la colonne « {id} » donne leur statut. La règle compte une "
                       "fois dans les colonnes « Règles : … » et dans les scores, quel que soit le nombre de ses "
                       "groupes (non conforme si l'un l'est) ; chaque groupe a sa ligne dans la feuille « {id} ».",
    },
    "en": {
        "legal": "Legal basis",
        "none": "no text cited by the rulebook",
        "recalled": "recalled, to be checked",
        "verified": "verified",
        "details": "links and notes: “Read me”, section “{section}”",
        "section": "Legal basis of the rules",
        "head": ("Rule", "Text and article", "Date of effect or decision", "Confidence", "Link"),
        "note": "Note",
        "groups": "{id}: groups",
        "added": ("{id}: portfolio rule, judged over the whole batch, not order by order; it comes on top of the "
                  "{n} rule of the rulebook. Its groups, with all their orders, are in results.json ('portfolio').",
                  "{id}: portfolio rule, judged over the whole batch, not order by order; it comes on top of the "
                  "{n} rules of the rulebook. Its groups, with all their orders, are in results.json ('portfolio')."),
        "groups_text": "Number of groups flagged by {id} (same buyer, CPV class, contract type, year and "
                       "threshold) the row belongs to; column “{id}” gives their status. The rule counts once "
                       "in the “Rules: …” columns and in the scores, whatever the number of its groups (failed "
                       "if one is); each group has its row in sheet “{id}”.",
    },
}


def words(lang: str) -> dict[str, Any]:
    return WORDS["en" if lang == "en" else "fr"]


def refs(rule: Any) -> tuple[Any, ...]:
    source = getattr(rule, "source", None)
    return tuple(getattr(source, "legal_ref", None) or ())


def reference(ref: Any) -> str:
    return ref.text + (f", art. {ref.article}" if ref.article else "")


def legal_line(rule: Any, lang: str) -> str:
    """The rule's references on one line, for the rule sheet's first row: text, article, date, and a
    reference recalled rather than read said so; the links are in « Lisez-moi »."""
    w = words(lang)
    parts = []
    for ref in refs(rule):
        text = reference(ref)
        if ref.date:
            text += f" ({i18n.fmt_date(ref.date, lang)})"
        if ref.confidence == "recalled":
            text += f" [{w['recalled']}]"
        parts.append(text)
    colon, semicolon = (": ", "; ") if lang == "en" else (" : ", " ; ")
    body = semicolon.join(parts) if parts else w["none"]
    return f"{w['legal']}{colon}{body} — {w['details'].format(section=w['section'])}"


def groups_header(rule_id: str, lang: str) -> str:
    return words(lang)["groups"].format(id=rule_id)


class _Book:
    def __init__(self, book: Any, rules: list[Any]):
        self._book, self.rules = book, rules

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)


class Listed:
    """`run` with the workbook's rules as its rulebook's rules, for `xlsx_readme.write_readme`."""

    def __init__(self, run: Any, rules: list[Any]):
        self._run, self.rulebook = run, _Book(run.rulebook, rules)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._run, name)


def write_legal_section(ws: Any, rules: list[Any], added: list[Any], n_rulebook: int, lang: str) -> None:
    """Appended to « Lisez-moi »: the columns of the rules the batch adds, then every rule's references."""
    w = words(lang)
    for rule in added:
        ws.append([])
        ws.append([styled(ws, groups_header(rule.id, lang), bold=True),
                   styled(ws, w["groups_text"].format(id=rule.id), wrap=True)])
        text = i18n.plural(n_rulebook, *w["added"], lang).format(id=rule.id, n=n_rulebook)
        ws.append([styled(ws, rule.id, bold=True), styled(ws, text, wrap=True)])
    ws.append([])
    ws.append([styled(ws, w["section"], bold=True, white=True, fill=HEADER_FILL)])
    ws.append([styled(ws, h, bold=True) for h in w["head"]])
    for rule in rules:
        found = refs(rule)
        if not found:
            ws.append([safe_value(ws, rule.id), w["none"]])
        for ref in found:
            note = note_text(ref.note, lang)
            text = reference(ref) + (f"\n{w['note']}{': ' if lang == 'en' else ' : '}{note}" if note else "")
            ws.append([safe_value(ws, rule.id), styled(ws, text, wrap=True),
                       i18n.fmt_date(ref.date, lang) if ref.date else None,
                       styled(ws, w["recalled"] if ref.confidence == "recalled" else w["verified"], wrap=True),
                       safe_value(ws, ref.url) if ref.url else None])
