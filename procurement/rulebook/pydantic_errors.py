"""Turn pydantic validation errors into rulebook problems: a place in the file and two sentences.

Why: pydantic's messages are English and speak of Python types ("Extra inputs are not permitted",
loc `('rules', 0, 'require', 'all', 'all', 0, 'leaf', 'fild')`). A policy officer needs
`rules/x.yaml:42:7: clé inconnue « fild » (vouliez-vous dire « field » ?)`. The location is found by
walking pydantic's `loc` through the data that was validated, skipping the union tags pydantic inserts,
and asking the file's `Locator` for the deepest part that exists.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ValidationError

from procurement.rulebook import schema
from procurement.rulebook.operators import did_you_mean
from procurement.rulebook.problems import Problem
from procurement.rulebook.yamlsafe import Locator

_TAGS = ("leaf", "all", "any", "not")


def _known_keys() -> set[str]:
    keys: set[str] = set()
    for model in (schema.Rulebook, schema.Rule, schema.RuleOverride, schema.Leaf, schema.AllOf, schema.AnyOf,
                  schema.NotOf, schema.Text, schema.LegalRef, schema.Example, schema.Target):
        assert issubclass(model, BaseModel)
        keys.update(f.alias or name for name, f in model.model_fields.items())
    return keys


KNOWN_KEYS = _known_keys()


def walk(loc: tuple, data: Any) -> tuple[tuple, bool]:
    """(path of the deepest existing part of `loc` in `data`, whether the last part is a mapping key)."""
    path: list[Any] = []
    cur = data
    is_key = False
    parts = list(loc)
    for n, part in enumerate(parts):
        nxt = parts[n + 1] if n + 1 < len(parts) else None
        if part == "[key]":
            is_key = True
            break
        if isinstance(cur, dict) and part in _TAGS and (part == "leaf" or nxt == part):
            continue  # a union tag pydantic inserted: it is not in the data
        in_dict = isinstance(cur, dict) and part in cur
        if in_dict or (isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur)):
            cur = cur[part]
            path.append(part)
    return tuple(path), is_key


def _quoted(expected: str) -> list[str]:
    return re.findall(r"'([^']*)'", expected)


def _named(loc: tuple, lang: str) -> str:
    """The name a sentence gives the value: the key, or for a list's item its list and its number from 1
    (« chantiers, élément 2 »), where pydantic's `loc` ends in the bare index (« 1 = 9 : doit être ≤ 8 »)."""
    if not loc:
        return ""
    last = loc[-1]
    if not isinstance(last, int):
        return str(last)
    owner = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
    item = f"{'élément' if lang == 'fr' else 'item'} {last + 1}"
    return f"{owner}, {item}" if owner else item


def _sentences(err: dict[str, Any]) -> tuple[str, str, str]:
    """(code, fr, en) for one pydantic error."""
    kind, loc, ctx = err["type"], err["loc"], err.get("ctx") or {}
    value = err.get("input")
    last, last_en = _named(loc, "fr"), _named(loc, "en")
    if kind == "extra_forbidden":
        return ("unknown-key", f"clé inconnue « {last} »{did_you_mean(last, KNOWN_KEYS, 'fr')}",
                f"unknown key '{last}'{did_you_mean(last, KNOWN_KEYS)}")
    if kind == "missing":
        return "schema", f"clé obligatoire « {last} » manquante", f"missing required key '{last}'"
    if kind == "literal_error":
        choices = _quoted(ctx.get("expected", ""))
        text = ", ".join(choices)
        return ("schema",
                f"valeur « {value} » invalide pour {last} : attendu {text}{did_you_mean(value, choices, 'fr')}",
                f"invalid value '{value}' for {last_en}: expected {text}{did_you_mean(value, choices)}")
    if kind == "string_pattern_mismatch":
        pattern = ctx.get("pattern", "")
        hint = " (ex. ENV-01)" if pattern == schema.RULE_ID_PATTERN else ""
        return ("schema", f"« {value} » ne respecte pas le format {pattern}{hint}",
                f"'{value}' does not match the format {pattern}{hint}")
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": "≥", "less_than": "<", "less_than_equal": "≤"}[kind]
        bound = next(iter(ctx.values()), "")
        return ("schema", f"{last} = {value} : doit être {sign} {bound}",
                f"{last_en} = {value}: must be {sign} {bound}")
    if kind in ("too_short", "too_long"):
        return ("schema", f"{last} : {'trop peu' if kind == 'too_short' else 'trop'} d'éléments",
                f"{last_en}: too {'few' if kind == 'too_short' else 'many'} items")
    if kind == "value_error":
        msg = str(ctx.get("error", err["msg"])).removeprefix("Value error, ")
        en, _, fr = msg.partition(" / ")
        return "schema", fr or en, en
    if kind.startswith("date"):
        return ("schema", f"date invalide « {value} » pour {last} (format AAAA-MM-JJ)",
                f"invalid date {value!r} for {last_en} (format YYYY-MM-DD)")
    type_fr = {"string_type": "un texte", "int_type": "un entier", "float_type": "un nombre", "bool_type": "true/false",
               "list_type": "une liste", "dict_type": "une table de clés", "model_type": "une table de clés",
               "int_parsing": "un entier", "float_parsing": "un nombre", "bool_parsing": "true/false",
               "int_from_float": "un entier", "model_attributes_type": "une table de clés"}
    if kind == "string_type" and isinstance(value, bool):
        return ("schema", f"{last} : YAML lit ce texte comme le booléen {str(value).lower()} (yes, no, on, off…) : "
                "mettez-le entre guillemets",
                f"{last_en}: YAML reads this text as the boolean {str(value).lower()} (yes, no, on, off...): quote it")
    if kind in type_fr:
        agreed = "attendue" if type_fr[kind].startswith("une ") else "attendu"  # « une liste attendue »
        return ("schema", f"valeur « {value} » pour {last} : {type_fr[kind]} {agreed}",
                f"value {value!r} for {last_en}: {err['msg'].removeprefix('Input should be ').lower()}")
    return "schema", f"valeur invalide pour {last} : {err['msg']}", f"invalid value for {last_en}: {err['msg']}"


def translate(exc: ValidationError, data: Any, locator: Locator, prefix: tuple = ()) -> list[Problem]:
    """Problems for every error of `exc`; `data` is what was validated, found at `prefix` in the file."""
    out = []
    for err in exc.errors():
        path, is_key = walk(err["loc"], data)
        code, fr, en = _sentences(err)
        unknown_key = err["type"] == "extra_forbidden"
        where = locator.where((*prefix, *path), key=is_key or unknown_key)
        out.append(Problem(code, where, fr, en))
    return out
