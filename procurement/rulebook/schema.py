"""The rulebook format, as pydantic models: what a YAML rulebook may contain, and nothing else.

Why pydantic and not a hand-written walker: the same models validate a file and generate the JSON Schema
that editors use to autocomplete and underline mistakes (`procurement rules schema`), so the documented
format and the accepted format cannot drift. `extra="forbid"` everywhere: a misspelt key (`aplies_when`)
must be an error, not a silently ignored line that leaves a rule always applicable.

These models check the *shape* only. Whether a condition names a real field, an operator that accepts
that field's kind, or a value of the right type is checked by `procurement.rulebook.compiler`, which
knows the canonical field table; whether examples give their stated outcome is checked by the loader.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from procurement.fields import FIELDS

RULE_ID_PATTERN = r"^[A-Z]{2,5}-[0-9]{2,3}$"
Kind_ = Literal["legal", "risk", "kpi"]
Scope = Literal["pre_award", "execution", "monitoring"]
Severity = Literal["error", "warning", "info"]
Imperative = Literal["emploi", "inclusion", "transition_ecologique"]
Binds = Literal["order", "year"]
Expect = Literal["pass", "fail", "not_applicable", "insufficient_data"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Strict):
    """A text in French and English: every user-facing sentence exists in both from the start."""

    fr: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]


# ---------------------------------------------------------------------------------------------------------
# Conditions. A condition is data: a leaf {field, op, value} or a combination all / any / not.
# The operator and field lists are given to the JSON Schema as enums for autocompletion only; the
# compiler checks them itself so that a mistake gets a "did you mean" rather than a list of 20 names.
# ---------------------------------------------------------------------------------------------------------


def _operator_names() -> list[str]:
    from procurement.rulebook.operators import OPERATORS  # late: operators import nothing from here

    return sorted(OPERATORS)


class Leaf(_Strict):
    """One test on one field of the order. `value` is omitted for `present`, `absent` and `reported`."""

    field: str = Field(
        description="Canonical field name (see procurement/fields.py).",
        json_schema_extra={"enum": sorted(f.name for f in FIELDS)},
    )
    op: str = Field(description="Operator name.", json_schema_extra={"enum": _operator_names()})
    value: Any = Field(
        default=None,
        description="Expected value; its type depends on the field kind and the operator "
        "(text, number, date, list, or a table name for in_table).",
    )


class AllOf(_Strict):
    """True when every sub-condition is true; unknown when none is false but one is unknown."""

    all_: list[Condition] = Field(alias="all", min_length=1)


class AnyOf(_Strict):
    """True when one sub-condition is true; unknown when none is true but one is unknown."""

    any_: list[Condition] = Field(alias="any", min_length=1)


class NotOf(_Strict):
    """The negation; the negation of unknown is unknown."""

    not_: Condition = Field(alias="not")


def condition_tag(value: Any) -> str:
    """Choose the condition model from the key present, so that errors speak of the right one."""
    if isinstance(value, dict):
        for key in ("all", "any", "not"):
            if key in value:
                return key
        return "leaf"
    return {AllOf: "all", AnyOf: "any", NotOf: "not"}.get(type(value), "leaf")


Condition = Annotated[
    Annotated[Leaf, Tag("leaf")] | Annotated[AllOf, Tag("all")] | Annotated[AnyOf, Tag("any")]
    | Annotated[NotOf, Tag("not")],
    Discriminator(condition_tag),
]
AllOf.model_rebuild()
AnyOf.model_rebuild()
NotOf.model_rebuild()


# ---------------------------------------------------------------------------------------------------------
# Rules
# ---------------------------------------------------------------------------------------------------------


NOTE_DOC = "In French: English output shows it as written, marked \"(in French)\"."


class LegalRef(_Strict):
    """A legal basis. `confidence: recalled` says the fact was not read in the text itself: verify it."""

    text: str = Field(description="The text: code, law, decree, judgment.")
    article: str | None = None
    date: dt.date | None = Field(default=None, description="Date of effect or of the decision.")
    url: Annotated[str, Field(pattern=r"^https?://")] | None = None
    confidence: Literal["verified", "recalled"]
    note: str | None = Field(default=None, description=NOTE_DOC)


class Example(_Strict):
    """A small order and the outcome the rule must give on it: documentation that is also a test."""

    expect: Expect
    order: dict[str, Any] = Field(description="Canonical field values; `id` is optional.")
    format: Literal["decp", "ocds"] | None = Field(
        default=None, description="The order as read from essential data (DECP) or OCDS: the fields that "
        "format cannot carry (procurement/carriage.py) make `reported` unknown. Omitted: a spreadsheet.")
    note: str | None = Field(default=None, description=NOTE_DOC)


class _RuleParts(_Strict):
    """What a rule and an override share (an override may replace any of these)."""

    title: Text | None = None
    message: Text | None = Field(default=None, description="Shown on fail; {field} placeholders only.")
    message_pass: Text | None = Field(default=None, description="Shown on pass (optional).")
    chantiers: Annotated[list[Annotated[int, Field(ge=1, le=8)]], Field(min_length=1)] | None = None
    imperatives: list[Imperative] | None = None
    scope: Scope | list[Scope] | None = None
    severity: Severity | None = None
    weight: Annotated[float, Field(gt=0)] | None = None
    applies_when: Condition | None = None
    require: Condition | None = None
    legal_ref: list[LegalRef] | None = None
    why: Text | None = None
    advice: Text | None = None
    since: dt.date | None = None
    until: dt.date | None = Field(default=None, description="Last day of validity (inclusive).")
    measure: list[str] | None = Field(default=None, description="Fields whose values the finding reports.")
    binds: Binds | None = Field(
        default=None, description="What a legal obligation binds: each order (default), or a buyer's purchases "
        "over a calendar year (EGAlim's shares): an order failing it is not a breach by itself.")
    examples: list[Example] | None = None


class Rule(_RuleParts):
    """A rule. Required keys are re-declared here; the others keep the defaults given below."""

    id: Annotated[str, Field(pattern=RULE_ID_PATTERN)]
    title: Text
    message: Text
    chantiers: Annotated[list[Annotated[int, Field(ge=1, le=8)]], Field(min_length=1)]
    imperatives: list[Imperative] = []
    kind: Kind_
    scope: Scope | list[Scope] = "pre_award"
    severity: Severity
    weight: Annotated[float, Field(gt=0)] = 1.0
    require: Condition
    legal_ref: list[LegalRef] = []
    why: Text
    advice: Text
    measure: list[str] = []
    binds: Binds = "order"
    examples: list[Example] = []

    @model_validator(mode="after")
    def _coherent(self) -> Rule:
        if self.since and self.until and self.until < self.since:
            raise ValueError("until is before since / until est antérieur à since")
        if self.kind == "legal" and not self.legal_ref:
            raise ValueError("a legal rule needs a legal_ref / une règle légale exige un legal_ref")
        if len(set(self.chantiers)) != len(self.chantiers):
            raise ValueError("chantiers are repeated / chantiers répétés")
        if self.binds == "year" and self.kind != "legal":
            raise ValueError("binds: year is for a legal rule / binds: year ne vaut que pour une règle légale")
        return self

    @property
    def scopes(self) -> tuple[str, ...]:
        return (self.scope,) if isinstance(self.scope, str) else tuple(self.scope)


class RuleOverride(_RuleParts):
    """Changes a parent rule: every key given replaces the parent's (a condition is replaced whole)."""


class Target(_Strict):
    """A portfolio target (e.g. 30 % of contracts with a social consideration), named for summaries."""

    value: float
    unit: str = Field(description="'%', '€', 'M€/an'...")
    label: Text
    source: str


TableName = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]


class Rulebook(_Strict):
    """A rulebook file. `extends` names a parent file, relative to this one."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")]
    version: Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9]+([-+.][0-9A-Za-z.-]+)?$")]
    title: Text
    description: Text | None = None
    extends: str | None = None
    tables: dict[TableName, list[str]] = {}
    targets: dict[TableName, Target] = {}
    rules: list[Rule] = []
    overrides: dict[Annotated[str, Field(pattern=RULE_ID_PATTERN)], RuleOverride] = {}
    disable: list[Annotated[str, Field(pattern=RULE_ID_PATTERN)]] = []


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a rulebook file, as published in docs/rulebook.schema.json."""
    schema = Rulebook.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
