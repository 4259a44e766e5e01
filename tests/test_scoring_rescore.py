"""`rescore` (a verdict added to an order already scored, as RISK-02 does on replay) against `score` of
all the verdicts: the same scores to the last bit, whatever the statuses, kinds and weights; and a rule
with several findings on one order (RISK-02, one per group) counted once, under its worst status."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.scoring import rescore, score


@dataclass(frozen=True, eq=False)
class Rule:
    id: str
    kind: str
    weight: float
    chantiers: tuple[int, ...]


@dataclass
class Verdict:
    compiled: Rule
    status: str
    order_id: str | None = "C-1"
    missing: tuple[str, ...] = ()


# Weights that are not sums of powers of two: adding them in another order would change the last bits.
RULES = [Rule(f"R-{i}", kind, weight, chantiers) for i, (kind, weight, chantiers) in enumerate([
    ("legal", 0.1, (1, 2)), ("kpi", 0.3, (2,)), ("risk", 0.7, ()), ("kpi", 1.3, (3, 5, 8)),
    ("legal", 2.9, (4,)), ("own_kind", 0.2, (6, 7)), ("kpi", 3.0, (1, 8)),
])]
STATUS = st.sampled_from(["pass", "fail", "not_applicable", "insufficient_data", "waived"])


def verdicts(draw_rules: list[int], statuses: list[str]) -> list[Verdict]:
    return [Verdict(RULES[r], s, missing=(f"field_{r}",) if s == "insufficient_data" else ())
            for r, s in zip(draw_rules, statuses, strict=False)]


def same(a, b) -> None:
    assert a == b
    assert a.to_dict() == b.to_dict()
    assert repr(a.to_dict()) == repr(b.to_dict())  # key order and float bits too
    assert a.tally == b.tally


@settings(max_examples=300, deadline=None)
@given(st.sets(st.integers(0, len(RULES) - 1)), st.lists(STATUS, min_size=len(RULES), max_size=len(RULES)),
       st.lists(st.integers(0, len(RULES) - 1), min_size=1, max_size=3), st.lists(STATUS, min_size=3, max_size=3))
def test_rescore_is_score_of_all(first_rules, first_statuses, added_rules, added_statuses):
    """The worker decides each rule once; the verdicts added on replay are of other rules (RISK-02's),
    possibly several of one rule."""
    first = verdicts(sorted(first_rules), first_statuses)
    added = verdicts([r for r in added_rules if r not in first_rules], added_statuses)
    same(rescore(score(first), added), score(first + added))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(0, len(RULES) - 1), max_size=20), st.lists(STATUS, min_size=20, max_size=20))
def test_a_rule_counts_once_under_its_worst_status(rules, statuses):
    given_verdicts = verdicts(rules, statuses)
    worst = ["fail", "waived", "insufficient_data", "pass", "not_applicable"]
    kept: dict[str, Verdict] = {}
    for v in given_verdicts:
        if v.compiled.id not in kept or worst.index(v.status) < worst.index(kept[v.compiled.id].status):
            kept[v.compiled.id] = v
    scored = score(given_verdicts)
    same(scored, score(list(kept.values())))
    assert sum(scored.counts.values()) == len(kept)


def test_two_failing_groups_weigh_like_one():
    """An order in two RISK-02 groups (the dispensation threshold and the European one) against a pass of
    the same weight: 50, not 33.3; a waived group beside a failing one counts as the failure."""
    risk, other = Rule("RISK-02", "risk", 1.0, (1,)), Rule("X-1", "kpi", 1.0, (1,))
    two = [Verdict(other, "pass"), Verdict(risk, "fail"), Verdict(risk, "fail")]
    assert score(two).overall == 50.0
    assert score(two).counts["fail"] == 1
    assert rescore(score(two[:1]), two[1:]).overall == 50.0
    waived = [Verdict(other, "pass"), Verdict(risk, "waived"), Verdict(risk, "fail")]
    assert score(waived).counts == {"pass": 1, "fail": 1, "not_applicable": 0, "insufficient_data": 0}
    assert score(waived).counts_by_kind["risk"]["fail"] == 1


def test_rescore_needs_the_tally():
    plain = score([Verdict(RULES[0], "pass")])
    from dataclasses import replace

    assert rescore(replace(plain, tally=None), [Verdict(RULES[1], "fail")]) is None
    assert rescore(plain, [Verdict(RULES[1], "fail")]).overall == score(
        [Verdict(RULES[0], "pass"), Verdict(RULES[1], "fail")]).overall


def test_an_order_without_an_id_takes_the_added_verdicts_id():
    first = [Verdict(RULES[0], "not_applicable", order_id=None)]
    added = [Verdict(RULES[2], "fail", order_id="C-9")]
    same(rescore(score(first), added), score(first + added))
    assert rescore(score(first), added).order_id == "C-9"
