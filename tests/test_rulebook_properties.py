"""Property tests: evaluation never raises on arbitrary orders and valid rulebooks; unknown stays unknown."""

from __future__ import annotations

import datetime as dt
import json
import string

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procurement.carriage import DECP, OCDS
from procurement.engine import evaluate
from procurement.fields import FIELDS, Kind
from procurement.model import Order
from procurement.rulebook import STATUSES, loads_rulebook
from procurement.rulebook.operators import OPERATORS
from procurement.scoring import score

TABLES = {"codes": frozenset({"13055", "45", "5610A", "marche", "pme"}), "empty": frozenset()}
ORDER_FIELDS = [f for f in FIELDS if f.name in Order.model_fields and f.name != "id"]
NUMERIC = {Kind.MONEY, Kind.NUMBER, Kind.INTEGER, Kind.PERCENT}

dates = st.dates(dt.date(1990, 1, 1), dt.date(2040, 12, 31))
words = st.text(min_size=1, max_size=12).filter(lambda w: w.strip())
digits = st.text(string.digits, min_size=2, max_size=8)


def number(kind: Kind):
    if kind == Kind.INTEGER:
        return st.integers(0, 10_000)
    if kind == Kind.PERCENT:
        return st.floats(0, 100)
    return st.floats(0, 1e9)


def order_value(f):
    kind = f.kind
    if kind == Kind.ENUM:
        return st.sampled_from(f.choices)
    if kind == Kind.ENUM_SET:
        return st.lists(st.sampled_from(f.choices), max_size=3).map(tuple)
    if kind == Kind.CPV:
        return st.text(string.digits, min_size=8, max_size=8)
    if kind in NUMERIC:
        return number(kind)
    if kind == Kind.DATE:
        return dates
    if kind == Kind.BOOL:
        return st.booleans()
    return st.text(max_size=30)


orders = st.builds(
    lambda d, uncarried: Order.model_validate({"id": "H", "source": {"file": "h"}, "uncarried": uncarried, **d}),
    st.fixed_dictionaries({}, optional={f.name: st.one_of(st.none(), order_value(f)) for f in ORDER_FIELDS}),
    st.sampled_from([None, DECP, OCDS]),  # read from a spreadsheet, DECP or OCDS: what `reported` reads
)


def scalar(f):
    if f.kind in (Kind.ENUM, Kind.ENUM_SET):
        return st.sampled_from(f.choices)
    if f.kind == Kind.CPV:
        return digits
    if f.kind in NUMERIC:
        return number(f.kind)
    if f.kind == Kind.DATE:
        return dates
    if f.kind == Kind.BOOL:
        return st.booleans()
    return words


def value_for(f, op: str):
    if op in ("present", "absent", "reported"):
        return st.none()
    if op in ("equals", "not_equals"):
        return scalar(f)
    if op in ("in", "not_in", "contains_any", "contains_all", "matches_words"):
        return st.lists(scalar(f), min_size=1, max_size=3)
    if op in ("gt", "gte", "lt", "lte", "date_on_or_after", "date_before"):
        return scalar(f)
    if op == "between":
        return st.lists(scalar(f), min_size=2, max_size=2).map(sorted)
    if op == "startswith":
        return st.lists(digits if f.kind == Kind.CPV else words, min_size=1, max_size=3)
    if op == "cpv_in":
        return st.lists(digits, min_size=1, max_size=3)
    assert op == "in_table"
    return st.sampled_from(sorted(TABLES))


@st.composite
def leaves(draw):
    f = draw(st.sampled_from(ORDER_FIELDS))
    op = draw(st.sampled_from(sorted(n for n, o in OPERATORS.items() if f.kind in o.kinds)))
    leaf = {"field": f.name, "op": op}
    value = draw(value_for(f, op))
    if value is not None:
        leaf["value"] = value
    return leaf


conditions = st.recursive(
    leaves(),
    lambda kids: st.one_of(
        st.lists(kids, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(kids, min_size=1, max_size=3).map(lambda c: {"any": c}),
        kids.map(lambda c: {"not": c}),
    ),
    max_leaves=6,
)


@st.composite
def rules(draw, n: int):
    out = []
    for i in range(n):
        rule = {
            "id": f"PRP-{i:02d}",
            "title": {"fr": "T", "en": "T"},
            "message": {"fr": "Montant {amount}, {launch_date}", "en": "Amount {amount}, {env_considerations}"},
            "chantiers": draw(st.lists(st.integers(1, 8), min_size=1, max_size=3, unique=True)),
            "kind": draw(st.sampled_from(["risk", "kpi"])),
            "severity": "warning",
            "weight": draw(st.floats(0.1, 10)),
            "why": {"fr": "P", "en": "W"},
            "advice": {"fr": "C", "en": "A"},
            "require": draw(conditions),
            "measure": ["amount"],
        }
        if draw(st.booleans()):
            rule["applies_when"] = draw(conditions)
        if draw(st.booleans()):
            rule["since"] = draw(dates)
        out.append(rule)
    return out


def book_of(rule_list):
    doc = {"id": "prop", "version": "1.0.0", "title": {"fr": "P", "en": "P"}, "rules": rule_list}
    return loads_rulebook(yaml.safe_dump(doc, allow_unicode=True), tables=TABLES)


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(rule_list=rules(3), order_list=st.lists(orders, min_size=1, max_size=4))
def test_evaluation_never_raises_and_explains_itself(rule_list, order_list):
    book = book_of(rule_list)
    for o in order_list:
        findings = evaluate(o, book)
        assert len(findings) == len(book.rules)
        for f in findings:
            assert f.status in STATUSES
            json.dumps(f.to_dict("fr"))  # evidence re-evaluates every leaf and agrees with the status
            if f.status == "insufficient_data":
                assert f.missing
        s = score(findings)
        assert s.overall is None or 0 <= s.overall <= 100


@SETTINGS
@given(rule_list=rules(2), o=orders)
def test_unknown_required_fields_give_insufficient_data(rule_list, o):
    book = book_of(rule_list)
    for rule in book.rules:
        wanted = set(rule.require.fields())
        uses_presence = bool({"present", "absent", "reported"} & set(_ops(rule.require)))
        blank = o.model_copy(update=dict.fromkeys(wanted))
        status = rule.status(book.values(blank))
        if not uses_presence:
            # every value `require` reads is unknown: never a pass, never a fail
            assert status in ("insufficient_data", "not_applicable")


@SETTINGS
@given(rule_list=rules(3), o=orders, other=orders)
def test_a_field_not_listed_as_missing_cannot_change_an_insufficient_verdict(rule_list, o, other):
    """`missing` asks only for what matters: filling in any other unknown field leaves the verdict unknown.

    Three-valued logic is monotone, so a part already decided stays decided whatever its unknown leaves
    become. Exceptions, by design: `present` / `absent` read "unknown" as a fact, so their fields are
    left out (and `reported`'s, which reads "empty" as a fact where the format could carry the field);
    and the reference date is "launch_date, else notification_date", so for a rule with a
    validity window either date can settle it (a launch date replaces the notification date as the
    reference, and may fall outside the window).
    """
    book = book_of(rule_list)
    for f in evaluate(o, book):
        if f.status != "insufficient_data":
            continue
        rule = f.compiled
        nodes = [rule.require] + ([rule.applies] if rule.applies is not None else [])
        presence = {leaf.field for n in nodes for leaf in _leaves(n) if leaf.op in ("present", "absent", "reported")}
        if rule.source.since or rule.source.until:
            presence.update(("notification_date", "launch_date"))
        unknown = {name for name in rule.condition_fields() if getattr(o, name) is None}
        free = unknown - set(f.missing) - presence
        filled = o.model_copy(update={name: getattr(other, name) for name in free})
        assert rule.status(book.values(filled)) == "insufficient_data", (rule.id, sorted(free), f.missing)


@SETTINGS
@given(o=orders)
def test_default_rulebook_on_arbitrary_orders(o):
    from procurement.rulebook import load_default

    book = _default(load_default)
    for f in evaluate(o, book):
        json.dumps(f.to_dict("en"))


def _ops(node) -> list[str]:
    return [node.op] if hasattr(node, "op") else [op for child in node.children for op in _ops(child)]


def _leaves(node) -> list:
    return [node] if hasattr(node, "op") else [leaf for child in node.children for leaf in _leaves(child)]


_cache: dict[str, object] = {}


def _default(load):
    if "book" not in _cache:
        _cache["book"] = load()
    return _cache["book"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10) | dates,
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=2),
    max_leaves=5,
)


@SETTINGS
@given(field=st.sampled_from(ORDER_FIELDS), op=st.sampled_from(sorted(OPERATORS)), value=json_values)
def test_any_value_is_either_compiled_or_reported(field, op, value):
    from procurement.rulebook.compiler import CompileContext, Slots, compile_condition
    from procurement.rulebook.schema import Leaf

    problems: list[tuple] = []
    node = compile_condition(Leaf(field=field.name, op=op, value=value),
                             CompileContext(Slots(), TABLES, lambda *p: problems.append(p)))
    assert (node is None) == bool(problems)  # never an exception: a value is accepted or explained
