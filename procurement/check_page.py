"""check.html: check.json's data formatted for the page; the template only lays it out.

Every string the template prints is made here (labels, numbers, dates in the page's language), so that
the template holds no logic and check.json stays free of presentation. Values are formatted by
`views.common.fmt_value`, as on the order pages, so that one amount reads the same everywhere.

The comparison has one row per bid and one column per declared value and chantier: its width depends on
the rulebook, never on the number of bids (one column per bid made a 300-bid tender 37,000 px wide). A
text from the workbook (a bidder's name, the tender's object) is clipped to CLIP characters where it
labels a row or a heading; the whole text is one link away, in the bid's details (its row links to them)
or the tender's facts, and in the title of an unattached bid's name, which has no details.

The page speaks the buyer's workbook, not the tool: a missing value is named by its column's header and
its cell (`check_labels.Sheet`, as in check.json's messages), a column the reader dropped is said at the
top and where its value is missing, and a consultation whose row was rejected has a section of its own
saying it was not checked. Its French
typography is applied once, at render time (`typo`, Jinja's `finalize`), to every text but the workbook's
references and names (`Verbatim`).
"""

from __future__ import annotations

from typing import Any

from procurement import i18n
from procurement.check_inherit import DIFFERS
from procurement.check_labels import Sheet, header
from procurement.check_words import WORDS
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.i18n import plural
from procurement.model import without_column
from procurement.typography import typo
from procurement.views.common import fixed_assets, fmt_value, one_line, unbroken_dates

# A label clipped beyond this many characters: a bidder's name rarely passes 60, and a row or heading of
# 2,000 characters hides the table it labels.
CLIP = 60

TENDER_FACTS = ("buyer_name", "object", "nature", "procedure", "cpv", "amount", "launch_date", "place_code", "lots",
                "env_considerations", "social_considerations", "award_criteria", "price_weight", "env_weight")
# Facts shown after the field they follow only when the workbook gives them: a column the template has
# not (a warning about a notification date before the launch named a date the page did not show), or the
# kind of the place's code, without which 13001 reads as Aix-en-Provence's INSEE code or Marseille 1er's
# postcode alike.
EXTRA_FACTS = {"notification_date": "launch_date", "place_type": "place_code"}


class Verbatim(str):
    """A text from the workbook or the file system (a name, a reference, a path, a link): printed as it is,
    never respaced by `typo`."""

    __slots__ = ()


def _sentence(text: str, lang: str) -> str:
    """A sentence of the tool or the rulebook, spaced (`typo`) and with its dates kept on one line
    (`unbroken_dates`): « 2026-08- » above « 21 » in a 390 px window. Spaced here, since the template's
    `typo` passes over the markup that keeps a date whole."""
    return unbroken_dates(typo(text, lang))


def _count(n: int, key: str, lang: str) -> str:
    return plural(n, *WORDS[lang][key], lang)


def rule_list(items: list[tuple[str, str]], lang: str, limit: int = 5) -> str:
    """Rules by id, for the summary and the terminal line: "ENV-10, ENV-11" for one consultation; grouped by
    consultation when there are several ("ENV-10, ENV-11 (2026-A) ; ENV-10 (2026-B)"), at most `limit`
    of them and then "…", so that a workbook of fifty consultations does not make a line of fifty groups."""
    groups: dict[str, list[str]] = {}
    for tender, rule in items:
        groups.setdefault(tender, []).append(rule)
    if len(groups) == 1:
        return ", ".join(next(iter(groups.values())))
    semi = "; " if lang == "en" else " ; "
    parts = [f"{', '.join(rules)} ({tender})" for tender, rules in list(groups.items())[:limit]]
    return semi.join(parts) + (f"{semi}…" if len(groups) > limit else "")


def _score(value: float | None, lang: str) -> str:
    return "—" if value is None else i18n.fmt_number(value, lang, 0)


def _summary_view(s: dict[str, Any], lang: str) -> dict[str, Any]:
    """A finding of the consultation as its table shows it, its message check.json's (a missing value named by
    its column and cell: `check_json`). A reference the rulebook recalled rather than read (`confidence:
    recalled`) is marked « [cité de mémoire, à vérifier] », in the words of results.xlsx and the order pages:
    a buyer who quotes an article to a bidder must know it is to be checked."""
    from procurement.views.words import words

    recalled = f"[{words(lang)['recalled']}]"
    refs = []
    for ref in s["legal_ref"]:
        text = ref["text"] + (f", art. {ref['article']}" if ref.get("article") else "")
        refs.append({"text": text, "url": Verbatim(ref["url"]) if ref.get("url") else None,
                     "recalled": recalled if ref.get("confidence") == "recalled" else ""})
    return {**s, "status_label": i18n.label(s["status"], lang), "kind_label": i18n.label(s["kind"], lang),
            "refs": refs, **{k: _sentence(s[k], lang) for k in ("title", "message", "advice") if s.get(k)}}


def clip(text: str | None, limit: int = CLIP) -> dict[str, Any]:
    """A workbook text where it labels a row or a heading: at most `limit` characters (cut at a space when
    one is near), and the whole text (`full`) when it was cut."""
    full = text or ""
    flat = " ".join(full.split())
    if len(flat) <= limit:
        return {"text": Verbatim(flat), "full": None}
    cut = flat[:limit]
    space = cut.rfind(" ")
    if space > limit * 2 // 3:
        cut = cut[:space]
    return {"text": Verbatim(cut.rstrip(" ,;:.-") + "…"), "full": Verbatim(full)}


def _bid_view(b: dict[str, Any], rules: dict[str, Any], sheet: Sheet, lang: str) -> dict[str, Any]:
    row = b["source"].get("row")
    lacks = [{"label": header(m["field"], lang), "cell": sheet.label(m["field"], lang, row), "rules": m["rules"],
              "blocking": True} for m in b["missing"]]
    blocking = {m["field"] for m in b["missing"]}
    lacks += [{"label": header(n, lang), "cell": sheet.label(n, lang, row), "rules": [], "blocking": False}
              for n in b["not_declared"] if n not in blocking]
    # who the bidder is: asked of every bid, though no indicator reads it (check_json.identity_missing)
    lacks += [{"label": header(n, lang), "cell": sheet.label(n, lang, row), "rules": [], "blocking": False,
               "why": WORDS[lang]["identity"][n]} for n in b.get("identity_missing", [])]
    messages = {f["rule"]: f.get("message", "") for f in b["findings"]}
    scores = b["scores"]
    return {
        "id": Verbatim(b["id"]),
        "supplier": Verbatim(b["supplier"] or ""),
        "name": clip(b["supplier"]),
        "where": _where(b["source"], lang),
        # the title is also an <abbr>'s tooltip: plain text
        "failed": [{"rule": r, "title": rules[r]["title"], "message": _sentence(messages.get(r, ""), lang)}
                   for r in b["failed"]],
        "met": b["met"],
        "lacks": lacks,
        "warnings": _notes(b["warnings"], lang),
        "overall": _score(scores["overall"], lang),
        "completeness": "—" if scores["completeness"] is None else i18n.fmt_percent(100 * scores["completeness"], lang),
    }


def _notes(warnings: list[dict[str, Any]], lang: str) -> list[str]:
    """Warnings as sentences, each after its column unless it names it already (or says why a bid is
    attached to nothing, or names its cells: a bid's value set aside for its consultation's, sentences of
    their own)."""
    return [_sentence(w["message"] if not w.get("column") or w["column"] in w["message"] or w["code"] in _OWN_SENTENCE
                      else f"{w['column']}{WORDS[lang]['colon']}{w['message']}", lang) for w in warnings]


_OWN_SENTENCE = ("unattached_bid", DIFFERS)


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
        "value_columns": [header(v["field"], lang) for v in values],
        "chantier_columns": [f"{c['chantier']}. {i18n.chantier_name(c['chantier'], lang)}" for c in chantiers],
        "rows": rows,
    }


def _fact(name: str, value: Any, lang: str) -> dict[str, Any]:
    """A fact of the consultation: a reference as typed, a text spaced; a date or a code on one line
    (`one_line`), where a narrow window broke a date at its hyphen."""
    kind = FIELDS_BY_NAME[name].kind if name in FIELDS_BY_NAME else None
    if value is None:
        return {"label": header(name, lang), "value": "—", "cls": ""}
    text = Verbatim(value) if kind == Kind.CODE else fmt_value(value, name, lang)
    return {"label": header(name, lang), "value": text, "cls": one_line(text) if kind in (Kind.DATE, Kind.CODE) else ""}


def _tender_view(tender: dict[str, Any], rules: dict[str, Any], sheets: tuple[Sheet, Sheet], lang: str
                 ) -> dict[str, Any]:
    d, comparison, row = tender["data"], tender["comparison"], tender["source"].get("row")
    its_bids = sheets[1].of_bids_of(sheets[0], row)  # a value a bid inherits is named by the consultation's cell
    bids = [_bid_view(b, rules, its_bids, lang) for b in tender["bids"]]
    names = list(TENDER_FACTS)
    for extra, after in EXTRA_FACTS.items():
        if d.get(extra) is not None:
            names.insert(names.index(after) + 1, extra)
    return {
        "id": Verbatim(tender["id"]),
        "heading": clip(d.get("object", ""), 2 * CLIP),
        "where": _where(tender["source"], lang),
        "facts": [_fact(n, d.get(n), lang) for n in names],
        "legal": [_summary_view(s, lang) for s in tender["legal"]],
        "indicators": [_summary_view(s, lang) for s in tender["indicators"]],
        "missing": [{"label": sheets[0].label(m["field"], lang, row), "rules": ", ".join(m["rules"])}
                    for m in tender["missing"]],
        "missing_hint": WORDS[lang]["missing_hint"].format(sheet=sheets[0].name),
        "warnings": _notes(tender["warnings"], lang),
        "rejected_bids": [{"where": _where(r["source"], lang), "message": r["message"]}
                          for r in tender.get("rejected_bids", [])],
        "bids": bids,
        "table": _comparison(comparison, bids, lang),
        "has_bid_rules": bool(comparison["chantiers"]),
        "uncovered": ", ".join(str(c) for c in comparison["chantiers_without_indicator"]),
        "not_declared_any": ", ".join(sheets[1].label(n, lang) for n in comparison["not_declared_by_any"]),
    }


def _item(n: int, key: str, cls: str, lang: str, href: str | None = None, rules: str = "") -> dict[str, Any]:
    """One count of the summary: its number, its words agreeing with it, and where the page shows them."""
    label = _count(n, key, lang) + (f"{WORDS[lang]['colon']}{rules}" if rules else "")
    return {"n": n, "label": label, "cls": cls, "href": href}


def _insufficient(tenders: list[dict[str, Any]], kind: str, lang: str) -> list[dict[str, Any]]:
    """The consultations' legal obligations (or risks) left at « données insuffisantes », named and linked to
    the first consultation's legal table, where the cell to fill in is named; nothing when there are none."""
    items, first = [], None
    for i, tender in enumerate(tenders, start=1):
        for f in tender["legal"]:
            if f["kind"] == kind and f["status"] == "insufficient_data":
                items.append((tender["id"], f["rule"]))
                first = first or i
    if not items:
        return []
    return [_item(len(items), f"insufficient_{kind}", "insufficient_data", lang, f"#legal-{first}",
                  rule_list(items, lang))]


def view_model(data: dict[str, Any]) -> dict[str, Any]:
    """check.json's data, formatted for the page: every string the template prints is made here."""
    from procurement.views.common import format_timestamp

    lang = data["lang"]
    t = WORDS[lang]
    rules = data["rules"]
    sheets = (Sheet.of(data, 0), Sheet.of(data, 1))
    verdict = data["verdict"]
    failures = verdict["failures"]
    unchecked = data.get("unchecked_tenders", [])
    tender, bids = verdict["by_part"]["tender"], verdict["by_part"]["bids"]
    waivers = "waivers" in data["meta"]
    # What concerns the consultations, then what concerns the bids, as the terminal line says them: one figure
    # for the indicators (or the rejected rows) of both said neither where to look nor what to do.
    summary = [
        _item(failures["legal"], "legal_failures", "fail" if failures["legal"] else "pass", lang),
        *_insufficient(data["tenders"], "legal", lang),
        _item(failures["risk"], "risk_failures", "fail" if failures["risk"] else "pass", lang),
        *_insufficient(data["tenders"], "risk", lang),
        _item(tender["failures"]["kpi"], "kpi_tender", "info", lang),
        *([_item(tender["waived"], "waived_tender", "waived", lang)] if waivers else []),
        _item(verdict["tenders"], "tenders", "info", lang),
        *([_item(len(unchecked), "unchecked_count", "fail", lang, "#unchecked-1")] if unchecked else []),
        _item(verdict["bids"], "bids", "info", lang),
        # a bid no consultation answers to is compared nowhere: counted here, beside those compared, so that
        # the summary's bids add up to the terminal's, and linked to the list that says what to type
        *([_item(verdict["unattached_bids"], "unattached_count", "fail", lang, "#unattached")]
          if verdict.get("unattached_bids") else []),
        _item(bids["rejected"], "rejected_bid_count", "fail" if bids["rejected"] else "info", lang,
              "#h-rejected" if bids["rejected"] else None),
        _item(bids["failures"]["kpi"], "kpi_bids", "info", lang),
        *([_item(bids["waived"], "waived_bids", "waived", lang)] if waivers else []),
        # a total line or a note on either sheet: listed with the rejected rows, counted as neither
        *([_item(tender["ignored"] + bids["ignored"], "ignored_rows", "info", lang, "#h-rejected")]
          if tender["ignored"] + bids["ignored"] else []),
    ]
    exit_line = t["exit"].format(code=verdict["exit_status"], level=verdict["fail_on"])
    if any(s["cls"] == "insufficient_data" for s in summary):
        exit_line += " " + t["exit_insufficient"]
    meta = data["meta"]
    return {
        "lang": lang,
        "t": t,
        "notice": data["notice"],
        "meta": meta,
        "file": Verbatim(meta["file"]),
        "generated": format_timestamp(str(meta["generated_at"]), lang),
        "build": {k: v[:12] + "…" for k, v in meta["build"].items()},  # in full in check.json
        "inputs": [{"path": Verbatim(i["path"]), "sheet": Verbatim(i["sheet"] or ""), "sha256": i["sha256"],
                    "rows": f"{i18n.fmt_number(i['rows_read'], lang)} {_count(i['rows_read'], 'rows', lang)}"}
                   for i in meta["inputs"]],
        "summary": summary,
        "exit_line": exit_line,
        "unread": [u["message"] for u in meta.get("unread_columns", [])],
        "unchecked": [{"id": Verbatim(u["id"] or ""), "where": _where(u["source"], lang), "message": u["message"],
                       "bids": t["unchecked_bids"].format(list=", ".join(u["bids"])) if u["bids"] else ""}
                      for u in unchecked],
        "tenders": [_tender_view(tender, rules, sheets, lang) for tender in data["tenders"]],
        "unattached": [_bid_view(b, rules, sheets[1], lang) for b in data["unattached_bids"]],
        # the column has a cell of its own: the reason is the message without it
        "rejected": [{**r, "value": Verbatim(r["value"] or ""), "where": _where(r["source"], lang),
                      "message": without_column(r["message"], r["column"], lang)} for r in data["rejected"]],
    }


def render_html(data: dict[str, Any]) -> str:
    """The page; its typography (`typo`) is applied here, once, to every text the template prints."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    lang = data["lang"]
    env = Environment(
        loader=PackageLoader("procurement", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=lambda v: typo(v, lang) if type(v) is str else v,
    )
    return env.get_template("check.html").render(**view_model(data), assets=fixed_assets("check.css"))
