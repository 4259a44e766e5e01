"""What the three pages share: the Jinja environment, the provenance footer, value formatting, and the
inline assets with the Content-Security-Policy that allows exactly them.

Templates never compute: every figure reaches them as text formatted here or in the page's view module,
with `procurement.i18n` formats. Autoescaping is on for every template and every string; the only
`Markup` passed in is our own CSS, script and SVG (charts escape their own labels).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.input_notes import input_lines
from procurement.pipeline import Run, meta
from procurement.rulebook.render import choice_text, note_text
from procurement.typography import colon
from procurement.views.words import words

STATUS_ORDER = ("fail", "insufficient_data", "waived", "pass", "not_applicable")  # waived: procurement.waivers
KIND_ORDER = ("legal", "risk", "kpi")
# The class (style.css, check.css) of what must stay on one line: a browser breaks a date or a reference at a
# hyphen, « 2026-08- » above « 21 » in a 390 px window, a figure no buyer reads as a date.
NOWRAP = "nowrap"
_ISO_DATE = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")
# A reference longer than this may break: on one line it would push a narrow page wider than the window.
SHORT_REFERENCE = 24


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("procurement", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(template: str, context: dict[str, Any]) -> str:
    return environment().get_template(template).render(**context)


@cache
def asset(name: str) -> str:
    """A packaged CSS or JS file (procurement/templates/assets/), inlined into every page."""
    return resources.files("procurement").joinpath("templates", "assets", name).read_text(encoding="utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def page_assets(script: str | None = None, style: str = "style.css") -> dict[str, Any]:
    """The inline <style> (and <script>), and a CSP that allows those exact texts and nothing else:
    no request may leave the page (default-src 'none'), no other script may run."""
    css = asset(style)
    js = asset(script) if script else ""
    policy = [
        "default-src 'none'",
        f"style-src {_hash(css)}",
        f"script-src {_hash(js)}" if js else "script-src 'none'",
        "img-src data:",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    return {"css": Markup(css), "js": Markup(js) if js else None, "csp": "; ".join(policy)}


def fixed_assets(style: str) -> dict[str, Any]:
    """`page_assets` of a page without script whose template environment rewrites plain texts (the check
    page's French typography): its policy is given as markup, printed as it is."""
    assets = page_assets(style=style)
    return {**assets, "csp": Markup(assets["csp"])}


_LAST: list[tuple[Run, tuple[int, int], dict[str, Any]]] = []


def figures(run: Run) -> dict[str, Any]:
    """`aggregate(run)`, computed once when the report and the summary are written from the same Run."""
    from procurement.aggregate import aggregate

    key = (len(run.orders), len(run.rejected))
    if _LAST and _LAST[0][0] is run and _LAST[0][1] == key:
        return _LAST[0][2]
    result = aggregate(run)
    _LAST[:] = [(run, key, result)]
    return result


def base_context(run: Run, lang: str) -> dict[str, Any]:
    lang = "en" if lang == "en" else "fr"
    # colon: between a label and its value, « Score : 72 » with a no-break space in French, "Score: 72" in English
    # read_notes: how the inputs were read (sheets left unread, spare columns), said by the terminal too
    return {"lang": lang, "t": words(lang), "footer": footer(run, lang), "colon": colon(lang),
            "read_notes": input_lines(run.inputs, lang)}


def quoted(text: str, lang: str) -> str:
    """A name quoted as each language quotes: « Commandes 2025 » in French, “Commandes 2025” in English."""
    return f"“{text}”" if lang == "en" else f"« {text} »"


def footer(run: Run, lang: str) -> dict[str, Any]:
    """Tool version, rulebook identity, inputs with their sha256, generation time and options used."""
    m = meta(run)
    t = words(lang)
    book = m["rulebook"]
    options = []
    for key, value in sorted((m.get("options") or {}).items()):
        if value in (None, "", [], (), False):
            continue
        shown = ", ".join(str(v) for v in value) if isinstance(value, list | tuple) else str(value)
        options.append(f"{key} = {shown}")
    return {
        "tool": f"procurement {m['version']}",
        "code_sha": m["build"]["code_sha256"][:12] + "…",  # in full in results.json
        "data_sha": m["build"]["data_sha256"][:12] + "…",
        "rulebook": f"{book['id']} {book['version']}",
        "rulebook_sha": book["sha256"],
        "rulebook_files": [f"{f['path']} (sha256 {f['sha256']})" for f in book.get("files", [])],
        "generated": format_timestamp(str(m["generated_at"]), lang),
        "generated_iso": str(m["generated_at"]),
        "inputs": [
            {"path": i["path"], "sha256": i["sha256"],
             "detail": ", ".join(x for x in (i["format"], i["sheet"] and quoted(i["sheet"], lang),
                                              f"{i18n.fmt_number(i['rows_read'], lang)} {t['rows']}") if x)}
            for i in m["inputs"]
        ],
        "options": options or [t["none_option"]],
        "colon": colon(lang),  # « Outil : » with a no-break space in French, "Tool:" in English
    }


def format_timestamp(iso: str, lang: str) -> str:
    """A run's `generated_at` as every page shows it (`i18n.fmt_timestamp`, also used by `procurement diff`)."""
    return i18n.fmt_timestamp(iso, lang)


def field_label(name: str, lang: str) -> str:
    f = FIELDS_BY_NAME.get(name)
    return f.header(lang) if f else name


def field_help(name: str, lang: str) -> str:
    f = FIELDS_BY_NAME.get(name)
    if f is None:
        return ""
    return (f.help_en if lang == "en" else f.help_fr) or ""


def choice_label(field: str, code: str, lang: str) -> str:
    return choice_text(field, code, lang)


def fmt_value(value: Any, field: str | None, lang: str) -> str:
    """One value of an order, a bid or a rule as a person reads it, the same on every page (order pages,
    check.html): the field's kind decides — money, percentage, date, an enumeration's label — and a value
    of an unknown field is read by its type (a string shaped YYYY-MM-DD is a date). A text field's value is
    printed as written, even when it looks like a date (an identifier "2026-01-15" is not a day).
    Absent: "non renseigné"; a page that shows absence otherwise tests None itself."""
    t = words(lang)
    if value is None:
        return t["not_given"]
    if isinstance(value, bool):
        return t["yes"] if value else t["no"]
    if isinstance(value, dt.date):
        return i18n.fmt_date(value, lang)
    if isinstance(value, list | tuple | set | frozenset):
        return ", ".join(fmt_value(v, field, lang) for v in value) if value else "∅"
    f = FIELDS_BY_NAME.get(field) if field is not None else None
    kind = f.kind if f is not None else None
    if isinstance(value, str):
        if kind is Kind.DATE or (kind is None and len(value) == 10 and value[4] == "-" and value[7] == "-"):
            try:
                return i18n.fmt_date(dt.date.fromisoformat(value), lang)
            except ValueError:
                return value
        return value if field is None else choice_label(field, value, lang)
    if isinstance(value, int | float):
        decimals = 0 if float(value).is_integer() else 1
        if kind is Kind.MONEY:
            return i18n.fmt_money(value, lang)
        if kind is Kind.PERCENT:
            return i18n.fmt_percent(value, lang, decimals)
        return i18n.fmt_number(value, lang, decimals)
    return str(value)


def fmt_score(value: float | None, lang: str) -> str:
    return words(lang)["no_score"] if value is None else i18n.fmt_number(value, lang, 0) + " / 100"


def fmt_ratio(value: float | None, lang: str) -> str:
    """A 0-1 fraction as a whole percentage, never rounded to 0 % or 100 % unless it is (`fmt_percent_short_of`)."""
    return i18n.fmt_percent_short_of(None if value is None else 100 * value, lang)


def where(source: dict[str, Any] | Any, lang: str) -> str:
    """file · sheet · row N (or the JSON path) of a record."""
    s = source if isinstance(source, dict) else {"file": source.file, "sheet": source.sheet, "row": source.row,
                                                  "path": source.path}
    parts = [str(s.get("file") or "")]
    if s.get("sheet"):
        parts.append(str(s["sheet"]))
    if s.get("row"):
        parts.append(("row " if lang == "en" else "ligne ") + str(s["row"]))
    elif s.get("path"):
        parts.append(str(s["path"]))
    return " · ".join(p for p in parts if p)


def text_of(text: Any, lang: str) -> str:
    """A rulebook Text (fr/en) in `lang`."""
    if text is None:
        return ""
    return text.en if lang == "en" else text.fr


def legal_refs(rule: Any, lang: str) -> list[dict[str, Any]]:
    t = words(lang)
    out = []
    for ref in rule.source.legal_ref:
        label = ref.text + (f", art. {ref.article}" if ref.article else "")
        out.append({
            "label": label,
            "date": i18n.fmt_date(ref.date, lang) if ref.date else "",
            "url": ref.url if ref.url and ref.url.startswith(("https://", "http://")) else None,
            "note": note_text(ref.note, lang),
            "recalled": t["recalled"] if ref.confidence == "recalled" else "",
        })
    return out


def rule_view(rule: Any, lang: str) -> dict[str, Any]:
    """What the pages say about a rule: title, kind, chantiers, why, advice, legal basis."""
    return {
        "id": rule.id,
        "title": text_of(rule.title, lang),
        "kind": rule.kind,
        "kind_label": i18n.label(rule.kind, lang),
        "severity": rule.severity,
        "chantiers": list(rule.chantiers),
        "why": text_of(rule.source.why, lang),
        "advice": text_of(rule.source.advice, lang),
        "legal": legal_refs(rule, lang),
    }


def buyer_labels(keys: list[tuple[str, str | None]]) -> list[str]:
    """Each (name, SIRET) buyer as the pages name it: its name, followed by its SIRET when other SIRETs go
    by the same name. Essential data put budget labels in the buyer's name (« BUDGET PRINCIPAL » for seven
    SIRETs of a PES export): pooled by name, the summary ranked seven bodies as one."""
    sirets: dict[str, set[str | None]] = {}
    folded = [" ".join(name.casefold().split()) for name, _ in keys]  # « Budget principal » too
    for key, (_, siret) in zip(folded, keys, strict=True):
        sirets.setdefault(key, set()).add(siret)
    return [f"{name} · {siret}" if siret and len(sirets[key]) > 1 else name
            for key, (name, siret) in zip(folded, keys, strict=True)]


def one_line(value: str) -> str:
    """The class of a cell that is a date or a reference (an id, a code) and nothing else: `NOWRAP`, but for a
    reference too long to stay on one line of a narrow window."""
    return NOWRAP if len(value) <= SHORT_REFERENCE else ""


def unbroken_dates(text: str) -> str:
    """A sentence of the tool with each ISO date in a span of class `NOWRAP`, so that no window breaks it at a
    hyphen; as markup, escaped here, only when it has a date (the template escapes a plain text itself)."""
    if not _ISO_DATE.search(text):
        return text
    return Markup(_ISO_DATE.sub(lambda m: f'<span class="{NOWRAP}">{m.group(0)}</span>', str(escape(text))))
