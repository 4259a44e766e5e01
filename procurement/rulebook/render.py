"""Message templates and value formatting, in French and English.

Why not `str.format`: a format string can reach attributes and items (`{order.__class__}`), so a
template written in a YAML file would be code. Here a template is text with `{field}` placeholders
only, parsed once at load time into literal parts and canonical field names (an unknown name is a
load-time error), and rendered by joining strings.

A part between `[[` and `]]` is shown only when every field it quotes is given: « Considération
environnementale[[ : {env_considerations}]][[ ; pondération du critère environnemental : {env_weight}]]. »
(ENV-01) reads the same on an export without weights as before, where a weight read « non renseigné »
beside every verdict. Such parts
do not nest, and each quotes at least one field (load-time errors, `TemplateProblem.code`).

Values are formatted the way each audience reads them: 1 234 567,89 € and 31/12/2025 in French,
€1,234,567.89 and 2025-12-31 in English. French uses a narrow no-break space (U+202F) between
thousands and before € and %, as `procurement.i18n` does for the reports.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from procurement.fields import FIELDS_BY_NAME, Kind

NNBSP = "\u202f"  # French thousands separator
NBSP = NNBSP  # before € and % (same character as procurement.i18n)
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

UNKNOWN = {"fr": "non renseigné", "en": "not given"}
_BOOL = {"fr": ("non", "oui"), "en": ("no", "yes")}


class TemplateProblem(ValueError):
    """A placeholder that names no canonical field (code "unknown-placeholder"), or a `[[…]]` part that
    nests, is not closed or quotes no field (code "bad-template"; `name` is then the part as written)."""

    def __init__(self, name: str, code: str = "unknown-placeholder"):
        super().__init__(name)
        self.name = name
        self.code = code


# literal text, (field name,), or ("?", parts shown only when each of their fields is given)
Template = tuple[Any, ...]
_OPTIONAL = re.compile(r"\[\[(.*?)\]\]", re.S)


def _placeholders(text: str) -> list[str | tuple[str]]:
    if "[[" in text or "]]" in text:
        raise TemplateProblem(text, "bad-template")
    parts: list[str | tuple[str]] = []
    pos = 0
    for m in _PLACEHOLDER.finditer(text):
        name = m.group(1).strip()
        if name not in FIELDS_BY_NAME:
            raise TemplateProblem(name)
        if m.start() > pos:
            parts.append(text[pos : m.start()])
        parts.append((name,))
        pos = m.end()
    if pos < len(text):
        parts.append(text[pos:])
    return parts


def parse_template(text: str) -> Template:
    """Split a template into literals, placeholders and optional parts; raise TemplateProblem on an
    unknown name or a malformed `[[…]]`."""
    parts: list[Any] = []
    pos = 0
    for m in _OPTIONAL.finditer(text):
        parts += _placeholders(text[pos : m.start()])
        inner = _placeholders(m.group(1))
        if not any(isinstance(p, tuple) for p in inner):
            raise TemplateProblem(m.group(0), "bad-template")
        parts.append(("?", tuple(inner)))
        pos = m.end()
    parts += _placeholders(text[pos:])
    return tuple(parts)


def template_fields(template: Template) -> list[str]:
    """The fields a template quotes, those of its optional parts included, in order."""
    out: list[str] = []
    for p in template:
        if isinstance(p, tuple):
            out.extend(p[:1] if len(p) == 1 else template_fields(p[1]))
    return out


def _given(value: Any) -> bool:
    return value is not None and value != "" and value != ()


def choice_text(field: str, code: str, lang: str) -> str:
    """An enumeration's code as people read it ("clause" of env_considerations: "Clause environnementale";
    "appel_offres_ouvert": "Appel d'offres ouvert"), the code itself when it has no label."""
    from procurement import i18n
    from procurement.parse._labels import LABELS

    table = LABELS.get(field)
    if table and code in table:
        return table[code][1 if lang == "en" else 0]
    if field == "supplier_band":
        return i18n.label(code, lang)
    return code


def note_text(note: str | None, lang: str) -> str:
    """A rulebook's `note` (of a legal reference or an example) as `lang` shows it. The format gives a note
    in one language, French (unlike titles and messages, which are fr/en `Text`): English output shows it
    as written, marked as French, rather than passing it off as English."""
    if not note:
        return ""
    return f"{note} (in French)" if lang == "en" else note


_WORDS = re.compile(r"[\s\-(/’']+")
_PLACES = frozenset({"supplier_band"})  # fields whose labels are places: names, as written


def _in_sentence(label: str, field: str | None = None) -> str:
    """A label inside a sentence: "Clause sociale" -> "clause sociale". Kept as written: an acronym ("SIAE",
    "PME"), a place's label, and a name, i.e. a label with another capitalised word ("Aix-Marseille-Provence
    Métropole" read « aix-Marseille-Provence Métropole », "France (hors Région Sud)" « france (hors...) »)."""
    if len(label) < 2 or not label[1].islower() or field in _PLACES:
        return label
    if any(len(w) > 1 and w[0].isupper() and w[1].islower() for w in _WORDS.split(label)[1:]):
        return label
    return label[0].lower() + label[1:]


def _field_text(value: Any, name: str, kind: Kind, lang: str) -> str:
    """A value in a message: `format_value`, enumeration codes by their label (a French page once read
    « considérations : clause, criterion » and « (none) »)."""
    if kind is Kind.ENUM and isinstance(value, str):
        return _in_sentence(choice_text(name, value, lang), name)
    if kind is Kind.ENUM_SET and isinstance(value, Sequence) and not isinstance(value, str) and value:
        return ", ".join(_in_sentence(choice_text(name, v, lang), name) if isinstance(v, str)
                         else format_value(v, kind, lang) for v in value)
    return format_value(value, kind, lang)


_CHOICES = (Kind.ENUM, Kind.ENUM_SET)


def render(template: Template, values: Mapping[str, Any], lang: str) -> str:
    """Fill a parsed template with formatted values (missing ones read 'non renseigné' / 'not given')."""
    out = []
    for part in template:
        if isinstance(part, tuple):
            if len(part) == 2:  # an optional part
                if all(_given(values.get(n)) for n in template_fields(part[1])):
                    out.append(render(part[1], values, lang))
                continue
            name = part[0]
            out.append(_field_text(values.get(name), name, FIELDS_BY_NAME[name].kind, lang))
        else:
            out.append(part)
    return "".join(out)


def render_kept(template: Template, vals: Sequence[Any], slot: Mapping[str, int], lang: str,
                kept: dict[tuple, str]) -> str:
    """`render` of the values at their slots in `vals`, each value's text kept in `kept` (`format_kept`):
    an order's amount is shown by several rules' messages, a date or a code by many orders'."""
    out = []
    for part in template:
        if isinstance(part, tuple):
            if len(part) == 2:  # an optional part
                if all(_given(vals[slot[n]]) for n in template_fields(part[1])):
                    out.append(render_kept(part[1], vals, slot, lang, kept))
                continue
            name = part[0]
            kind, value = FIELDS_BY_NAME[name].kind, vals[slot[name]]
            if kind in _CHOICES:  # a label depends on the field ("none": which consideration), not the kind
                key = ("choice", name, value)
                try:
                    text = kept.get(key)
                except TypeError:  # an unhashable value: made afresh
                    key, text = None, None
                if text is None:
                    text = _field_text(value, name, kind, lang)
                    if key is not None:
                        kept[key] = text
                out.append(text)
            else:
                out.append(format_kept(value, kind, lang, kept))
        else:
            out.append(part)
    return "".join(out)


def _group(int_part: str, sep: str) -> str:
    head = len(int_part) % 3 or 3
    groups = [int_part[:head]] + [int_part[i : i + 3] for i in range(head, len(int_part), 3)]
    return sep.join(groups)


def format_number(x: float, lang: str, decimals: int | None = None, strip: bool = True) -> str:
    """1234567.891 -> '1 234 567,89' (fr) / '1,234,567.89' (en); trailing zeros dropped unless strip=False."""
    if decimals is None:
        decimals = 0 if float(x).is_integer() else 2
    int_part, _, frac = f"{abs(x):.{decimals}f}".partition(".")
    if strip:
        frac = frac.rstrip("0")
    sign = "-" if x < 0 and (int_part.strip("0") or frac.strip("0")) else ""
    if lang == "fr":
        return sign + _group(int_part, NNBSP) + ("," + frac if frac else "")
    return sign + _group(int_part, ",") + ("." + frac if frac else "")


def format_money(x: float, lang: str) -> str:
    """Euros HT: cents shown only when there are some ('40 000 €', '1 234,50 €')."""
    digits = format_number(x, lang, 0 if float(round(x, 2)).is_integer() else 2, strip=False)
    if lang == "fr":
        return f"{digits}{NBSP}€"
    return f"-€{digits[1:]}" if digits.startswith("-") else f"€{digits}"


def format_date(d: dt.date, lang: str) -> str:
    return d.strftime("%d/%m/%Y") if lang == "fr" else d.isoformat()


def format_percent(x: float, lang: str) -> str:
    digits = format_number(round(x, 2), lang)
    return f"{digits}{NBSP}%" if lang == "fr" else f"{digits}%"


def format_value(value: Any, kind: Kind | None, lang: str) -> str:
    """Format one order value for a message or a terminal, per field kind and language."""
    if value is None:
        return UNKNOWN["fr" if lang == "fr" else "en"]
    if isinstance(value, bool):
        return _BOOL["fr" if lang == "fr" else "en"][value]
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, int | float):
        formatter: Callable[[float, str], str] = {
            Kind.MONEY: format_money,
            Kind.PERCENT: format_percent,
        }.get(kind, format_number)  # type: ignore[arg-type]
        return formatter(value, lang)
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(format_value(v, kind, lang) for v in value) or "∅"
    return str(value)


# Types whose value, with its type, decides its text: in a key as they are, or by their repr (a float's
# repr is exact; a tuple's names its items' types and values).
_EXACT = frozenset({type(None), str, int, bool, dt.date, dt.datetime})
_BY_REPR = frozenset({float, tuple, list, frozenset})


def format_kept(value: Any, kind: Kind | None, lang: str, kept: dict[tuple, str], limit: int = 20_000,
                name: str | None = None) -> str:
    """`format_value`, the text kept in `kept` (bounded by `limit`): an order's amount is shown by several
    rules, a date or a code by many orders, and formatting a number is a dozen string operations. With the
    field's `name`, an enumeration's codes are shown by their labels (`choice_value`), kept per field."""
    choice = name is not None and kind in _CHOICES
    t = type(value)
    base = ("choice", name, t) if choice else (kind, t)
    key = (*base, value) if t in _EXACT else (*base, repr(value)) if t in _BY_REPR else None
    text = None if key is None else kept.get(key)
    if text is None:
        text = choice_value(value, name, kind, lang) if choice else format_value(value, kind, lang)  # type: ignore[arg-type]
        if key is not None:
            if len(kept) >= limit:
                kept.clear()
            kept[key] = text
    return text


def choice_value(value: Any, name: str, kind: Kind | None, lang: str) -> str:
    """`format_value`, an enumeration's codes by their labels as written (`choice_text`): a finding's evidence
    reads « procedure in Open procedure... », not « procedure in appel_offres_ouvert »."""
    if kind in _CHOICES and value is not None:
        if isinstance(value, str):
            return choice_text(name, value, lang)
        if isinstance(value, Sequence) and value:
            return ", ".join(choice_text(name, v, lang) if isinstance(v, str) else format_value(v, kind, lang)
                             for v in value)
    return format_value(value, kind, lang)
