"""Compiled rules and rulebooks: what the engine evaluates, and the rulebook's identity.

Why a separate compiled form: the YAML models (`schema.Rule`) describe what a person wrote; a
`CompiledRule` holds what evaluation needs, prepared once — condition closures, parsed message
templates, the positions of its fields in the per-order value tuple — plus a reference to the source
model for explanations. A `CompiledRulebook` is immutable; `select()` returns a new one.

The status of a rule on an order is decided here, in one place, so that the engine, the example
runner and `rules test` cannot disagree:
  validity window (since/until) on the reference date (launch_date, else notification_date):
      outside -> not_applicable
  applies_when False -> not_applicable, even when the reference date is unknown: a rule that does not
      apply on the known values needs no date (an open procedure is not "without publicity", whenever
      it was launched)
  reference date unknown -> insufficient_data (missing launch_date, and what applies_when lacks)
  applies_when None -> insufficient_data
  require True -> pass; False -> fail; None -> insufficient_data
Missing fields are only those whose knowledge could change the verdict (compiler.py says how).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import Any

from procurement.rulebook.operators import REPORTED_SLOT, reported_value
from procurement.rulebook.render import Template, parse_template, template_fields
from procurement.rulebook.schema import Example, Rule, Target, Text

PASS, FAIL, NOT_APPLICABLE, INSUFFICIENT = "pass", "fail", "not_applicable", "insufficient_data"
STATUSES = (PASS, FAIL, NOT_APPLICABLE, INSUFFICIENT)
REFERENCE_FIELDS = ("launch_date", "notification_date")  # slots 0 and 1 of every value tuple; the id is 2


@dataclass(frozen=True, eq=False)
class CompiledRule:
    id: str
    kind: str
    severity: str
    weight: float
    chantiers: tuple[int, ...]
    source: Rule  # the validated YAML model: titles, why, advice, legal_ref, examples
    applies: Any  # condition node or None
    require: Any
    message: dict[str, Template]
    message_pass: dict[str, Template] | None
    measure: tuple[str, ...]
    example_sites: tuple[tuple[Any, tuple], ...] = ()  # (Locator, path) where each example was written
    status: Any = field(init=False, repr=False)  # (vals) -> status, the fast path

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", _status_function(self))

    @property
    def met_either_way(self) -> bool:
        """A legal obligation or a risk whose requirement is met passes even when whether it applies is
        unknown: nothing is wrong either way. An open tender of unknown amount was « données insuffisantes »
        under PROC-03 (formal procedure above the EU threshold), and report.html asked the auditor for
        launch dates and amounts that could not change a thing (DECP review). An indicator is not: its
        `applies_when` is the population it measures (SANTE-01's health purchases), which an order of
        unknown CPV is not known to belong to."""
        return self.kind in ("legal", "risk")

    @property
    def title(self) -> Text:
        return self.source.title

    @property
    def examples(self) -> list[Example]:
        return self.source.examples

    def window(self) -> tuple[dt.date | None, dt.date | None]:
        return self.source.since, self.source.until

    @cached_property
    def window_row(self) -> list[Any]:
        """[since, until] of the rule's validity, one list for all its evidence rows (read, never changed)."""
        return [self.source.since, self.source.until]

    def explain(self, vals: tuple) -> tuple[str, list[tuple], tuple[str, ...]]:
        """(status, evidence rows, missing fields), re-evaluating every leaf; agrees with `status`."""
        evidence: list[tuple] = []
        missing: list[str] = []
        since, until = self.source.since, self.source.until
        if since or until:
            ref_field = "launch_date" if vals[0] is not None else "notification_date"
            ref = vals[0] if vals[0] is not None else vals[1]
            inside = None if ref is None else (since is None or ref >= since) and (until is None or ref <= until)
            evidence.append(("validity", ref_field, "between", self.window_row, ref, inside))
            if inside is False:
                return NOT_APPLICABLE, evidence, ()
            if inside is None:
                missing.append("launch_date")
        if self.applies is not None and self.applies.explain(vals, "applies_when", evidence, missing) is False:
            return NOT_APPLICABLE, evidence, ()  # not applicable on the known values, whatever the reference date
        if missing and not self.met_either_way:
            return INSUFFICIENT, evidence, _unique(missing)
        # Whether an obligation applies may be unknown (`missing`): its requirement is still read, since
        # one that is met leaves nothing wrong either way (`met_either_way`).
        r = self.require.explain(vals, "require", evidence, missing)
        if r is True:
            return PASS, evidence, ()
        if r is None or missing:
            return INSUFFICIENT, evidence, _unique(missing)
        return FAIL, evidence, ()

    @cached_property
    def _leaves(self) -> tuple[tuple[int, Any, bool], ...]:
        """(slot, predicate, sees unknown) of each leaf that `explain` evaluates, applies_when's first."""
        out: list[tuple[int, Any, bool]] = []

        def walk(node: Any) -> None:
            children = getattr(node, "children", None)
            if children is None:
                out.append((node.i, node.pred, node.sees_unknown))
            else:
                for child in children:
                    walk(child)

        if self.applies is not None:
            walk(self.applies)
        walk(self.require)
        return tuple(out)

    @cached_property
    def _missing_kept(self) -> dict[tuple, tuple[str, ...]]:
        return {}

    def missing(self, vals: tuple) -> tuple[str, ...]:
        """`explain(vals)[2]` without building the evidence. Which fields are missing follows from the
        leaves' results and the validity window's alone (`explain` decides on nothing else), and they
        take few patterns: the fields are kept by pattern, the leaves evaluated as `explain` does."""
        try:  # every leaf, where `explain` may skip some: one that raises leaves the answer to `explain`
            key = [None if (v := vals[i]) is None and not unknown else pred(v) for i, pred, unknown in self._leaves]
            since, until = self.source.since, self.source.until
            if since or until:
                ref = vals[0] if vals[0] is not None else vals[1]
                key.append(None if ref is None else (since is None or ref >= since) and (until is None or ref <= until))
            pattern = tuple(key)
            kept = self._missing_kept
            found = kept.get(pattern)
        except Exception:
            return self.explain(vals)[2]
        if found is None:
            if len(kept) >= 4096:  # bounded, whatever the rule
                kept.clear()
            found = kept[pattern] = self.explain(vals)[2]
        return found

    def condition_fields(self) -> list[str]:
        out = self.require.fields() + (self.applies.fields() if self.applies else [])
        return list(dict.fromkeys(out))

    def condition_slots(self) -> list[str]:
        """`condition_fields`, and the derived slots its `reported` conditions test (what its verdicts and
        evidence depend on, by slot name)."""
        out = self.require.slot_names() + (self.applies.slot_names() if self.applies else [])
        return list(dict.fromkeys(out))


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _status_function(rule: CompiledRule) -> Any:
    """The fast path, specialised on whether the rule has a validity window and an applies_when."""
    since, until = rule.window()
    applies = rule.applies.fast if rule.applies is not None else None
    require = rule.require.fast
    lo = since or dt.date.min
    hi = until or dt.date.max
    either = rule.met_either_way

    if applies is None:

        def decide(vals: tuple) -> str:
            r = require(vals)
            if r is True:
                return PASS
            return FAIL if r is False else INSUFFICIENT

    else:

        def decide(vals: tuple) -> str:
            a = applies(vals)
            if a is not True:
                if a is False:
                    return NOT_APPLICABLE
                return PASS if either and require(vals) is True else INSUFFICIENT
            r = require(vals)
            if r is True:
                return PASS
            return FAIL if r is False else INSUFFICIENT

    if since is None and until is None:
        return decide

    def windowed(vals: tuple) -> str:
        ref = vals[0]
        if ref is None:
            ref = vals[1]
            if ref is None:  # the date is unknown: an applies_when False decides, or an obligation met
                if applies is not None and applies(vals) is False:
                    return NOT_APPLICABLE
                return PASS if either and require(vals) is True else INSUFFICIENT
        if ref < lo or ref > hi:
            return NOT_APPLICABLE
        return decide(vals)

    return windowed


class CompiledRulebook:
    """An immutable, compiled rulebook. `values(order)` reads every field the rules use, once."""

    def __init__(self, *, id: str, version: str, title: Text, rules: Iterable[CompiledRule], fields: tuple[str, ...],
                 tables: Mapping[str, frozenset[str]], targets: Mapping[str, Target], files: list[dict[str, str]],
                 sha256: str, selection: dict[str, list[str]] | None = None):
        self.id, self.version, self.title = id, version, title
        self.rules: tuple[CompiledRule, ...] = tuple(rules)
        self.fields = fields
        self.values = values_getter(fields)
        self.tables = dict(tables)
        self.targets = dict(targets)
        self.files = files
        self.sha256 = sha256
        self.selection = selection or {}
        self.slot = {name: i for i, name in enumerate(fields)}
        self.uncarried_slot = self.slot.get("uncarried")  # None for a rulebook compiled without it
        self._by_id = {r.id: r for r in self.rules}
        self.plan = tuple((r, r.status) for r in self.rules)  # what the engine loops over

    def rule(self, rule_id: str) -> CompiledRule:
        return self._by_id[rule_id]

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._by_id

    def __len__(self) -> int:
        return len(self.rules)

    def meta(self) -> dict[str, Any]:
        """For every output's `meta`: which rulebook, exactly (sha256 of its resolved content)."""
        meta: dict[str, Any] = {"id": self.id, "version": self.version, "sha256": self.sha256,
                                "files": [dict(f) for f in self.files], "rules": len(self.rules)}
        meta.update({k: list(v) for k, v in self.selection.items() if v})
        return meta

    def replace_rules(self, rules: Iterable[CompiledRule], selection: dict[str, list[str]]) -> CompiledRulebook:
        return CompiledRulebook(id=self.id, version=self.version, title=self.title, rules=rules, fields=self.fields,
                                tables=self.tables, targets=self.targets, files=self.files, sha256=self.sha256,
                                selection=selection)


def values_getter(fields: tuple[str, ...]) -> Any:
    """`values(order)`: the tuple of the order's values in the slots `fields` names. One `attrgetter`
    call (at least the two reference dates: always a tuple) — unless a `reported` condition asks for a
    derived slot (operators.reported_value). Those come last (compiler.Slots) and are read as their
    fields' values, right when the field is given; only when it is not are the last items replaced,
    from the order's `uncarried`. A rulebook without `reported` pays nothing for it."""
    n = sum(1 for name in fields if name.startswith(REPORTED_SLOT))
    if not n:
        return attrgetter(*fields)
    names = tuple(name[len(REPORTED_SLOT):] for name in fields[-n:])
    get = attrgetter(*fields[:-n], *names)
    if n == 1:
        (name,) = names

        def values_one(order: Any) -> tuple:
            vals = get(order)
            v = vals[-1]
            if v is None or v == "" or v == ():
                return (*vals[:-1], reported_value(v, name, order.uncarried))
            return vals

        return values_one

    def values(order: Any) -> tuple:
        vals = get(order)
        tail = vals[-n:]
        if all(v is not None and v != "" and v != () for v in tail):
            return vals
        uncarried = order.uncarried
        return (*vals[:-n], *(reported_value(v, name, uncarried) for v, name in zip(tail, names, strict=True)))

    return values


def parse_texts(text: Text | None) -> dict[str, Template] | None:
    """Parse the fr and en templates of a message (raises render.TemplateProblem)."""
    if text is None:
        return None
    return {"fr": parse_template(text.fr), "en": parse_template(text.en)}


def message_fields(rule: CompiledRule) -> list[str]:
    names: list[str] = []
    for texts in (rule.message, rule.message_pass):
        for tpl in (texts or {}).values():
            names.extend(template_fields(tpl))
    return list(dict.fromkeys(names))


def content_sha256(book_id: str, version: str, rules: list[Rule], tables: Mapping[str, list[str]],
                   targets: Mapping[str, Target]) -> str:
    """sha256 of the resolved rulebook in canonical JSON: formatting and comments do not change it."""
    doc = {
        "id": book_id,
        "version": version,
        "tables": {k: list(v) for k, v in sorted(tables.items())},
        "targets": {k: t.model_dump(mode="json") for k, t in sorted(targets.items())},
        "rules": [r.model_dump(mode="json", by_alias=True, exclude_none=True) for r in rules],
    }
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()
