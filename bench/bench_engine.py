"""Engine benchmark: 30 rules over 100,000 generated orders, beside a plain-Python baseline.

The baseline is the same 30 conditions hand-written in Python, with the same three-valued logic (an
unknown value gives insufficient_data, never pass or fail), returning one status per rule. The engine
returns one Finding per rule, whose evidence can be read on demand; a third measure reads the evidence
of every finding, which is the most a report could ask. Statuses of engine and baseline are checked
equal on every order before timing. Not a test: run `python bench/bench_engine.py [--orders N]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from procurement.engine import evaluate
from procurement.model import Order
from procurement.rulebook import loads_rulebook

AMP = frozenset(f"13{n:03d}" for n in range(1, 120))
NAF_S1 = frozenset({"5510Z", "5520Z", "5530Z", "5610A", "5610C", "5630Z", "9001Z", "9329Z"})
TABLES = {"amp_communes": AMP, "naf_s1": NAF_S1}
NOT_BID = "{any: [{field: nature, op: absent}, {field: nature, op: not_equals, value: offre}]}"
C2026 = "2026-08-21"

# (id, applies_when or None, require, extra YAML)
RULES = [
    ("AMT-01", None, "{field: amount, op: gte, value: 40000}", ""),
    ("AMT-02", None, "{field: amount, op: gte, value: 90000}", ""),
    ("AMT-03", "{field: contract_type, op: equals, value: travaux}", "{field: amount, op: lt, value: 100000}", ""),
    ("AMT-04", "{field: contract_type, op: in, value: [fournitures, services]}",
     "{field: amount, op: lt, value: 60000}", ""),
    ("AMT-05", None, "{field: amount, op: between, value: [216000, 5404000]}", ""),
    ("ENV-01", NOT_BID, "{field: env_considerations, op: contains_any, value: [clause, criterion]}", ""),
    ("ENV-02", NOT_BID, "{field: env_considerations, op: contains_all, value: [clause, criterion]}", ""),
    ("SOC-01", NOT_BID, "{field: social_considerations, op: contains_any, value: [clause, criterion, reserved]}", ""),
    ("ENV-10", f"{{all: [{{field: launch_date, op: date_on_or_after, value: {C2026}}}, {NOT_BID}]}}",
     "{field: env_considerations, op: contains_any, value: [criterion]}", ""),
    ("SOC-10", f"{{all: [{{field: launch_date, op: date_on_or_after, value: {C2026}}}, "
     "{field: amount, op: gte, value: 216000}]}",
     "{field: social_considerations, op: contains_any, value: [clause, reserved]}", ""),
    ("LOC-01", None, "{field: supplier_band, op: equals, value: amp}", ""),
    ("LOC-02", None, "{field: supplier_band, op: in, value: [amp, region_sud]}", ""),
    ("LOC-03", None, "{field: supplier_commune, op: in_table, value: amp_communes}", ""),
    ("LOC-04", None, "{field: supplier_postcode, op: startswith, value: ['13', '83', '84', '04', '05', '06']}", ""),
    ("FOO-01", "{field: cpv, op: cpv_in, value: ['15', '5552', '5551']}", "{field: egalim_share, op: gte, value: 50}",
     ""),
    ("FOO-02", "{field: cpv, op: cpv_in, value: ['15', '5552']}", "{field: organic_share, op: gte, value: 20}", ""),
    ("FOO-03", "{field: cpv, op: cpv_in, value: ['15']}", "{field: meat_fish_egalim_share, op: gte, value: 60}", ""),
    ("FOO-04", "{field: cpv, op: cpv_in, value: ['15']}", "{field: intermediaries, op: lte, value: 1}", ""),
    ("RSK-01", "{field: award_criteria, op: present}",
     "{not: {field: award_criteria, op: matches_words, value: [local, proximité, marseille, bouches-du-rhône]}}", ""),
    ("PRO-01", "{field: procedure, op: equals, value: sans_publicite}", "{field: amount, op: lt, value: 40000}", ""),
    ("PRO-02", "{field: amount, op: gte, value: 216000}",
     "{field: procedure, op: in, value: [appel_offres_ouvert, appel_offres_restreint, dialogue_competitif]}", ""),
    ("DAT-01", "{field: amount, op: gte, value: 40000}", "{field: publication_date, op: present}", ""),
    ("SME-01", None, "{field: supplier_size, op: equals, value: pme}", ""),
    ("ESS-01", None, "{field: supplier_status, op: in, value: [siae, ea, esat, ess]}", ""),
    ("NAF-01", None, "{field: supplier_naf, op: in_table, value: naf_s1}", ""),
    ("INN-01", None, "{field: innovative, op: equals, value: true}", ""),
    ("REC-01", "{field: cpv, op: cpv_in, value: ['30', '39']}", "{field: recycled_share, op: gte, value: 20}", ""),
    ("GES-01", None, "{any: [{field: declared_emissions, op: present}, "
     "{field: estimated_emissions, op: lt, value: 10000}]}", ""),
    ("TRN-01", "{field: cpv, op: cpv_in, value: ['3413', '3414', '3512', '4523', '6011']}",
     "{field: env_considerations, op: contains_any, value: [clause, criterion]}", ""),
    ("WIN-01", None, "{field: amount, op: gte, value: 25000}", "since: 2024-01-01\nuntil: 2026-12-31\n"),
]


def rulebook_text() -> str:
    out = ["id: bench\nversion: 1.0.0\ntitle: {fr: Banc, en: Bench}\nrules:\n"]
    for rid, applies, require, extra in RULES:
        out.append(f"""\
  - id: {rid}
    title: {{fr: {rid}, en: {rid}}}
    message: {{fr: "Échec {{amount}}", en: "Failed {{amount}}"}}
    chantiers: [1]
    kind: kpi
    severity: info
    why: {{fr: P, en: W}}
    advice: {{fr: C, en: A}}
    require: {require}
""")
        if applies:
            out.append(f"    applies_when: {applies}\n")
        out.extend(f"    {line}\n" for line in extra.splitlines())
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------
# Baseline: the same 30 rules by hand.
# ---------------------------------------------------------------------------------------------------------
P, F, NA, INS = "pass", "fail", "not_applicable", "insufficient_data"
D2026 = dt.date(2026, 8, 21)
WIN = (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
WORDS = re.compile(r"\b(?:local|proximite|marseille|bouches\-du\-rhone)\b")


def fold(text: str) -> str:
    if text.isascii():
        return text.casefold()
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def req(v, test) -> str:
    if v is None:
        return INS
    return P if test(v) else F


def not_bid(o) -> bool:
    return o.nature is None or o.nature != "offre"


def b_amt(t):
    return lambda o: req(o.amount, lambda a: a >= t)


def b_amt03(o):
    if o.contract_type is None:
        return INS
    return req(o.amount, lambda a: a < 100000) if o.contract_type == "travaux" else NA


def b_amt04(o):
    if o.contract_type is None:
        return INS
    return req(o.amount, lambda a: a < 60000) if o.contract_type in ("fournitures", "services") else NA


def b_env01(o):
    return req(o.env_considerations, lambda e: "clause" in e or "criterion" in e) if not_bid(o) else NA


def b_env02(o):
    return req(o.env_considerations, lambda e: "clause" in e and "criterion" in e) if not_bid(o) else NA


def b_soc01(o):
    return req(o.social_considerations, lambda e: "clause" in e or "criterion" in e or "reserved" in e) \
        if not_bid(o) else NA


def b_env10(o):
    d = o.launch_date
    after = None if d is None else d >= D2026
    if after is False or not not_bid(o):
        return NA
    if after is None:
        return INS
    return req(o.env_considerations, lambda e: "criterion" in e)


def b_soc10(o):
    d, a = o.launch_date, o.amount
    after = None if d is None else d >= D2026
    big = None if a is None else a >= 216000
    if after is False or big is False:
        return NA
    if after is None or big is None:
        return INS
    return req(o.social_considerations, lambda e: "clause" in e or "reserved" in e)


def cpv_rule(prefixes, field, test):
    def rule(o):
        c = o.cpv
        if c is None:
            return INS
        if not c.startswith(prefixes):
            return NA
        return req(getattr(o, field), test)

    return rule


def b_rsk01(o):
    ac = o.award_criteria
    if ac is None or ac == "":
        return NA
    return F if WORDS.search(fold(ac)) else P


def b_pro01(o):
    if o.procedure is None:
        return INS
    return req(o.amount, lambda a: a < 40000) if o.procedure == "sans_publicite" else NA


def b_pro02(o):
    a = o.amount
    if a is None:
        return INS
    if a < 216000:
        return NA
    return req(o.procedure, lambda p: p in ("appel_offres_ouvert", "appel_offres_restreint", "dialogue_competitif"))


def b_dat01(o):
    a = o.amount
    if a is None:
        return INS
    if a < 40000:
        return NA
    return P if o.publication_date is not None else F


def b_co2(o):
    if o.declared_emissions is not None:
        return P
    return req(o.estimated_emissions, lambda e: e < 10000)


def b_win(o):
    ref = o.launch_date if o.launch_date is not None else o.notification_date
    if ref is None:
        return INS
    if ref < WIN[0] or ref > WIN[1]:
        return NA
    return req(o.amount, lambda a: a >= 25000)


BASELINE = [
    b_amt(40000), b_amt(90000), b_amt03, b_amt04,
    lambda o: req(o.amount, lambda a: 216000 <= a <= 5404000),
    b_env01, b_env02, b_soc01, b_env10, b_soc10,
    lambda o: req(o.supplier_band, lambda b: b == "amp"),
    lambda o: req(o.supplier_band, lambda b: b in ("amp", "region_sud")),
    lambda o: req(o.supplier_commune, lambda c: c in AMP),
    lambda o: req(o.supplier_postcode, lambda c: c.startswith(("13", "83", "84", "04", "05", "06"))),
    cpv_rule(("15", "5552", "5551"), "egalim_share", lambda s: s >= 50),
    cpv_rule(("15", "5552"), "organic_share", lambda s: s >= 20),
    cpv_rule(("15",), "meat_fish_egalim_share", lambda s: s >= 60),
    cpv_rule(("15",), "intermediaries", lambda s: s <= 1),
    b_rsk01, b_pro01, b_pro02, b_dat01,
    lambda o: req(o.supplier_size, lambda s: s == "pme"),
    lambda o: req(o.supplier_status, lambda s: s in ("siae", "ea", "esat", "ess")),
    lambda o: req(o.supplier_naf, lambda n: n.replace(".", "").upper() in NAF_S1),
    lambda o: req(o.innovative, lambda b: b is True),
    cpv_rule(("30", "39"), "recycled_share", lambda s: s >= 20),
    b_co2,
    cpv_rule(("3413", "3414", "3512", "4523", "6011"), "env_considerations",
             lambda e: "clause" in e or "criterion" in e),
    b_win,
]


def baseline(o) -> list[str]:
    return [rule(o) for rule in BASELINE]


# ---------------------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------------------


def generate(n: int, seed: int = 7) -> list[Order]:
    rng = random.Random(seed)

    def maybe(value, p=0.2):
        return None if rng.random() < p else value

    cpvs = ["15811000", "55520000", "45233140", "34144900", "30192000", "39130000", "71311000", "90910000"]
    texts = ["Prix 60 %, valeur technique 40 %", "Critère local 10 %", "Proximité du prestataire",
             "Délai d'intervention, Bouches-du-Rhône", "Coût global du cycle de vie"]
    orders = []
    for i in range(n):
        start = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1500))
        orders.append(Order.model_validate({
            "id": f"B{i}", "source": {"file": "bench"},
            "nature": maybe(rng.choice(["marche", "accord_cadre", "bon_de_commande", "offre"])),
            "procedure": maybe(rng.choice(["procedure_adaptee", "appel_offres_ouvert", "sans_publicite"])),
            "cpv": maybe(rng.choice(cpvs)),
            "amount": maybe(round(rng.lognormvariate(10.5, 1.6), 2)),
            "launch_date": maybe(start, 0.5),
            "notification_date": maybe(start + dt.timedelta(days=60)),
            "publication_date": maybe(start + dt.timedelta(days=90), 0.5),
            "supplier_postcode": maybe(rng.choice(["13001", "13100", "83000", "75011", "69003"])),
            "supplier_commune": maybe(rng.choice(["13001", "13055", "13100", "75111", "69383"])),
            "supplier_size": maybe(rng.choice(["pme", "eti", "ge"])),
            "supplier_naf": maybe(rng.choice(["5610A", "56.10C", "4120A", "7112B"])),
            "supplier_status": maybe(rng.choice(["siae", "ea", "none", "none", "ess"])),
            "supplier_band": maybe(rng.choice(["amp", "region_sud", "france", "eu"])),
            "env_considerations": maybe(tuple(rng.sample(["clause", "criterion"], rng.randrange(3))) or ("none",)),
            "social_considerations": maybe(tuple(rng.sample(["clause", "reserved"], rng.randrange(3))) or ("none",)),
            "award_criteria": maybe(rng.choice(texts), 0.6),
            "egalim_share": maybe(rng.uniform(0, 100), 0.5),
            "organic_share": maybe(rng.uniform(0, 60), 0.5),
            "meat_fish_egalim_share": maybe(rng.uniform(0, 100), 0.5),
            "intermediaries": maybe(rng.randrange(4), 0.5),
            "recycled_share": maybe(rng.uniform(0, 50), 0.5),
            "innovative": maybe(rng.random() < 0.1),
            "declared_emissions": maybe(rng.uniform(0, 1e5), 0.8),
            "estimated_emissions": maybe(rng.uniform(0, 3e4), 0.3),
            "contract_type": maybe(rng.choice(["travaux", "fournitures", "services"])),
        }))
    return orders


def rates(fns: dict, orders: list, rounds: int) -> dict[str, float]:
    """Median orders/s of each function over `rounds` interleaved runs (machine noise hits all alike)."""
    speeds: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for o in orders:
                fn(o)
            speeds[name].append(len(orders) / (time.perf_counter() - start))
    return {name: statistics.median(s) for name, s in speeds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    book = loads_rulebook(rulebook_text(), name="bench.yaml", tables=TABLES)
    assert len(book.rules) == len(BASELINE) == 30
    t0 = time.perf_counter()
    orders = generate(args.orders)
    print(f"{len(orders):,} orders generated in {time.perf_counter() - t0:.1f} s; {len(book.rules)} rules")
    for o in orders:  # same verdicts, or the comparison means nothing
        got = [f.status for f in evaluate(o, book)]
        want = baseline(o)
        assert got == want, (o.id, [(r.id, g, w) for r, g, w in zip(book.rules, got, want, strict=True) if g != w])

    def with_evidence(o):
        for f in evaluate(o, book):
            f.evidence  # noqa: B018 - materialise it

    r = rates({"baseline": baseline, "engine": lambda o: evaluate(o, book), "full": with_evidence}, orders,
              args.rounds)
    base, engine, full = r["baseline"], r["engine"], r["full"]
    print(f"baseline, plain Python (statuses)          : {base:>10,.0f} orders/s")
    print(f"engine (findings, evidence on demand)      : {engine:>10,.0f} orders/s  ratio {engine / base:.2f}")
    print(f"engine + evidence read for every finding   : {full:>10,.0f} orders/s  ratio {full / base:.2f}")


if __name__ == "__main__":
    main()
