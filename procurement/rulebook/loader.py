"""Load a rulebook file: safe YAML, shape checks, `extends` resolution, compilation, example checks.

Why one entry point (`load_rulebook`) doing all checks before returning: a rulebook that loads is one
the engine can trust — every field exists, every value fits its field, every table is known, and every
example gives its stated outcome. Problems are collected across the whole chain of files and reported
together, each at its `file:line:col`, then raised as one `RulebookProblems` (exit status 2).

Composition: a file may `extends:` a parent (a path relative to itself). The parent is resolved first,
recursively (cycles are refused); then the child's `tables` and `targets` replace the parent's of the
same name, its `disable` removes parent rules, its `overrides` replace keys of parent rules (a
condition is replaced whole), and its `rules` are added (an id already defined is an error: use
`overrides`). Problems found in an overridden key point at the override, not at the parent's text.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from procurement.rulebook.book import CompiledRulebook, content_sha256
from procurement.rulebook.build import compile_rulebook
from procurement.rulebook.operators import did_you_mean
from procurement.rulebook.problems import Problem, RulebookProblems
from procurement.rulebook.pydantic_errors import translate
from procurement.rulebook.schema import Rule, Rulebook
from procurement.rulebook.yamlsafe import Locator, YamlProblem, parse_yaml, read_yaml

DEFAULT_RULEBOOK = "relance-renouveau.yaml"


class _Layer:
    """One file of an extends chain: its model, where its values are, its path and digest."""

    def __init__(self, model: Rulebook, locator: Locator, path: Path, digest: str):
        self.model, self.locator, self.path, self.digest = model, locator, path, digest


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def builtin_tables() -> dict[str, frozenset[str]]:
    """The reference tables shipped with the package (communes, NAF lists, CPV groups...).

    Imported lazily: the rulebook package must not depend on the reference data being importable
    (tests pass their own tables), and loading it costs time only when a rulebook is loaded.
    """
    try:
        from procurement.reference import builtin_tables as load  # type: ignore[attr-defined]
    except ImportError:
        return {}
    return dict(load())


def _read_layer(path: Path, problems: list[Problem], text: bytes | None = None, cache: bool = False
                ) -> _Layer | None:
    """Read and shape-check one file (or `text`, shown under the name `path`)."""
    shown = display_path(path) if text is None else str(path)
    try:
        data, locator, raw = read_yaml(path, shown, cache=cache) if text is None else parse_yaml(text, shown)
    except YamlProblem as yp:
        where = f"{shown}:{yp.line}:{yp.col}" if yp.line else shown
        problems.append(Problem(yp.code, where, yp.fr, yp.en))
        return None
    if not isinstance(data, dict):
        problems.append(Problem("schema", locator.where(()),
                                "un référentiel est une table de clés (id, version, rules…)",
                                "a rulebook is a mapping of keys (id, version, rules...)"))
        return None
    try:
        model = Rulebook.model_validate(data)
    except ValidationError as exc:
        problems.extend(translate(exc, data, locator))
        return None
    return _Layer(model, locator, path, hashlib.sha256(raw).hexdigest())


def _chain(path: Path, problems: list[Problem], text: bytes | None = None, cache: bool = False) -> list[_Layer]:
    """The extends chain, parent first. Stops at the first unreadable file or cycle."""
    layers: list[_Layer] = []
    seen: list[Path] = []
    current: Path | None = path
    while current is not None:
        resolved = current.resolve()
        if resolved in seen:
            cycle = " -> ".join(display_path(p) for p in [*seen, resolved])
            child = layers[-1]
            problems.append(Problem("extends", child.locator.where(("extends",)),
                                    f"cycle d'extends : {cycle}", f"extends cycle: {cycle}"))
            return []
        seen.append(resolved)
        layer = _read_layer(current, problems, text if current is path else None, cache)
        if layer is None:
            return []
        layers.append(layer)
        parent = layer.model.extends
        if parent is None:
            break
        current = (current.parent / parent)
        if not current.is_file():
            problems.append(Problem("extends", layer.locator.where(("extends",)),
                                    f"extends : fichier introuvable « {parent} » (chemin relatif à ce fichier)",
                                    f"extends: file not found '{parent}' (path relative to this file)"))
            return []
    return layers[::-1]


Origin = tuple[Locator, tuple]  # where a rule key was written: locator and path of the rule or override


def _merge(layers: list[_Layer], problems: list[Problem]):
    """Apply each layer on its parent: tables, targets, disable, overrides, new rules."""
    rules: dict[str, Rule] = {}
    origins: dict[str, dict[str, Origin]] = {}
    tables: dict[str, list[str]] = {}
    targets: dict[str, Any] = {}
    for depth, layer in enumerate(layers):
        m, loc = layer.model, layer.locator
        tables.update(m.tables)
        targets.update(m.targets)
        inherited = set(rules)
        if (m.overrides or m.disable) and depth == 0:
            problems.append(Problem("unknown-rule", loc.where(("overrides",) if m.overrides else ("disable",)),
                                    "overrides et disable ne s'emploient qu'avec extends",
                                    "overrides and disable are only meaningful with extends"))
        for i, rid in enumerate(m.disable):
            if rid not in inherited:
                problems.append(_unknown_rule(loc.where(("disable", i)), rid, inherited))
            else:
                rules.pop(rid, None)
                origins.pop(rid, None)
        for rid, override in m.overrides.items():
            if rid not in rules:
                if rid not in m.disable:
                    problems.append(_unknown_rule(loc.where(("overrides", rid), key=True), rid, inherited))
                continue
            given = override.model_dump(by_alias=True, exclude_unset=True)
            merged = {**rules[rid].model_dump(by_alias=True, exclude_unset=True), **given}
            try:
                rules[rid] = Rule.model_validate(merged)
            except ValidationError as exc:
                problems.extend(translate(exc, given, loc, prefix=("overrides", rid)))
                continue
            for key in override.model_fields_set:
                origins[rid][key] = (loc, ("overrides", rid))
        for i, rule in enumerate(m.rules):
            if rule.id in rules:
                first_loc, first_path = origins[rule.id]["id"]
                advice_fr = " ; pour modifier une règle héritée, utilisez overrides" if rule.id in inherited else ""
                advice_en = "; to change an inherited rule, use overrides" if rule.id in inherited else ""
                problems.append(Problem(
                    "duplicate-rule", loc.where(("rules", i, "id")),
                    f"identifiant de règle « {rule.id} » en double (déjà défini en {first_loc.where(first_path)})"
                    + advice_fr,
                    f"duplicate rule id '{rule.id}' (already defined at {first_loc.where(first_path)})" + advice_en))
                continue
            rules[rule.id] = rule
            origins[rule.id] = {key: (loc, ("rules", i)) for key in Rule.model_fields}
    return rules, origins, tables, targets


def _unknown_rule(where: str, rid: str, known: set[str]) -> Problem:
    return Problem("unknown-rule", where, f"règle inconnue « {rid} »{did_you_mean(rid, known, 'fr')}",
                   f"unknown rule '{rid}'{did_you_mean(rid, known)}")


def load_rulebook(path: str | Path, *, tables: Mapping[str, frozenset[str]] | None = None,
                  check_examples: bool = True, cache: bool = False) -> CompiledRulebook:
    """Load, check and compile a rulebook file (and the files it extends).

    `tables`: the built-in lookup tables to use instead of `procurement.reference.builtin_tables()`.
    `check_examples`: run every rule's examples and refuse the rulebook if one gives another outcome
    (`rules test` turns it off to report results itself).
    `cache`: reuse the YAML documents an earlier run parsed from the same bytes (`yamlsafe`, "The
    cache"): the same rulebook, without the quarter of a second PyYAML takes. Off by default, so that
    a library call writes nothing in the user's home; the commands turn it on.
    Raises RulebookProblems (exit status 2) listing every problem found.
    """
    return _load(Path(path), None, tables, check_examples, cache)


def loads_rulebook(text: str, *, name: str = "<rulebook>", tables: Mapping[str, frozenset[str]] | None = None,
                   check_examples: bool = True) -> CompiledRulebook:
    """Like `load_rulebook`, from YAML text (an `extends:` path is relative to the working directory)."""
    return _load(Path(name), text.encode("utf-8"), tables, check_examples, False)


def _load(path: Path, text: bytes | None, tables: Mapping[str, frozenset[str]] | None,
          check_examples: bool, cache: bool) -> CompiledRulebook:
    problems: list[Problem] = []
    layers = _chain(path, problems, text, cache)
    if problems:
        raise RulebookProblems(problems)
    rules, origins, own_tables, targets = _merge(layers, problems)
    builtin = builtin_tables() if tables is None else dict(tables)
    all_tables = {**builtin, **{k: frozenset(v) for k, v in own_tables.items()}}
    book = compile_rulebook(list(rules.values()), origins, all_tables, problems)
    if problems:
        raise RulebookProblems(problems)
    top = layers[-1].model
    compiled = CompiledRulebook(
        id=top.id, version=top.version, title=top.title, rules=book.rules, fields=book.fields, tables=all_tables,
        targets=targets, files=[{"path": display_path(la.path), "sha256": la.digest} for la in layers],
        sha256=content_sha256(top.id, top.version, list(rules.values()), own_tables, targets),
    )
    if check_examples:
        from procurement.rulebook.examples import example_problems, run_examples

        problems.extend(example_problems(run_examples(compiled)))
        if problems:
            raise RulebookProblems(problems)
    return compiled


def load_default(**kwargs: Any) -> CompiledRulebook:
    return load_rulebook(default_rulebook_path(), **kwargs)


def default_rulebook_path() -> Path:
    """The Métropole's rulebook: `rules/` of a source checkout, else the copy installed with the package.

    In a checkout the canonical file is `<project>/rules/relance-renouveau.yaml` (the one people edit
    and review). An installed wheel carries a copy as package data, `procurement/data/rules/`, put there
    at build time; it is used only when no checkout is around the package.
    """
    package_dir = Path(__file__).resolve().parent.parent
    checkout = package_dir.parent / "rules" / DEFAULT_RULEBOOK
    if checkout.is_file() and (package_dir.parent / "pyproject.toml").is_file():
        return checkout
    from importlib.resources import files

    installed = Path(str(files("procurement") / "data" / "rules" / DEFAULT_RULEBOOK))
    return installed if installed.is_file() else checkout
