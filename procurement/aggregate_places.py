"""Where a batch's money goes and what it emits: the supplier location and distance bands, and the emissions
estimated by CPV division (`PlaceTallies`). Apart from `procurement.aggregate`, to keep each module short.

A consultation not yet notified has no supplier: counted in the bands, its estimated amount was 10 % of the
sample workbook's « Inconnu ». Emissions are estimated on spend, as the targets count it (aggregate_targets):
not on a framework agreement's maximum (its call-offs carry its spend), a bid, nor a consultation's estimate.
Counted, those made 60,000 of the sample workbook's 156,000 tCO2e (manager review, 2026-11-27); they are given
apart (`aside`).
"""

from __future__ import annotations

from typing import Any

from procurement.aggregate_targets import NOT_NOTIFIED, UNKNOWN

LOCATION_BANDS = ("amp", "region_sud", "france", "eu", "outside", "unknown")
# (code, lower bound inclusive, upper bound exclusive) in km.
DISTANCE_BANDS = (("lt10", 0.0, 10.0), ("10_50", 10.0, 50.0), ("50_150", 50.0, 150.0),
                  ("150_500", 150.0, 500.0), ("gt500", 500.0, None))
# natures whose amount is not spend: a framework agreement's maximum (its call-offs carry its spend), a bid
NOT_SPEND = frozenset({"accord_cadre", "offre"})


def distance_band(km: float | None) -> str:
    if km is None:
        return UNKNOWN
    for code, low, high in DISTANCE_BANDS:
        if km >= low and (high is None or km < high):
            return code
    return UNKNOWN


class PlaceTallies:
    """Running sums by band and by CPV division; a few numbers per band and division, never per order."""

    def __init__(self) -> None:
        self.bands = {b: [0, 0.0] for b in LOCATION_BANDS}
        self.distances = {d[0]: [0, 0.0] for d in DISTANCE_BANDS} | {UNKNOWN: [0, 0.0]}
        self.divisions: dict[str, list[float]] = {}  # div -> [orders, amount, emissions, orders with emissions]
        self.emissions = self.emissions_amount = 0.0  # emissions_amount: amount of the orders with an estimate
        # amounts that are not spend, by nature (or NOT_NOTIFIED): [orders, amount, emissions estimated on them]
        self.emissions_aside: dict[str, list[float]] = {}

    def add(self, o: Any, amount: float | None, pending: bool) -> None:
        """`pending`: `not_notified(o)`, which the caller has asked already (`Aggregate.add`)."""
        if not pending:
            band = self.bands[o.supplier_band or UNKNOWN]
            band[0] += 1
            band[1] += amount or 0.0
            dist = self.distances[distance_band(o.supplier_distance_km)]
            dist[0] += 1
            dist[1] += amount or 0.0
        aside = NOT_NOTIFIED if pending else o.nature if o.nature in NOT_SPEND else None
        if aside is not None:
            acc = self.emissions_aside.get(aside) or self.emissions_aside.setdefault(aside, [0, 0.0, 0.0])
            acc[0] += 1
            acc[1] += amount or 0.0
            acc[2] += o.estimated_emissions or 0.0
            return
        div = o.cpv[:2] if o.cpv else UNKNOWN
        acc = self.divisions.setdefault(div, [0, 0.0, 0.0, 0])
        acc[0] += 1
        acc[1] += amount or 0.0
        if o.estimated_emissions is not None:
            acc[2] += o.estimated_emissions
            acc[3] += 1
            self.emissions += o.estimated_emissions
            self.emissions_amount += amount or 0.0

    def result(self, amount: float) -> dict[str, Any]:
        """The bands, the distances and the emissions; `amount`, the batch's, gives the amount without an
        estimate among the spend."""
        rows = [{"division": d, "orders": v[0], "amount": v[1], "emissions": v[2], "orders_estimated": v[3]}
                for d, v in self.divisions.items()]
        rows.sort(key=lambda r: (-r["emissions"], -r["amount"], r["division"]))
        aside = [{"nature": k, "orders": int(v[0]), "amount": v[1], "emissions": v[2]}
                 for k, v in sorted(self.emissions_aside.items())]
        counted = amount - sum(a["amount"] for a in aside)
        return {
            "bands": [{"band": b, "orders": v[0], "amount": v[1]} for b, v in self.bands.items()],
            "distances": [{"band": d, "orders": v[0], "amount": v[1]} for d, v in self.distances.items()],
            "emissions": {"total": self.emissions, "amount_estimated": self.emissions_amount,
                          "amount_not_estimated": counted - self.emissions_amount, "divisions": rows,
                          "aside": aside},
        }
