"""Compile the merged rules of a rulebook: conditions, message templates, measures.

Why apart from the loader: the loader deals with files (YAML, positions, extends); this module deals
with meaning (fields, operators, values, placeholders), reporting each problem at the place the rule
key was written — in the parent file, or in the child's `overrides:` when the key was overridden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from procurement.fields import FIELDS_BY_NAME
from procurement.rulebook.book import CompiledRule, message_fields, parse_texts
from procurement.rulebook.compiler import CompileContext, Slots, compile_condition
from procurement.rulebook.operators import did_you_mean
from procurement.rulebook.problems import Problem
from procurement.rulebook.render import TemplateProblem
from procurement.rulebook.schema import Rule


@dataclass
class Built:
    rules: list[CompiledRule]
    fields: tuple[str, ...]


def compile_rulebook(rules: list[Rule], origins: Mapping[str, Mapping[str, Any]],
                     tables: Mapping[str, frozenset[str]], problems: list[Problem]) -> Built:
    """Compile every rule; append problems; return the rules that compiled and the fields they read."""
    slots = Slots()
    compiled: list[CompiledRule] = []
    for rule in rules:
        cr = _compile_rule(rule, origins[rule.id], slots, tables, problems)
        if cr is not None:
            compiled.append(cr)
    return Built(compiled, slots.fields)


def _compile_rule(rule: Rule, origin: Mapping[str, Any], slots: Slots, tables: Mapping[str, frozenset[str]],
                  problems: list[Problem]) -> CompiledRule | None:
    def where(key: str, *suffix: Any, is_key: bool = False) -> str:
        locator, base = origin[key]
        return locator.where((*base, key, *suffix), key=is_key)

    before = len(problems)
    nodes: dict[str, Any] = {}
    for key in ("applies_when", "require"):
        cond = getattr(rule, key)
        if cond is None:
            nodes[key] = None
            continue

        def report(code: str, path: tuple, fr: str, en: str, key: str = key) -> None:
            problems.append(Problem(code, where(key, *path), f"{rule.id} : {fr}", f"{rule.id}: {en}"))

        nodes[key] = compile_condition(cond, CompileContext(slots, tables, report))
    messages: dict[str, Any] = {}
    for key in ("message", "message_pass"):
        try:
            messages[key] = parse_texts(getattr(rule, key))
        except TemplateProblem as tp:
            if tp.code == "bad-template":
                lang = "fr" if tp.name in getattr(rule, key).fr else "en"
                problems.append(Problem(
                    "bad-template", where(key, lang),
                    f"{rule.id} : « {tp.name} » : une partie [[…]] du message se ferme, ne s'emboîte pas dans "
                    "une autre et cite au moins un champ {champ}",
                    f"{rule.id}: “{tp.name}”: a [[…]] part of a message is closed, does not nest in another "
                    "and quotes at least one field {field}"))
                continue
            lang = "fr" if _bad_in(getattr(rule, key).fr, tp.name) else "en"
            problems.append(Problem(
                "unknown-placeholder", where(key, lang),
                f"{rule.id} : {{{tp.name}}} n'est pas un champ{did_you_mean(tp.name, FIELDS_BY_NAME, 'fr')} ; "
                "les messages ne peuvent citer que des champs, écrits {champ}",
                f"{rule.id}: {{{tp.name}}} is not a field{did_you_mean(tp.name, FIELDS_BY_NAME)}; "
                "messages may only quote fields, written {field}"))
    for i, name in enumerate(rule.measure):
        if name not in FIELDS_BY_NAME:
            problems.append(Problem("unknown-field", where("measure", i),
                                    f"{rule.id} : champ inconnu « {name} »{did_you_mean(name, FIELDS_BY_NAME, 'fr')}",
                                    f"{rule.id}: unknown field '{name}'{did_you_mean(name, FIELDS_BY_NAME)}"))
    if len(problems) > before:
        return None
    cr = CompiledRule(
        id=rule.id, kind=rule.kind, severity=rule.severity, weight=rule.weight, chantiers=tuple(rule.chantiers),
        source=rule, applies=nodes["applies_when"], require=nodes["require"], message=messages["message"],
        message_pass=messages["message_pass"], measure=tuple(rule.measure),
        example_sites=tuple((origin["examples"][0], (*origin["examples"][1], "examples", j))
                            for j in range(len(rule.examples))),
    )
    for name in (*message_fields(cr), *rule.measure):
        slots(name)
    return cr


def _bad_in(text: str, name: str) -> bool:
    return "{" + name in text or "{ " + name in text
