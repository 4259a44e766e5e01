"""Fill an order's derived fields from the packaged reference data, saying where each value came from.

`enrich(order)` is pure: no file, no network, only the cached reference lookups. It returns a copy with
supplier_departement, supplier_region, supplier_band, supplier_distance_km, place_commune,
place_departement, place_in_amp, contract_type, emission_factor, estimated_emissions,
published_within_two_months, published_before_execution and threshold_amount set (None when
unknown: an unknown value must never look like a known one), « criterion » added to declared
env_considerations that a positive environmental criterion weight contradicts, and `origins[field]` for every
value set.

Origins vocabulary:
    "reference:commune"     from an INSEE commune code (COG 2026; arrondissements and delegated communes
                            resolved to the current commune)
    "reference:postcode"    from a postcode (La Poste 2020 list of the communes each postcode serves)
    "reference:departement" / "reference:region" / "reference:country"
                            from a place code of that type, or from the supplier's country
    "order"                 the value is the order's own code (place_departement from a département code)
    "reference:cpv"         contract_type from the CPV division
    "reference:carbon:<NACE>:<confidence>"   emission factor (SDES GES.501 2023 via the CPV->NACE map)
    "computed:amount*emission_factor"        estimated_emissions
    "computed:haversine:<supplier point>-><place point>"   points are commune or postcode centroids
    "computed:group_sum(amount)"             RISK-02's group total (procurement.portfolio_findings)
    "computed:notification_date+2months"     published_within_two_months: the essential data published on
                            or before the same day two calendar months after the notification (R2196-1;
                            the month's last day when it has no such day); unknown when either date is,
                            or when the publication comes before the notification (a wrong date, which
                            validation flags)
    "computed:publication_date<=execution_start_date"
                            published_before_execution: a concession's essential data published on or
                            before the day its execution began (R3131-1, DECP-02); unknown when either date
                            is, or when the publication or the start comes before the notification
                            (signature): one of the dates is wrong, which validation flags
    "order:initial_amount" / "order:amount"
                            threshold_amount: the initial amount when the order gives it (a modified
                            contract's procedure was chosen on its value at launch, R2121-3), else the
                            amount. The rules test the same two fields in their conditions (so that their
                            examples need no enrichment); their messages quote this one, so that a message
                            shows the amount its verdict was decided on.
    origins["place_type"] = "guessed:<type>" when the place type used is not the declared one.
    "computed:env_weight>0" env_considerations with « criterion » added when the order weights an
                            environmental award criterion above 0 % (the template's column « Pondération
                            critère environnemental ») and its considerations cell names other considerations
                            but no criterion: that weight is the criterion. ENV-10 failed « Clause
                            environnementale » beside a criterion weighted 20 % (review); the order is warned
                            that its two cells disagree (the cell is what the essential data publish). An
                            empty cell is not filled: the weight says there is a criterion, not whether there is
                            a clause (ENV-11 and LAND-01 read one), so the rules that accept a criterion read
                            the weight themselves. A weight of 0 % changes nothing.

Supplier band ("amp" > "region_sud" > "france" > "eu" > "outside", most specific first):
- From the INSEE commune code when given, else from the postcode. A postcode gives a band only when all
  the communes it serves agree: 13780 (Cuges-les-Pins, AMP + Riboux, not AMP), 83640 and 84120 serve AMP
  and non-AMP communes of Région Sud. "region_sud" would be wrong for those (the supplier may be in the
  Métropole) and "amp" may be wrong too, so the band stays None and the rule reports missing data; the
  département and région are still filled when the served communes share them.
- Without a usable French location: "eu" for another member state, "outside" for a recognised country
  outside the EU, None otherwise. The country "FR" alone leaves the band unknown: it does not exclude
  the Métropole, and a guess would count a possibly local supplier as non-local.
- The commune code and postcode are read as French only when the country is France or not given: 10115
  is also a Berlin postcode.

Place of performance: `procurement.enrich_place` reads the code and its type.

Speed: every lookup is cached per distinct code (unbounded: the keys are bounded by the reference tables
and the distinct values of one run); what remains per order is two small dicts and model_copy.
"""

from __future__ import annotations

import calendar
import datetime as dt
from functools import cache
from typing import Any

from procurement.enrich_place import AMP_REGION, Found, Point, place
from procurement.fields import Kind
from procurement.model import Order, Warning_
from procurement.reference import carbon, countries, cpv, geo

DERIVED = (
    "supplier_departement",
    "supplier_region",
    "supplier_band",
    "supplier_distance_km",
    "place_commune",
    "place_departement",
    "place_in_amp",
    "emission_factor",
    "estimated_emissions",
    "contract_type",
    "published_within_two_months",
    "published_before_execution",
    "threshold_amount",
)
# The fields each derived one is computed from: what to fill in when it is missing (a buyer was asked for
# « Type d'achat », which no sheet has a column for: it comes from the CPV code).
DERIVED_FROM: dict[str, tuple[str, ...]] = {
    "supplier_departement": ("supplier_commune", "supplier_postcode"),
    "supplier_region": ("supplier_commune", "supplier_postcode"),
    "supplier_band": ("supplier_commune", "supplier_postcode", "supplier_country"),
    "supplier_distance_km": ("supplier_commune", "supplier_postcode", "place_code"),
    "place_commune": ("place_code",),
    "place_departement": ("place_code",),
    "place_in_amp": ("place_code",),
    "emission_factor": ("cpv",),
    "estimated_emissions": ("cpv", "amount"),
    "contract_type": ("cpv",),
    "published_within_two_months": ("notification_date", "publication_date"),
    "published_before_execution": ("publication_date", "execution_start_date"),
    "threshold_amount": ("initial_amount", "amount"),
}
_ORIGIN_KEYS = frozenset((*DERIVED, "place_type"))
_UNKNOWN: dict[str, Any] = dict.fromkeys(DERIVED)
_EMISSIONS_ORIGIN = "computed:amount*emission_factor"
_PUBLISHED_ORIGIN = "computed:notification_date+2months"
_CRITERION_ORIGIN = "computed:env_weight>0"
_BEFORE_EXECUTION_ORIGIN = "computed:publication_date<=execution_start_date"


def _band(c: geo.Commune) -> str:
    return "amp" if c.in_amp else "region_sud" if c.region == AMP_REGION else "france"


def _postcode_band(area: geo.PostcodeArea) -> str | None:
    bands = {_band(c) for c in map(geo.commune, area.communes) if c is not None}
    return bands.pop() if len(bands) == 1 else None


@cache
def _supplier(code: str | None, postcode: str | None, country: str | None) -> Found:
    iso = countries.country_code(country) if country else None
    group = countries.country_group(iso) if iso else None
    if group in (None, "fr"):
        c = geo.commune(code) if code else None
        area = geo.postcode_info(postcode) if postcode else None
        if c is not None:
            point: Point | None = geo.commune_centroid(code or "")
            kind = "commune"
            # A postcode serving only this commune has a finer centroid (Marseille 13008 vs Marseille),
            # unless the code already was an arrondissement with its own centroid.
            coarse = point is None or point == (c.lat, c.lon)
            if coarse and area is not None and area.communes == (c.code,):
                point, kind = (area.lat, area.lon), "postcode"
            values = {"supplier_departement": c.departement, "supplier_region": c.region, "supplier_band": _band(c)}
            return values, dict.fromkeys(values, "reference:commune"), point, kind
        if area is not None:
            values = {
                "supplier_departement": area.departement,
                "supplier_region": area.region,
                "supplier_band": _postcode_band(area),
            }
            values = {k: v for k, v in values.items() if v is not None}
            return values, dict.fromkeys(values, "reference:postcode"), (area.lat, area.lon), "postcode"
    # "FR" alone does not say whether the supplier is in the Métropole: the band stays unknown rather
    # than counting a possibly local supplier as non-local.
    band = {"eu": "eu", "other": "outside"}.get(group or "")
    if band is None:
        return {}, {}, None, None
    return {"supplier_band": band}, {"supplier_band": "reference:country"}, None, None


@cache
def _purchase(code8: str | None) -> tuple[dict[str, Any], dict[str, str]]:
    if not code8:
        return {}, {}
    values: dict[str, Any] = {}
    origins: dict[str, str] = {}
    kind = cpv.cpv_contract_type(code8)
    if kind is not None:
        values["contract_type"], origins["contract_type"] = kind, "reference:cpv"
    factor = carbon.emission_factor(code8)
    if factor is not None:
        values["emission_factor"] = factor[0]
        origins["emission_factor"] = f"reference:carbon:{factor[1]}:{factor[2]}"
    return values, origins


def enrich(order: Order) -> Order:
    """A copy of `order` with every derived field recomputed and its origin recorded."""
    s_values, s_origins, s_point, s_kind = _supplier(
        order.supplier_commune or None, order.supplier_postcode or None, order.supplier_country or None
    )
    p_values, p_origins, p_point, p_kind, p_warnings = place(order.place_code or None, order.place_type)
    c_values, c_origins = _purchase(order.cpv)

    update: dict[str, Any] = {**_UNKNOWN, **s_values, **p_values, **c_values}
    if order.origins:
        kept = {k: v for k, v in order.origins.items() if k not in _ORIGIN_KEYS}
        origins = {**kept, **s_origins, **p_origins, **c_origins}
    else:
        origins = {**s_origins, **p_origins, **c_origins}
    if s_point is not None and p_point is not None:
        update["supplier_distance_km"] = round(geo.distance_km(s_point, p_point), 1)
        origins["supplier_distance_km"] = f"computed:haversine:{s_kind}->{p_kind}"
    factor = update["emission_factor"]
    if factor is not None and order.amount is not None:
        update["estimated_emissions"] = float(round(order.amount / 1000 * factor))
        origins["estimated_emissions"] = _EMISSIONS_ORIGIN
    published, notified = order.publication_date, order.notification_date
    if published is not None and notified is not None and published >= notified:
        update["published_within_two_months"] = published <= _two_months_after(notified)
        origins["published_within_two_months"] = _PUBLISHED_ORIGIN
    started = order.execution_start_date
    if (published is not None and started is not None
            and (notified is None or (published >= notified and started >= notified))):
        update["published_before_execution"] = published <= started
        origins["published_before_execution"] = _BEFORE_EXECUTION_ORIGIN
    for name in ("initial_amount", "amount"):
        value = getattr(order, name)
        if value is not None:
            update["threshold_amount"], origins["threshold_amount"] = value, "order:" + name
            break
    declared, weight = order.env_considerations, order.env_weight
    if weight is not None and weight > 0 and declared and "criterion" not in declared:
        update["env_considerations"] = (*(d for d in declared if d != "none"), "criterion")
        origins["env_considerations"] = _CRITERION_ORIGIN
        update["warnings"] = (*order.warnings, _criterion_undeclared(declared, weight))
    elif weight == 0 and declared and "criterion" in declared:
        update["warnings"] = (*order.warnings, _criterion_unweighted(declared))
    update["origins"] = origins
    if p_warnings:  # an ambiguous place already said (a bid's, taken from its consultation) is said once
        said = any(w.code == "ambiguous_place" for w in order.warnings)
        new = tuple(w for w in p_warnings if not (said and w.code == "ambiguous_place"))
        if new:
            update["warnings"] = (*update.get("warnings", order.warnings), *new)
    return order.model_copy(update=update)


def _criterion_undeclared(declared: tuple[str, ...], weight: float) -> Warning_:
    from procurement.rulebook.render import choice_value, format_percent

    said_fr = choice_value(declared, "env_considerations", Kind.ENUM_SET, "fr")
    said_en = choice_value(declared, "env_considerations", Kind.ENUM_SET, "en")
    return Warning_(
        code="env_criterion_undeclared", field="env_considerations", value=", ".join(declared),
        message_fr=f"critère environnemental pondéré à {format_percent(weight, 'fr')}, mais les considérations "
                   f"environnementales déclarées n'en citent pas (« {said_fr} ») : le critère est compté ; "
                   "ajoutez « Critère environnemental » à la cellule, que publient les données essentielles",
        message_en=f"environmental criterion weighted {format_percent(weight, 'en')}, but the environmental "
                   f"considerations declared name none (“{said_en}”): the criterion is counted; add "
                   "“Environmental criterion” to the cell, which the essential data publish")


def _criterion_unweighted(declared: tuple[str, ...]) -> Warning_:
    """The mirror of `_criterion_undeclared`: a criterion declared and weighted 0 % is no criterion (ENV-10 and
    ENV-13 fail it since the rulebook 1.3.25; it passed beside a price weighted 100 %, which ENV-12 failed)."""
    from procurement.rulebook.render import choice_value

    said_fr = choice_value(declared, "env_considerations", Kind.ENUM_SET, "fr")
    said_en = choice_value(declared, "env_considerations", Kind.ENUM_SET, "en")
    return Warning_(
        code="env_criterion_unweighted", field="env_weight", value="0",
        message_fr=f"les considérations environnementales déclarent un critère (« {said_fr} »), mais il est pondéré "
                   "à 0 % : un critère sans poids n'en est pas un ; corrigez la pondération ou la cellule",
        message_en=f"the environmental considerations declare a criterion (“{said_en}”), but it is weighted 0%: a "
                   "criterion without weight is none; fix the weight or the cell")


def _two_months_after(day: dt.date) -> dt.date:
    """The same day two calendar months later, or that month's last day (31 December -> 28/29 February)."""
    month = day.month + 2
    year, month = day.year + (month - 1) // 12, (month - 1) % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
