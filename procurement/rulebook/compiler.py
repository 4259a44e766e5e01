"""Compile conditions, once, into closures; evaluate them with three-valued logic.

Why closures: a rulebook is evaluated on hundreds of thousands of orders. Interpreting the condition
tree for each order would re-do, every time, the work that can be done once: looking up the operator,
coercing the value, building sets and regular expressions. Here each leaf becomes a small function
`vals -> True | False | None` over a tuple of the order's values (read once per order for the whole
rulebook with one `operator.attrgetter`), and `all` / `any` / `not` become functions over those. No
user text is ever passed to `eval` or `exec`.

Three-valued logic, because an unknown value must never make a rule pass or fail: a leaf on an unknown
(None) field is None, except `present` / `absent`; `reported` tests a slot of its own
(operators.reported_value), unknown when the input's format cannot carry the field and false when it
could but it is empty. `all` is False if any part is False, else None if any is None, else True; `any`
is True if any part is True, else None if any is None, else False; `not None` is None.

Evidence is not built on the fast path: each node also has `explain`, which re-evaluates every leaf
(no short-circuit) and records `(part, field, op, expected, actual, result)`. Evaluation is pure, so
the explanation given later, from the same values, is the one that produced the verdict. A leaf under
an odd number of `not` records the negated test (`not matches_words`, and its result negated): the row
then says what the verdict rests on (compile_condition says why).

`explain` also collects the MISSING fields: those whose knowledge could change the result. A node whose
result is already decided (an `all` with a False part, an `any` with a True part, a known leaf) has none,
whatever unknown leaves it holds: knowing them cannot change it, because three-valued logic is monotone
(refining an unknown into a value never changes a decided node). An undecided node's missing fields are
those of its undecided parts. So an `insufficient_data` verdict always has at least one missing field, and
asks only for what matters (a consultation is not asked its notification date when its launch date
already decides).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from procurement.fields import FIELDS_BY_NAME
from procurement.rulebook.inline import inline_leaf
from procurement.rulebook.operators import NEGATION, OPERATORS, REPORTED_SLOT, Tables, ValueProblem, did_you_mean
from procurement.rulebook.render import choice_value
from procurement.rulebook.schema import AllOf, AnyOf, Leaf, NotOf

Fast = Callable[[tuple], bool | None]
EvidenceRow = tuple[str, str, str, Any, Any, bool | None]  # part, field, op, expected, actual, result


class Slots:
    """Assigns each field used by a rulebook a position in the per-order value tuple.

    The derived slots of `reported` (operators.REPORTED_SLOT) count from the end (-1, -2...): the tuple
    is the fields' values, then theirs, so that `values()` can read them as their fields' values and
    replace only the last items when a field is not given (book.values_getter)."""

    # The reference dates, the id (Finding.order_id), and the fields the order's format cannot carry
    # (Order.uncarried: what a missing field's message says, engine.Finding.not_carried).
    def __init__(self, first: tuple[str, ...] = ("launch_date", "notification_date", "id", "uncarried")):
        self.index: dict[str, int] = {name: i for i, name in enumerate(first)}
        self.derived: dict[str, int] = {}

    def __call__(self, name: str) -> int:
        if name.startswith(REPORTED_SLOT):
            return self.derived.setdefault(name, -1 - len(self.derived))
        return self.index.setdefault(name, len(self.index))

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.index) + tuple(reversed(self.derived))  # the first derived slot last (-1)


class CompileContext:
    """What compiling one condition needs: slots, tables, and where to report problems."""

    def __init__(self, slots: Slots, tables: Tables, report: Callable[[str, tuple, str, str], None]):
        self.slots, self.tables, self.report = slots, tables, report


# ---------------------------------------------------------------------------------------------------------
# Nodes
# ---------------------------------------------------------------------------------------------------------


class LeafNode:
    """One test on one field. Under an odd number of `not` (`negated`), its evidence row is the negated
    test's: op `not <op>` and the negation of the result, so that a row never reads against its verdict
    (RISK-01's `not matches_words` failing showed `matches_words -> true`). `explain` still returns the
    test's own result, which the `not` above it negates."""

    __slots__ = ("expected", "fast", "field", "i", "negated", "op", "pred", "reads", "sees_unknown", "shown",
                 "shown_op")

    def __init__(self, field: str, op: str, expected: Any, i: int, pred: Callable[[Any], bool], sees_unknown: bool,
                 inline: Fast | None = None, negated: bool = False, shown: tuple[int, str] | None = None):
        self.field, self.op, self.expected, self.i, self.pred = field, op, expected, i, pred
        self.sees_unknown = sees_unknown
        # The slot of the value its evidence row shows, and the names of the slots it reads: its field's,
        # and for `reported` the derived one it tests too (operators.reported_value), which a row never
        # shows (a value, or null: never the marker of an empty or uncarried field).
        self.shown = i if shown is None else shown[0]
        self.reads = (field,) if shown is None else (field, shown[1])
        self.negated = negated
        self.shown_op = NEGATION + op if negated else op
        if inline is not None:
            self.fast = inline
        elif sees_unknown:
            self.fast = lambda vals: pred(vals[i])
        else:

            def fast(vals: tuple) -> bool | None:
                v = vals[i]
                return None if v is None else pred(v)

            self.fast = fast

    def explain(self, vals: tuple, part: str, out: list[EvidenceRow], missing: list[str] | None = None) -> bool | None:
        v = vals[self.i]
        r = self.pred(v) if (v is not None or self.sees_unknown) else None
        out.append((part, self.field, self.shown_op, self.expected, vals[self.shown],
                    (not r) if self.negated and r is not None else r))
        if r is None and missing is not None:
            missing.append(self.field)
        return r

    def fields(self) -> list[str]:
        return [self.field]

    def slot_names(self) -> list[str]:
        return list(self.reads)

    def describe(self, lang: str, depth: int = 0) -> list[str]:
        op = OPERATORS[self.op]
        f = FIELDS_BY_NAME[self.field]
        kind = None if self.op == "in_table" else f.kind  # a table's name, not a code
        value = choice_value(self.expected, f.name, kind, lang) if self.expected is not None else ""
        phrase = op.phrase_fr if lang == "fr" else op.phrase_en
        return ["  " * depth + phrase.format(field=f"{f.header(lang)} [{f.name}]", value=value).rstrip()]


def all3(results: list[bool | None]) -> bool | None:
    if False in results:
        return False
    return None if None in results else True


def any3(results: list[bool | None]) -> bool | None:
    if True in results:
        return True
    return None if None in results else False


class _Group:
    __slots__ = ("children", "fast")
    word: ClassVar[dict[str, str]] = {"fr": "", "en": ""}
    combine = staticmethod(all3)

    def __init__(self, children: list[Any]):
        self.children = children

    def explain(self, vals: tuple, part: str, out: list[EvidenceRow], missing: list[str] | None = None) -> bool | None:
        """Every leaf is evaluated and recorded; `missing` gets the unknown fields that could change the result."""
        results: list[bool | None] = []
        undecided: list[str] = []
        for child in self.children:
            own: list[str] = []
            r = child.explain(vals, part, out, own)
            results.append(r)
            if r is None:  # a decided part (True or False) has nothing to ask, whatever it holds
                undecided.extend(own)
        result = self.combine(results)
        if result is None and missing is not None:  # decided: no unknown below can change it
            missing.extend(undecided)
        return result

    def fields(self) -> list[str]:
        return [f for c in self.children for f in c.fields()]

    def slot_names(self) -> list[str]:
        return [f for c in self.children for f in c.slot_names()]

    def describe(self, lang: str, depth: int = 0) -> list[str]:
        lines = ["  " * depth + self.word[lang]]
        for c in self.children:
            lines.extend(c.describe(lang, depth + 1))
        return lines


class AllNode(_Group):
    __slots__ = ()
    word: ClassVar[dict[str, str]] = {"fr": "toutes ces conditions :", "en": "all of:"}
    combine = staticmethod(all3)

    def __init__(self, children: list[Any]):
        super().__init__(children)
        fasts = tuple(c.fast for c in children)
        if len(fasts) == 2:
            c1, c2 = fasts

            def fast2(vals: tuple) -> bool | None:
                a = c1(vals)
                if a is False:
                    return False
                b = c2(vals)
                if b is False:
                    return False
                return None if (a is None or b is None) else True

            self.fast = fast2
            return

        def fast(vals: tuple) -> bool | None:
            unknown = False
            for c in fasts:
                r = c(vals)
                if r is False:
                    return False
                if r is None:
                    unknown = True
            return None if unknown else True

        self.fast = fast


class AnyNode(_Group):
    __slots__ = ()
    word: ClassVar[dict[str, str]] = {"fr": "l'une de ces conditions :", "en": "any of:"}
    combine = staticmethod(any3)

    def __init__(self, children: list[Any]):
        super().__init__(children)
        fasts = tuple(c.fast for c in children)
        if len(fasts) == 2:
            c1, c2 = fasts

            def fast2(vals: tuple) -> bool | None:
                a = c1(vals)
                if a is True:
                    return True
                b = c2(vals)
                if b is True:
                    return True
                return None if (a is None or b is None) else False

            self.fast = fast2
            return

        def fast(vals: tuple) -> bool | None:
            unknown = False
            for c in fasts:
                r = c(vals)
                if r is True:
                    return True
                if r is None:
                    unknown = True
            return None if unknown else False

        self.fast = fast


class NotNode(_Group):
    __slots__ = ()
    word: ClassVar[dict[str, str]] = {"fr": "pas :", "en": "not:"}

    @staticmethod
    def combine(results: list[bool | None]) -> bool | None:
        r = results[0]
        return None if r is None else not r

    def __init__(self, child: Any):
        super().__init__([child])
        inner = child.fast
        self.fast = lambda vals: None if (r := inner(vals)) is None else not r


# ---------------------------------------------------------------------------------------------------------
# Compilation
# ---------------------------------------------------------------------------------------------------------


def compile_condition(cond: Any, ctx: CompileContext, path: tuple = (), negated: bool = False) -> Any | None:
    """Compile a condition model; report problems through ctx and return None when it cannot compile.

    `negated`: the condition lies under an odd number of `not`. Its leaves then record the negated test
    in the evidence (`LeafNode`): the condition read with its `not`s pushed down to the leaves (De
    Morgan: `not all` is `any` of the negations), where every row's result counts for the verdict in the
    same direction — true rows for a pass or an applicable rule, false rows for a fail."""
    if isinstance(cond, AllOf | AnyOf):
        key = "all" if isinstance(cond, AllOf) else "any"
        parts = cond.all_ if isinstance(cond, AllOf) else cond.any_
        children = [compile_condition(c, ctx, (*path, key, i), negated) for i, c in enumerate(parts)]
        if any(c is None for c in children):
            return None
        return AllNode(children) if key == "all" else AnyNode(children)
    if isinstance(cond, NotOf):
        child = compile_condition(cond.not_, ctx, (*path, "not"), not negated)
        return None if child is None else NotNode(child)
    assert isinstance(cond, Leaf)
    return _compile_leaf(cond, ctx, path, negated)


def _compile_leaf(leaf: Leaf, ctx: CompileContext, path: tuple, negated: bool = False) -> LeafNode | None:
    field = FIELDS_BY_NAME.get(leaf.field)
    op = OPERATORS.get(leaf.op)
    ok = True
    if field is None:
        ctx.report("unknown-field", (*path, "field"),
                   f"champ inconnu « {leaf.field} »{did_you_mean(leaf.field, FIELDS_BY_NAME, 'fr')}",
                   f"unknown field '{leaf.field}'{did_you_mean(leaf.field, FIELDS_BY_NAME)}")
        ok = False
    if op is None:
        ctx.report("unknown-operator", (*path, "op"),
                   f"opérateur inconnu « {leaf.op} »{did_you_mean(leaf.op, OPERATORS, 'fr')}",
                   f"unknown operator '{leaf.op}'{did_you_mean(leaf.op, OPERATORS)}")
        ok = False
    if not ok:
        return None
    assert field is not None and op is not None
    if field.kind not in op.kinds:
        fitting = ", ".join(sorted(n for n, o in OPERATORS.items() if field.kind in o.kinds))
        ctx.report("operator-kind", (*path, "op"),
                   f"l'opérateur {op.name} ne s'applique pas au champ {field.name} (type {field.kind}) ; "
                   f"opérateurs possibles : {fitting}",
                   f"operator {op.name} does not apply to field {field.name} (kind {field.kind}); "
                   f"operators that do: {fitting}")
        return None
    given = "value" in leaf.model_fields_set
    if op.prepare is None:
        if given:
            ctx.report("bad-value", (*path, "value"), f"l'opérateur {op.name} ne prend pas de valeur",
                       f"operator {op.name} takes no value")
            return None
        prepared = None
    else:
        if not given or leaf.value is None:
            ctx.report("bad-value", path, f"l'opérateur {op.name} exige une valeur (value)",
                       f"operator {op.name} needs a value")
            return None
        try:
            prepared = op.prepare(leaf.value, field, ctx.tables)
        except ValueProblem as vp:
            ctx.report(vp.code, (*path, "value"), vp.fr, vp.en)
            return None
    i = ctx.slots(field.name)
    shown = None
    if op.name == "reported":  # tests a slot of its own, shows its field's (LeafNode)
        shown = (i, REPORTED_SLOT + field.name)
        i = ctx.slots(shown[1])
    return LeafNode(field.name, op.name, leaf.value, i, op.make(prepared, field), op.sees_unknown,
                    inline_leaf(op.name, i, prepared, field), negated, shown)
