"""The targets the summary measures the run against (SPASER, the plan's spend on alternatives to the car):
the rulebook's own values when it names them, else the defaults below, and what each one counts
(`TargetTallies`). Apart from `procurement.aggregate`, to keep each module short.

What a target counts, by the order's nature (the targets' own words):

- « marchés notifiés avec une considération environnementale / sociale » (SPASER, after the national
  plan for sustainable procurement, which counts contracts notified in the year; measured in one year, as
  the ESS share, like EGAlim's below): CONTRACTS, i.e.
  marchés (defence and security ones included), accords-cadres and marchés subséquents, each counted
  once when notified. A purchase order (bon de commande) is the execution of a framework agreement,
  not a contract notified: counted, it made 249 orders of one framework weigh as 249 contracts. Bids,
  concessions (not a marché) and orders of unknown nature are not contracts either; the page says how
  many were set aside.
- « 50 % de produits durables et de qualité, dont 20 % bio » (EGAlim, L230-5-1 of the Code rural): the
  law's own measure, in value over a calendar year's food purchases, which a per-order verdict (EGA-01,
  EGA-02: one order under 50 % is not irregular by itself) cannot give. SPEND on the CPV codes of the
  rulebook's table `cpv_egalim` (the codes EGA-01 applies to), notified in a year from 2022 (the
  obligation's first), each order's share weighted by its amount, over the orders that give the share and
  an amount. The measure is one year's (the law counts each year apart; pooled, 2020's 90 % made 2023's
  20 % « objectif atteint »): the latest whose measure stands (enough orders and coverage, so that a
  January alone does not hide last year), else the latest; the undated purchases when no year is dated (an
  export without dates). `by_year` gives every year; orders notified before 2022 are counted apart
  (`outside`). No table: no measure.
- « X % des achats » (ESS) and « 350 M€ par an » (transport): SPEND, i.e. marchés, marchés subséquents
  and bons de commande. An accord-cadre's amount is its MAXIMUM, not spend, and its spend is in its
  call-offs: counting both counted the same euros twice (AC25-0008's 36,994,000 € maximum and its
  call-offs). Bids, concessions and orders of unknown nature are set aside too, and said. The transport
  spend is one calendar year's, as the plan counts it: the latest year whose spend stands
  (RATE_MIN_EVALUATED dated purchases of any kind, so that a January alone does not hide last year), else
  the latest; `by_year` gives the others. Divided by every year with an order notified, the four samples
  together read 41.5 M€ a year where their 166 M€ of transport spend are all of 2025: the 2018, 2019 and
  2024 contracts of other buyers counted as years without transport spend.

A consultation launched and not notified (a launch date, no notification date: the buyer's tenders in
progress beside a year's contracts) is neither a contract notified nor spend, its amount an estimate: it
is set aside as « not_notified » from every target, whatever its nature. Counted, the 25 consultations of
the sample workbook were 25 of its « 245 marchés notifiés ». A record with neither date is counted as its nature
says: most exports give no launch date, and their contracts were notified.
"""

from __future__ import annotations

from typing import Any

from procurement.rulebook.operators import prefix_matcher

_SPASER = "SPASER de la Métropole Aix-Marseille-Provence 2021-2026, objectifs 2025"
_PLAN = "Plan Relance et Renouveau de la Métropole, chantier 5 : 350 M€ par an"
_EGALIM = ("Code rural et de la pêche maritime, art. L230-5-1 (loi EGAlim) : 50 % de produits durables et de "
           "qualité, dont 20 % bio, en valeur, par année civile")  # as the page's words say it (src_egalim)
# measure -> (value, unit, source) used when the rulebook names no such target.
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "env_share": (100.0, "%", _SPASER),
    "social_share": (30.0, "%", _SPASER),
    "ess_spend_share": (5.0, "%", _SPASER),
    "transport_alternatives_spend": (350.0, "M€/an", _PLAN),
    "egalim_spend_share": (50.0, "%", _EGALIM),
    "organic_spend_share": (20.0, "%", _EGALIM),
}
# measure -> (the order's field, its values' sums in TargetTallies.food): the EGAlim shares.
FOOD_SHARES = {"egalim_spend_share": "egalim_share", "organic_spend_share": "organic_share"}
FOOD_TABLE = "cpv_egalim"
EGALIM_FROM = 2022  # L230-5-1's shares bind the purchases of 2022 and after
# measure -> rulebook target names accepted for it, most specific first.
TARGET_KEYS: dict[str, tuple[str, ...]] = {
    "env_share": ("spaser_env_share", "env_share"),
    "social_share": ("spaser_social_share", "social_share"),
    "ess_spend_share": ("spaser_ess_spend_share", "spaser_ess_share", "ess_spend_share", "ess_share"),
    "transport_alternatives_spend": ("transport_alternatives_spend", "plan_transport_alternatives",
                                     "transport_alternatives", "plan_transport_spend"),
    "egalim_spend_share": ("egalim_spend_share", "egalim_share"),
    "organic_spend_share": ("organic_spend_share", "egalim_organic_share", "organic_share")}
# CPV groups of purchases for alternatives to the private car, used when the rulebook has no table whose
# name is in TRANSPORT_TABLES. Buses and coaches (3412, electric 34144910), rail and tram rolling stock
# (346), bicycles (3443), rail and cable transport works (45234), cycle and foot paths (45233161/2),
# public road and rail passenger transport services (60112, 602), battery chargers for vehicles (31158100).
DEFAULT_TRANSPORT_CPV = ("3412", "34144910", "346", "3443", "45234", "45233161", "45233162", "60112", "602",
                         "31158100")
TRANSPORT_TABLES = ("cpv_transport_alternatives", "cpv_alternatives_voiture", "cpv_mobility", "cpv_mobilite")


# A rate (a share of orders or of spend) is given only when it is measured on enough of what it is about;
# else it is withheld (None in the view, « — » on the page) with the reason below. A rule's share passing
# measured on 1 of 336 orders (the others without the data) read « 100 % » and was read as "all
# published": the orders with the data are seldom a fair sample of the others.
RATE_MIN_EVALUATED = 10  # orders measured (passing + failing, or with the data) at least
RATE_MIN_COVERAGE = 0.5  # of the orders (or spend) the rate is about, at least


def rate_withheld(evaluated: float, coverage: float | None) -> str | None:
    """Why a rate measured on `evaluated` orders, `coverage` (0-1) of those it is about, is not to be
    shown: "none_evaluated", "low_coverage" (under RATE_MIN_COVERAGE: said first, the data is missing),
    "few_evaluated" (under RATE_MIN_EVALUATED); None when it can be shown."""
    if not evaluated:
        return "none_evaluated"
    if coverage is None or coverage < RATE_MIN_COVERAGE:
        return "low_coverage"
    if evaluated < RATE_MIN_EVALUATED:
        return "few_evaluated"
    return None


def _unit_factor(unit: str) -> float:
    u = unit.replace(" ", "").lower()
    return 1e6 if u.startswith(("m€", "meur")) else 1e3 if u.startswith(("k€", "keur")) else 1.0


def resolve_targets(rulebook: Any) -> dict[str, dict[str, Any]]:
    """measure -> {value, unit, source, origin ('rulebook:<name>' or 'default'), label_fr, label_en}."""
    targets = dict(getattr(rulebook, "targets", {}) or {})
    out: dict[str, dict[str, Any]] = {}
    for measure, (value, unit, source) in DEFAULTS.items():
        found = next((k for k in TARGET_KEYS[measure] if k in targets), None)
        if found is not None:
            t = targets[found]
            out[measure] = {"value": float(t.value), "unit": t.unit, "source": t.source, "origin": f"rulebook:{found}",
                            "label_fr": t.label.fr, "label_en": t.label.en}
        else:
            out[measure] = {"value": value, "unit": unit, "source": source, "origin": "default",
                            "label_fr": None, "label_en": None}
    return out


def transport_prefixes(rulebook: Any) -> tuple[tuple[str, ...], str]:
    """(CPV prefixes of transport alternatives, where they came from)."""
    tables = dict(getattr(rulebook, "tables", {}) or {})
    for name in TRANSPORT_TABLES:
        if name in tables:
            return tuple(sorted(tables[name])), f"rulebook:{name}"
    return DEFAULT_TRANSPORT_CPV, "default"


# What each target counts (see the module's docstring).
CONTRACT_NATURES = frozenset({"marche", "marche_defense_securite", "accord_cadre", "marche_subsequent"})
SPEND_NATURES = frozenset({"marche", "marche_defense_securite", "marche_subsequent", "bon_de_commande"})
ESS_STATUSES = frozenset({"siae", "ea", "esat", "ess"})
ENV_YES = frozenset({"clause", "criterion"})
SOCIAL_YES = frozenset({"clause", "criterion", "reserved"})
UNKNOWN = "unknown"
NOT_NOTIFIED = "not_notified"  # a consultation launched and not notified, whatever its nature


def not_notified(o: Any) -> bool:
    """A consultation launched and not yet notified: a launch date, no notification date, no supplier (a
    contract with its supplier was awarded: its date was not given, or given as « 00/00/0000 », which reads as
    no date; review of the session's diff), and not a bid (a bid is set aside as one) nor a contract whose
    notification date was given but set aside as unreadable (« 31/02/2025 »: notified, the day unknown)."""
    return (o.notification_date is None and o.launch_date is not None and o.nature != "offre"
            and not (o.supplier_siret or o.supplier_name)
            and not (o.warnings and any(w.field == "notification_date" for w in o.warnings)))


def _share(part: float, whole: float) -> float | None:
    return None if not whole else part / whole


ESS_SUMS = ("amount_ess", "amount_status_known", "orders_ess", "orders_status_known", "amount_spend", "orders_spend")


def _year_measured(years: Any, stands: Any) -> str | None:
    """The year a measure is taken in, of `years` (notification years, "unknown" for the undated): the latest
    whose measure `stands(year)` (so that a January alone does not hide last year), else the latest; the
    undated only when no year is dated (an export without notification dates). None when there is none."""
    ordered = sorted(years, key=lambda y: (y == UNKNOWN, y))
    dated = [y for y in ordered if y != UNKNOWN] or ordered
    return next((y for y in reversed(dated) if stands(y)), dated[-1] if dated else None)


def _by_year(by_year: dict[str, Any], share: Any, count: Any) -> list[dict[str, Any]]:
    """Each year's share and count (`count`: an index or a key of the year's sums), undated last."""
    return [{"year": y, "measured": share(by_year[y]), "count": int(by_year[y][count])}
            for y in sorted(by_year, key=lambda y: (y == UNKNOWN, y))]


def _aside(table: dict[str, list[float]]) -> list[dict[str, Any]]:
    return [{"nature": k, "orders": int(v[0]), "amount": v[1]}
            for k, v in sorted(table.items(), key=lambda kv: (kv[0] in (UNKNOWN, NOT_NOTIFIED), kv[0]))]


class TargetTallies:
    """Running sums of the targets over the orders counted once (`add`), and their measure (`result`).
    Memory: a few numbers per nature and per year, never per order."""

    def __init__(self, rulebook: Any) -> None:
        self.targets = resolve_targets(rulebook)
        prefixes, self.transport_origin = transport_prefixes(rulebook)
        self._transport = frozenset(prefixes)
        self._transport_match = prefix_matcher(list(prefixes))
        self._transport_cpv: dict[str, bool] = {}  # CPV code -> whether it is a transport alternative
        # considerations: [contracts, given, with one]; orders set aside by nature: [orders, amount]
        # per notification year (or "unknown"): [contracts, given, with one]
        self.env: dict[str, list[int]] = {}
        self.social: dict[str, list[int]] = {}
        self.contracts_aside: dict[str, list[float]] = {}
        self.ess: dict[str, dict[str, float]] = {}  # per notification year (or "unknown"): the sums of ESS_SUMS
        self.spend_aside: dict[str, list[float]] = {}
        self.transport_by_year: dict[str, list[float]] = {}  # year or "unknown" -> [orders, amount]
        self.transport_aside: dict[str, list[float]] = {}  # transport orders outside SPEND_NATURES
        self.spend_years: dict[str, int] = {}  # notification year -> dated purchases (SPEND_NATURES)
        food = (getattr(rulebook, "tables", None) or {}).get(FOOD_TABLE)
        self._food = prefix_matcher(list(food)) if food else None
        self._food_cpv: dict[str, bool] = {}
        # per notification year: food spend [orders, amount]; per EGAlim measure, [orders given, amount
        # given, amount × share / 100]; and the food orders undated or notified before 2022 [orders, amount]
        self.food_spend: dict[str, list[float]] = {}
        self.food: dict[str, dict[str, list[float]]] = {m: {} for m in FOOD_SHARES}
        self.food_outside = [0, 0.0]

    def _is_transport(self, cpv: str | None) -> bool:
        return self._matches(self._transport_match, self._transport_cpv, cpv)

    @staticmethod
    def _matches(match: Any, cache: dict[str, bool], cpv: str | None) -> bool:
        """`match(cpv)`, kept per code (codes repeat over a batch; bounded)."""
        if not cpv:
            return False
        found = cache.get(cpv)
        if found is None:
            if len(cache) >= 65536:
                cache.clear()
            found = cache[cpv] = bool(match(cpv))
        return found

    def add(self, o: Any, amount: float | None, pending: bool) -> None:
        """`pending`: `not_notified(o)`, which the caller has asked already (`Aggregate.add`)."""
        nature = NOT_NOTIFIED if pending else o.nature or UNKNOWN
        money = amount or 0.0
        date = o.notification_date
        year = str(date.year) if date is not None else UNKNOWN
        if nature in CONTRACT_NATURES:
            for by_year, values, yes in ((self.env, o.env_considerations, ENV_YES),
                                         (self.social, o.social_considerations, SOCIAL_YES)):
                acc = by_year.get(year) or by_year.setdefault(year, [0, 0, 0])
                acc[0] += 1
                if values is not None and len(values):
                    acc[1] += 1
                    found = yes.intersection(values)
                    if by_year is self.env and o.env_weight == 0:  # a criterion weighted 0 % is none, as ENV-10
                        found = found - {"criterion"}
                    acc[2] += 1 if found else 0
                elif by_year is self.env and o.env_weight:  # an environmental criterion weighted above 0 %, as ENV-01
                    acc[1] += 1
                    acc[2] += 1
        else:
            aside = self.contracts_aside.get(nature) or self.contracts_aside.setdefault(nature, [0, 0.0])
            aside[0] += 1
            aside[1] += money
        transport = self._is_transport(o.cpv)
        if nature not in SPEND_NATURES:
            aside = self.spend_aside.get(nature) or self.spend_aside.setdefault(nature, [0, 0.0])
            aside[0] += 1
            aside[1] += money
            if transport:
                acc = self.transport_aside.setdefault(nature, [0, 0.0])
                acc[0] += 1
                acc[1] += money
            return
        if date is not None:
            self.spend_years[year] = self.spend_years.get(year, 0) + 1
        ess = self.ess.get(year) or self.ess.setdefault(year, dict.fromkeys(ESS_SUMS, 0))
        ess["orders_spend"] += 1
        ess["amount_spend"] += money
        if o.supplier_status is not None:
            ess["orders_status_known"] += 1
            ess["amount_status_known"] += money
            if o.supplier_status in ESS_STATUSES:
                ess["orders_ess"] += 1
                ess["amount_ess"] += money
        if transport:
            acc = self.transport_by_year.setdefault(year, [0, 0.0])
            acc[0] += 1
            acc[1] += money
        if self._food is not None and self._matches(self._food, self._food_cpv, o.cpv):
            if date is not None and date.year < EGALIM_FROM:
                self.food_outside[0] += 1
                self.food_outside[1] += money
                return
            spend = self.food_spend.get(year) or self.food_spend.setdefault(year, [0, 0.0])
            spend[0] += 1
            spend[1] += money
            if money > 0:  # a share without an amount weighs nothing: not counted as given
                for measure, name in FOOD_SHARES.items():
                    share = getattr(o, name)
                    if share is not None:
                        acc = self.food[measure].get(year) or self.food[measure].setdefault(year, [0, 0.0, 0.0])
                        acc[0] += 1
                        acc[1] += money
                        acc[2] += money * share / 100

    def _food_year(self, sums: dict[str, list[float]], y: str | None) -> tuple[Any, ...]:
        """(orders given, amount given, amount × share, food spend, coverage, withheld) of a year's EGAlim share."""
        given, amount, weighted = sums.get(y, [0, 0.0, 0.0]) if y else (0, 0.0, 0.0)
        population = self.food_spend[y][1] if y else 0.0
        coverage = _share(amount, population) if y else None
        return int(given), amount, weighted, population, coverage, rate_withheld(given, coverage)

    def result(self) -> list[dict[str, Any]]:
        t = self.targets
        years = sorted(self.spend_years)  # dated years only
        year = _year_measured(years, lambda y: self.spend_years[y] >= RATE_MIN_EVALUATED)
        transport_year = self.transport_by_year.get(year, [0, 0.0]) if year else [0, 0.0]
        undated = self.transport_by_year.get(UNKNOWN, [0, 0.0])
        tr_target = t["transport_alternatives_spend"]
        contracts_aside = _aside(self.contracts_aside)
        spend_aside = _aside(self.spend_aside)
        out = []
        # The SPASER's shares are a year's, as its targets (« objectifs 2025 ») are: pooled, the four samples'
        # 2018-2025 contracts of several buyers read as the Métropole's 2025 (manager review, 2026-11-27).
        for measure, by_year in (("env_share", self.env), ("social_share", self.social)):
            def share(v: list[int]) -> float | None:
                return _share(100.0 * v[2], v[1])

            y = _year_measured(by_year, lambda y, by_year=by_year: rate_withheld(
                by_year[y][1], _share(by_year[y][1], by_year[y][0])) is None)
            contracts, known, yes = by_year.get(y, [0, 0, 0]) if y else (0, 0, 0)
            out.append({"measure": measure, **t[measure], "measured": _share(100.0 * yes, known), "year": y,
                        "numerator": yes, "denominator": known, "population": contracts,
                        "coverage": _share(known, contracts), "basis": "contracts",
                        "withheld": rate_withheld(known, _share(known, contracts)),
                        "by_year": _by_year(by_year, share, 0),
                        "natures": sorted(CONTRACT_NATURES), "aside": contracts_aside})
        # Spend with identified ESS/SIAE/EA/ESAT suppliers over all spend: a supplier whose status is not
        # given is not counted as ESS (as in SPASER reporting); `coverage` says how much was given, and
        # with no status given at all there is no measure (None), not 0 %.
        def ess_share(e: dict[str, float]) -> float | None:
            return _share(100.0 * e["amount_ess"], e["amount_spend"]) if e["orders_status_known"] else None

        def ess_withheld(e: dict[str, float]) -> str | None:
            return rate_withheld(e["orders_status_known"], _share(e["amount_status_known"], e["amount_spend"]))

        y = _year_measured(self.ess, lambda y: ess_withheld(self.ess[y]) is None)
        ess = self.ess[y] if y else dict.fromkeys(ESS_SUMS, 0)
        out.append({"measure": "ess_spend_share", **t["ess_spend_share"], "measured": ess_share(ess), "year": y,
                    "numerator": ess["amount_ess"], "denominator": ess["amount_spend"],
                    "population": ess["amount_spend"], "orders": ess["orders_spend"],
                    "coverage": _share(ess["amount_status_known"], ess["amount_spend"]),
                    "orders_status_known": ess["orders_status_known"],
                    "orders_ess": ess["orders_ess"], "basis": "spend", "withheld": ess_withheld(ess),
                    "by_year": _by_year(self.ess, ess_share, "orders_spend"),
                    "natures": sorted(SPEND_NATURES), "aside": spend_aside})
        # One year's spend (the module's docstring); an undated order's spend has no year to be counted in,
        # so it is given apart, never added to a year's figure.
        out.append({"measure": "transport_alternatives_spend", **tr_target,
                    "target_eur_per_year": tr_target["value"] * _unit_factor(tr_target["unit"]),
                    "measured": transport_year[1] if year else None, "year": year,
                    "numerator": transport_year[1], "orders": int(transport_year[0]),
                    "year_purchases": self.spend_years[year] if year else 0,
                    "undated_orders": int(undated[0]), "undated_amount": undated[1],
                    # every year with dated purchases, a year without transport spend at 0 €
                    "by_year": [{"year": y, "orders": int(v[0]), "amount": v[1]} for y, v in
                                ((y, self.transport_by_year.get(y, [0, 0.0])) for y in years)],
                    "cpv_origin": self.transport_origin, "cpv_prefixes": sorted(self._transport),
                    "years": years, "basis": "spend_per_year",
                    # a year of fewer purchases is too little to judge a year's spend: 5 Breton works contracts
                    # read « 0 € / an — 0 % de l'objectif » (manager review)
                    "withheld": "none_evaluated" if not years
                    else "few_evaluated" if self.spend_years[year] < RATE_MIN_EVALUATED else None,
                    "natures": sorted(SPEND_NATURES), "aside": _aside(self.transport_aside)})
        years = sorted(self.food_spend, key=lambda y: (y == UNKNOWN, y))
        for measure in FOOD_SHARES:
            sums = self.food[measure]
            year = _year_measured(years, lambda y, sums=sums: self._food_year(sums, y)[5] is None)
            given, amount, weighted, population, coverage, withheld = self._food_year(sums, year)
            out.append({"measure": measure, **t[measure], "measured": _share(100.0 * weighted, amount),
                        "year": year, "numerator": weighted, "denominator": amount, "population": population,
                        "orders": int(self.food_spend[year][0]) if year else 0, "orders_given": given,
                        "coverage": coverage,
                        "by_year": [{"year": y, "orders": int(sums.get(y, [0])[0]),
                                     "amount": sums.get(y, [0, 0.0])[1], "food_amount": self.food_spend[y][1],
                                     "measured": _share(100.0 * sums[y][2], sums[y][1]) if y in sums else None}
                                    for y in years],
                        "outside": {"orders": int(self.food_outside[0]), "amount": self.food_outside[1]},
                        "cpv_table": FOOD_TABLE if self._food is not None else None, "basis": "food_spend",
                        "withheld": "no_table" if self._food is None else withheld,
                        "natures": sorted(SPEND_NATURES), "aside": []})
        return out
