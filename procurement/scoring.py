"""Scores of one order: overall and per chantier, on a 0-100 scale, with data completeness apart.

The scale (also in docs/rules.md):

    score(S) = 100 × Σ weight(pass) / Σ weight(pass + fail)

over the rules of the set S that could be evaluated on the order (status pass or fail). S is every
rule for the overall score, and the rules tagged with chantier c for the score of chantier c (a rule
tagged with several chantiers counts in each). not_applicable rules do not count at all. When S has
no evaluated rule the score is None ("no score"), never 0 and never 100.

Why completeness is apart: an order with no data must not look compliant (100) nor failing (0).
Rules that could not be evaluated are counted separately, as

    completeness(S) = evaluated / (evaluated + insufficient_data)     (counts, not weights)

so that a report can say "score 80 on 60 % of the checks we could run", and the user knows which
fields to collect. Legal failures are listed apart: a weighted mean must never hide one.
A rule counts once per order: RISK-02 gives an order one finding per group of possible splitting it is
in (a group may cross the dispensation threshold and the European one), and counting each of them
weighed that rule twice in the scores and counted two verdicts of one rule in `counts` (an order of the
sample read « 5 non conformes » where its report showed 4 rules). Several findings of one rule are
counted under the worst of their statuses (`WORST`), as the batch figures count them.
A status other than the engine's four (`waived`, set by procurement.waivers) is counted, not scored.
But a waiver accepts a verdict, it does not bring the data: a waived insufficient_data finding (its
`original_status`) still counts as insufficient in completeness, else waiving "données insuffisantes"
raised the completeness shown (73 % to 76 % on the sample with `order: "*"`). A waived failure stays out
of the score and of completeness, as before.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from procurement.engine import Finding
from procurement.rulebook.book import FAIL, INSUFFICIENT, NOT_APPLICABLE, PASS, STATUSES

CHANTIERS = tuple(range(1, 9))
WAIVED = "waived"  # procurement.waivers
KINDS = ("legal", "risk", "kpi")
# Several findings of one rule on one order (RISK-02, one per group): the status counted, worst first, here and
# in the batch figures (procurement.aggregate_rules); any other status reads as a failure.
WORST = (FAIL, WAIVED, INSUFFICIENT, PASS, NOT_APPLICABLE)
_RANK = {status: rank for rank, status in enumerate(WORST)}


@dataclass(frozen=True)
class OrderScore:
    """Scores and counts of one order. Scores are 0-100 floats (None: nothing could be evaluated)."""

    order_id: str
    overall: float | None
    by_chantier: dict[int, float | None]
    completeness: float | None  # 0-1
    completeness_by_chantier: dict[int, float | None]
    counts: dict[str, int]  # by status
    counts_by_kind: dict[str, dict[str, int]]
    legal_failures: list[str] = field(default_factory=list)  # rule ids
    missing: dict[str, list[str]] = field(default_factory=dict)  # rule id -> fields it lacked
    # The weight sums and counts behind the scores (passed, failed, evaluated, insufficient, decided by a rule
    # other than a risk; per chantier, index 0 overall), kept for `rescore`; not part of what an output shows
    # or compares.
    tally: tuple[tuple[float, ...], tuple[float, ...], tuple[int, ...], tuple[int, ...], tuple[int, ...]] | None \
        = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "order": self.order_id,
            "overall": self.overall,
            "by_chantier": {str(c): s for c, s in self.by_chantier.items()},
            "completeness": self.completeness,
            "completeness_by_chantier": {str(c): s for c, s in self.completeness_by_chantier.items()},
            "counts": dict(self.counts),
            "counts_by_kind": {k: dict(v) for k, v in self.counts_by_kind.items()},
            "legal_failures": list(self.legal_failures),
            "missing": {k: list(v) for k, v in self.missing.items()},
        }


def _score(passed: float, failed: float) -> float | None:
    """The score of weights passed and failed (None: nothing evaluated)."""
    total = passed + failed
    if total == 0:
        return None
    if failed == 0 or passed == 0:  # exact ends of the scale, whatever the float rounding
        return 100.0 if failed == 0 else 0.0
    return min(100.0, 100.0 * passed / total)


def _completeness(evaluated: int, insufficient: int) -> float | None:
    total = evaluated + insufficient
    return None if total == 0 else evaluated / total


def score(findings: Iterable[Finding], order_id: str | None = None,
          known_missing: dict[str, list[str]] | None = None) -> OrderScore:
    """Score the findings of ONE order (as returned by `engine.evaluate`).

    `known_missing`: the missing fields of the insufficient verdicts, when an earlier scoring of the same
    verdicts gave them (a replayed order rescored with its RISK-02 finding): asking a finding re-explains it.

    Weights and counts are kept in four lists indexed by chantier (0: overall): this runs once per order
    of a million-order batch, where a tally object per chantier was a tenth of the scoring."""
    tally = ([0.0] * 9, [0.0] * 9, [0] * 9, [0] * 9, [0] * 9)
    counts = dict.fromkeys(STATUSES, 0)
    by_kind = {k: dict.fromkeys(STATUSES, 0) for k in KINDS}
    return _counted(findings, order_id, known_missing, tally, counts, by_kind, [], {})


def rescore(scores: OrderScore, added: Iterable[Finding]) -> OrderScore | None:
    """`score` of the verdicts `scores` was made from followed by `added`, without those verdicts: from
    the weight sums and counts kept in `scores.tally`; None if it has none. Why: RISK-02, decided over the
    whole batch, adds a verdict to half the orders of a large batch when they are replayed for writing,
    and scoring an order's 36 verdicts again took 30 µs in each writing process. The result is the same
    to the last bit: sums are added in the same order, the added verdicts coming last. `added` are verdicts
    of rules that `scores` did not count (RISK-02's, which no worker decides); several of one rule count once."""
    if scores.tally is None:
        return None
    passed, failed, evaluated, insufficient, decided = scores.tally
    tally = (list(passed), list(failed), list(evaluated), list(insufficient), list(decided))
    return _counted(added, scores.order_id or None, None, tally, dict(scores.counts),
                    {k: dict(v) for k, v in scores.counts_by_kind.items()}, list(scores.legal_failures),
                    {k: list(v) for k, v in scores.missing.items()})


def _counted(findings: Iterable[Finding], order_id: str | None, known_missing: dict[str, list[str]] | None,
             tally: tuple[list[float], list[float], list[int], list[int], list[int]], counts: dict[str, int],
             by_kind: dict[str, dict[str, int]], legal_failures: list[str], missing: dict[str, list[str]]
             ) -> OrderScore:
    """The findings added to a tally (updated in place), and the scores it then gives.

    A chantier's score needs one of its indicators or legal obligations decided: a risk rule passing says
    that nothing is wrong, not that the chantier advances (as its « successes » on the summary). RISK-01,
    tagged with chantiers 3 and 8 and passing on every contract without a geographic criterion, gave works,
    buses and waste collection a food-autonomy score of 100: 72 of the sample workbook's 134 orders scored
    on chantier 8, which read 83 / 100 where its food orders read 66 (manager review, 2026-11-27). Its
    verdict still counts in the chantier's score of an order that has another."""
    passed, failed, evaluated, insufficient, decided = tally
    findings = one_per_rule(findings)
    for f in findings:
        order_id = order_id if order_id is not None else f.order_id
        status, rule = f.status, f.compiled
        counts[status] = counts.get(status, 0) + 1
        kind = rule.kind
        kind_counts = by_kind.get(kind)
        if kind_counts is None:
            kind_counts = by_kind[kind] = dict.fromkeys(STATUSES, 0)
        kind_counts[status] = kind_counts.get(status, 0) + 1
        if status in (PASS, FAIL):
            sums, weight = (passed if status == PASS else failed), rule.weight
            sums[0] += weight
            evaluated[0] += 1
            for c in rule.chantiers:
                sums[c] += weight
                evaluated[c] += 1
            if kind != "risk":
                for c in rule.chantiers:
                    decided[c] += 1
            if status == FAIL and kind == "legal":
                legal_failures.append(rule.id)
        elif status == INSUFFICIENT or (status == WAIVED and getattr(f, "original_status", None) == INSUFFICIENT):
            insufficient[0] += 1
            for c in rule.chantiers:
                insufficient[c] += 1
            if status == INSUFFICIENT:
                known = known_missing.get(rule.id) if known_missing else None
                missing[rule.id] = list(known if known is not None else f.missing)
        # not_applicable, or a status added downstream (waived): counted, not scored
    return OrderScore(
        order_id=order_id or "",
        overall=_score(passed[0], failed[0]),
        by_chantier={c: _score(passed[c], failed[c]) if decided[c] else None for c in CHANTIERS},
        completeness=_completeness(evaluated[0], insufficient[0]),
        completeness_by_chantier={c: _completeness(evaluated[c], insufficient[c]) for c in CHANTIERS},
        counts=counts,
        counts_by_kind=by_kind,
        legal_failures=legal_failures,
        missing=missing,
        tally=(tuple(passed), tuple(failed), tuple(evaluated), tuple(insufficient), tuple(decided)),
    )


def one_per_rule(findings: Iterable[Finding]) -> list[Finding]:
    """`findings` with one finding per rule, the worst of each rule's (`_RANK`), at its first place."""
    findings = list(findings)
    if len({f.compiled.id for f in findings}) == len(findings):  # the engine's own: one per rule
        return findings
    kept: dict[str, Finding] = {}
    for f in findings:
        rid = f.compiled.id
        other = kept.get(rid)
        if other is None or _RANK.get(f.status, 0) < _RANK.get(other.status, 0):
            kept[rid] = f
    return list(kept.values())


def score_order(findings: Iterable[Finding], rulebook: Any = None,
                known_missing: dict[str, list[str]] | None = None) -> OrderScore:
    """The pipeline's name for `score` (the rulebook is not needed: findings carry their rule)."""
    return score(findings, known_missing=known_missing)
