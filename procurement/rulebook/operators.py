"""The fixed registry of condition operators: which field kinds each accepts, how its value is checked.

Why a closed registry rather than expressions: a rulebook is edited by buyers and policy officers, and
every verdict must be explainable and safe. Each operator here (1) declares the field kinds it makes
sense for, so `gt` on a date or `date_before` on an amount is refused at load time; (2) checks and
coerces its YAML value once, at load time, against the field's kind and enum choices, so a typo such as
`marchee` is reported with "did you mean 'marche'?" instead of silently never matching; (3) builds a
plain predicate `actual -> bool` that is only ever called on a known (non-None) value — the compiler
handles unknowns, except for `present` / `absent` whose whole point is to look at them. `reported` reads
a value derived for it (`reported_value`): the field's own, or whether the input's format could carry it.

Nothing here evaluates user text: values are data, and `matches_words` escapes every word it puts in a
regular expression.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from procurement.carriage import Uncarried
from procurement.fields import Field, Kind
from procurement.rulebook.word_match import fold, word_form, words_pattern

Tables = Mapping[str, frozenset[str]]
Predicate = Callable[[Any], bool]


class ValueProblem(Exception):
    """A condition value that does not fit its field or operator; `code` names the kind of problem."""

    def __init__(self, fr: str, en: str, code: str = "bad-value"):
        super().__init__(en)
        self.fr, self.en, self.code = fr, en, code


def did_you_mean(word: str, choices: Iterable[object], lang: str = "en") -> str:
    """' (did you mean 'x'?)' when a close match exists, else ''. Used by every unknown-name error."""
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    return f" (vouliez-vous dire « {close[0]} » ?)" if lang == "fr" else f" (did you mean '{close[0]}'?)"


def norm_naf(code: str) -> str:
    """NAF codes are written '56.10A' or '5610A'; compare them without the dot, upper case."""
    return code.replace(".", "").replace(" ", "").upper()


ALL_KINDS = frozenset(Kind)
SCALAR = ALL_KINDS - {Kind.ENUM_SET}
NUMERIC = frozenset({Kind.MONEY, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT})
CODES = frozenset({Kind.TEXT, Kind.CODE, Kind.CPV, Kind.NAF, Kind.SIRET})
_CODE_LIKE = frozenset({Kind.CODE, Kind.CPV, Kind.NAF, Kind.SIRET})


def _bad(field: Field, value: Any, fr_expected: str, en_expected: str, hint_fr: str = "", hint_en: str = ""):
    return ValueProblem(
        f"valeur « {value} » invalide pour le champ {field.name} ({field.kind}) : {fr_expected} "
        f"attendu{'e' if fr_expected.startswith('une ') else ''}{hint_fr}",  # « une date … attendue »
        f"value {value!r} is not valid for field {field.name} ({field.kind}): expected {en_expected}{hint_en}",
    )


def scalar(value: Any, field: Field) -> Any:
    """Check one value against a field's kind and return it in the form the order holds."""
    kind = field.kind
    if kind in (Kind.ENUM, Kind.ENUM_SET):
        if not isinstance(value, str) or value not in field.choices:
            choices = ", ".join(field.choices)
            raise _bad(field, value, f"une des valeurs {choices}", f"one of {choices}",
                       did_you_mean(str(value), field.choices, "fr"), did_you_mean(str(value), field.choices))
        return value
    if kind in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _bad(field, value, "un nombre", "a number")
        if kind == Kind.INTEGER and not float(value).is_integer():
            raise _bad(field, value, "un entier", "a whole number")
        if kind == Kind.PERCENT and not 0 <= value <= 100:
            raise _bad(field, value, "un pourcentage entre 0 et 100", "a percentage between 0 and 100",
                       " (50 % s'écrit 50, pas 0.5)", " (50% is written 50, not 0.5)")
        return int(value) if kind == Kind.INTEGER else float(value)
    if kind == Kind.DATE:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        raise _bad(field, value, "une date AAAA-MM-JJ", "a date YYYY-MM-DD")
    if kind == Kind.BOOL:
        if not isinstance(value, bool):
            raise _bad(field, value, "true ou false", "true or false")
        return value
    if not isinstance(value, str):
        if kind in _CODE_LIKE and isinstance(value, int) and not isinstance(value, bool):
            raise _bad(field, value, "un code entre guillemets", "a quoted code",
                       f" (écrivez '{value}' : sans guillemets, les zéros de tête se perdent)",
                       f" (write '{value}': unquoted, leading zeros are lost)")
        raise _bad(field, value, "un texte", "a text")
    if kind == Kind.CPV and not re.fullmatch(r"[0-9]{2,8}", value):
        raise _bad(field, value, "un code CPV de 2 à 8 chiffres", "a CPV code of 2 to 8 digits")
    if kind == Kind.NAF:
        return norm_naf(value)
    if kind == Kind.TEXT:
        return fold(value)
    return value


def scalar_list(value: Any, field: Field) -> list[Any]:
    """A non-empty list of scalars; a single value is accepted as a list of one."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise ValueProblem("liste vide", "empty list")
    return [scalar(v, field) for v in items]


def _norm_actual(kind: Kind) -> Callable[[Any], Any] | None:
    """How an order's value is brought to the compared form (None: compared as is)."""
    return {Kind.TEXT: fold, Kind.NAF: norm_naf}.get(kind)


def _with_norm(field: Field, pred: Predicate) -> Predicate:
    norm = _norm_actual(field.kind)
    if norm is None:
        return pred
    return lambda v: pred(norm(v))


def prefix_matcher(prefixes: list[str]) -> Predicate:
    """Prefix membership in O(number of distinct lengths): large CPV groups stay fast."""
    groups: dict[int, set[str]] = {}
    for p in prefixes:
        groups.setdefault(len(p), set()).add(p)
    if len(groups) == 1:
        ((n, s),) = groups.items()
        return lambda v: v[:n] in s
    pairs = tuple(sorted((n, frozenset(s)) for n, s in groups.items()))
    return lambda v: any(v[:n] in s for n, s in pairs)


# ---------------------------------------------------------------------------------------------------------
# Value preparation (load time) and predicate construction, per operator.
# ---------------------------------------------------------------------------------------------------------


def _prep_scalar(value: Any, field: Field, tables: Tables) -> Any:
    return scalar(value, field)


def _prep_list(value: Any, field: Field, tables: Tables) -> Any:
    return frozenset(scalar_list(value, field))


def _prep_between(value: Any, field: Field, tables: Tables) -> Any:
    if not isinstance(value, list) or len(value) != 2:
        raise ValueProblem("between attend une liste [min, max]", "between expects a list [min, max]")
    lo, hi = scalar(value[0], field), scalar(value[1], field)
    if hi < lo:
        raise ValueProblem(f"between : {value[0]} est supérieur à {value[1]}",
                           f"between: {value[0]} is greater than {value[1]}")
    return (lo, hi)


def _prep_prefixes(value: Any, field: Field, tables: Tables) -> Any:
    return scalar_list(value, field)


def _prep_cpv(value: Any, field: Field, tables: Tables) -> Any:
    return scalar_list(value, field)


def _prep_table(value: Any, field: Field, tables: Tables) -> Any:
    if not isinstance(value, str):
        raise ValueProblem("in_table attend un nom de table", "in_table expects a table name")
    if value not in tables:
        raise ValueProblem(
            f"table inconnue « {value} »{did_you_mean(value, tables, 'fr')}",
            f"unknown table '{value}'{did_you_mean(value, tables)}",
            code="unknown-table",
        )
    entries = tables[value]
    if field.kind == Kind.NAF:
        return [norm_naf(e) for e in entries]
    if field.kind == Kind.TEXT:
        return frozenset(fold(e) for e in entries)
    return list(entries) if field.kind == Kind.CPV else frozenset(entries)


def _prep_words(value: Any, field: Field, tables: Tables) -> Any:
    words = value if isinstance(value, list) else [value]
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise ValueProblem("liste de mots (textes non vides) attendue", "expected a list of words (non-empty texts)")
    if field.kind == Kind.ENUM_SET:
        return frozenset(scalar(w, field) for w in words)
    return tuple(map(word_form, words))


def _prep_date(value: Any, field: Field, tables: Tables) -> Any:
    return scalar(value, field)


def _make_table(c: Any, field: Field) -> Predicate:
    if field.kind in (Kind.CPV, Kind.NAF):
        return _with_norm(field, prefix_matcher(c))
    return _with_norm(field, c.__contains__)


def _make_contains(c: Any, field: Field, every: bool) -> Predicate:
    if field.kind == Kind.ENUM_SET:
        return c.issubset if every else (lambda v: not c.isdisjoint(v))
    if every:
        return lambda v: all(w in fold(v) for w in c)
    return lambda v: any(w in fold(v) for w in c)


def _make_words(c: Any, field: Field) -> Predicate:
    rx = words_pattern(c)
    return lambda v: rx.search(fold(v)) is not None


def _present(v: Any) -> bool:
    return v is not None and v != "" and v != ()


# ---------------------------------------------------------------------------------------------------------
# `reported`: given, or not given though the format could carry it, or not carried by the format at all.
# ---------------------------------------------------------------------------------------------------------

REPORTED_SLOT = "reported:"  # prefix of the value slot `reported` reads: "reported:declared_emissions"


class _Empty:
    """The derived value of a field left empty by an input that could carry it: `reported` is false."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "EMPTY"

    def __reduce__(self) -> str:
        return "EMPTY"  # the module's one instance, in every process


EMPTY = _Empty()


def reported_value(value: Any, field: str, uncarried: Any) -> Any:
    """What `reported` reads for a field of an order: its value when given, else the order's `Uncarried`
    (procurement/carriage.py) when its format cannot carry the field, else EMPTY."""
    if _present(value):
        return value
    return uncarried if uncarried is not None and field in uncarried.fields else EMPTY


def _reported(v: Any) -> bool | None:
    """True on a value, False on EMPTY, unknown on an `Uncarried` (never called on None: the compiler
    makes None unknown, as for any operator)."""
    if v is EMPTY:
        return False
    return None if type(v) is Uncarried else True


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator: where it applies, how its value is checked, what it tests, how it reads."""

    name: str
    kinds: frozenset[Kind]
    prepare: Callable[[Any, Field, Tables], Any] | None  # None: the operator takes no value
    make: Callable[[Any, Field], Predicate]
    phrase_fr: str  # "{field} ... {value}", for `rules explain`
    phrase_en: str
    example: str  # a YAML leaf, for docs/rules.md
    sees_unknown: bool = False  # present/absent: called on None too, never unknown themselves


_O = Operator
OPERATORS: dict[str, Operator] = {
    o.name: o
    for o in (
        _O("equals", SCALAR, _prep_scalar, lambda c, f: _with_norm(f, lambda v: v == c),
           "{field} = {value}", "{field} = {value}", "{field: nature, op: equals, value: marche}"),
        _O("not_equals", SCALAR, _prep_scalar, lambda c, f: _with_norm(f, lambda v: v != c),
           "{field} ≠ {value}", "{field} ≠ {value}", "{field: nature, op: not_equals, value: offre}"),
        _O("in", SCALAR - {Kind.BOOL}, _prep_list, lambda c, f: _with_norm(f, c.__contains__),
           "{field} parmi {value}", "{field} in {value}",
           "{field: procedure, op: in, value: [appel_offres_ouvert, appel_offres_restreint]}"),
        _O("not_in", SCALAR - {Kind.BOOL}, _prep_list,
           lambda c, f: _with_norm(f, lambda v: v not in c),
           "{field} autre que {value}", "{field} not in {value}",
           "{field: supplier_status, op: not_in, value: [none]}"),
        _O("gt", NUMERIC, _prep_scalar, lambda c, f: lambda v: v > c,
           "{field} > {value}", "{field} > {value}", "{field: offers_received, op: gt, value: 1}"),
        _O("gte", NUMERIC, _prep_scalar, lambda c, f: lambda v: v >= c,
           "{field} ≥ {value}", "{field} ≥ {value}", "{field: amount, op: gte, value: 40000}"),
        _O("lt", NUMERIC, _prep_scalar, lambda c, f: lambda v: v < c,
           "{field} < {value}", "{field} < {value}", "{field: amount, op: lt, value: 100000}"),
        _O("lte", NUMERIC, _prep_scalar, lambda c, f: lambda v: v <= c,
           "{field} ≤ {value}", "{field} ≤ {value}", "{field: intermediaries, op: lte, value: 1}"),
        _O("between", NUMERIC | {Kind.DATE}, _prep_between,
           lambda c, f: lambda v: c[0] <= v <= c[1],
           "{field} entre {value} (bornes incluses)", "{field} between {value} (inclusive)",
           "{field: amount, op: between, value: [40000, 215999.99]}"),
        _O("present", ALL_KINDS, None, lambda c, f: _present,
           "{field}\u00a0: valeur renseignée", "{field} is given", "{field: supplier_siret, op: present}",
           sees_unknown=True),
        _O("absent", ALL_KINDS, None, lambda c, f: lambda v: not _present(v),
           "{field}\u00a0: valeur non renseignée", "{field} is not given", "{field: launch_date, op: absent}",
           sees_unknown=True),
        _O("reported", ALL_KINDS, None, lambda c, f: _reported,
           "{field}\u00a0: valeur renseignée (inconnu si le format des données ne porte pas ce champ)",
           "{field} is given (unknown if the data's format cannot carry it)",
           "{field: declared_emissions, op: reported}"),
        _O("startswith", CODES, _prep_prefixes,
           lambda c, f: _with_norm(f, lambda v, p=tuple(c): v.startswith(p)),
           "{field} commence par {value}", "{field} starts with {value}",
           "{field: supplier_postcode, op: startswith, value: ['13', '83', '84']}"),
        _O("cpv_in", frozenset({Kind.CPV}), _prep_cpv, lambda c, f: prefix_matcher(c),
           "{field} dans les groupes CPV {value}", "{field} in CPV groups {value}",
           "{field: cpv, op: cpv_in, value: ['45', '7131']}"),
        _O("in_table", CODES | {Kind.ENUM}, _prep_table, _make_table,
           "{field} dans la table {value}", "{field} in table {value}",
           "{field: supplier_commune, op: in_table, value: amp_communes}"),
        _O("contains_any", frozenset({Kind.ENUM_SET, Kind.TEXT}), _prep_words,
           lambda c, f: _make_contains(c, f, every=False),
           "{field} contient l'un de {value}", "{field} contains any of {value}",
           "{field: env_considerations, op: contains_any, value: [clause, criterion]}"),
        _O("contains_all", frozenset({Kind.ENUM_SET, Kind.TEXT}), _prep_words,
           lambda c, f: _make_contains(c, f, every=True),
           "{field} contient tous {value}", "{field} contains all of {value}",
           "{field: env_considerations, op: contains_all, value: [clause, criterion]}"),
        _O("date_on_or_after", frozenset({Kind.DATE}), _prep_date, lambda c, f: lambda v: v >= c,
           "{field} le {value} ou après", "{field} on or after {value}",
           "{field: launch_date, op: date_on_or_after, value: 2026-08-21}"),
        _O("date_before", frozenset({Kind.DATE}), _prep_date, lambda c, f: lambda v: v < c,
           "{field} avant le {value}", "{field} before {value}",
           "{field: notification_date, op: date_before, value: 2024-01-01}"),
        _O("matches_words", frozenset({Kind.TEXT}), _prep_words, _make_words,
           "{field} contient le mot {value}", "{field} contains the word {value}",
           "{field: award_criteria, op: matches_words, value: [local, proximité, Bouches-du-Rhône]}"),
    )
}


# The op of an evidence row whose leaf lies under an odd number of `not`: "not matches_words", with the
# negated test's result (compiler.LeafNode). Evidence rows never show `not` otherwise.
NEGATION = "not "


def split_op(op: str) -> tuple[str, bool]:
    """(the operator's name, whether the row is its negation) of an evidence row's op."""
    return (op[len(NEGATION):], True) if op.startswith(NEGATION) else (op, False)


def op_phrase(op: str, lang: str) -> str | None:
    """The phrase of an evidence row's op, "{field} ... {value}", in French or English; a negated op's
    reads "pas : ..." / "not: ..." as `rules explain` writes a `not`. None for an op of no operator
    (RISK-02's `group_sum_gte`)."""
    name, negated = split_op(op)
    operator = OPERATORS.get(name)
    if operator is None:
        return None
    phrase = operator.phrase_en if lang == "en" else operator.phrase_fr
    return ("not: " if lang == "en" else "pas : ") + phrase if negated else phrase
