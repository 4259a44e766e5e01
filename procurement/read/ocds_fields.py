"""OCDS values to DECP fields, one field (or a few read together) at a time.

Each function puts what it can read and warns, rather than guesses, where OCDS says less than the
rules need (a foreign currency, an "open" procedure, a foreign postcode): see docs/ocds.md.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from procurement.read.decp_common import fold, is_blank
from procurement.read.decp_holders import Holder, co_contractors_warning
from procurement.read.ocds_release import Unit, dict_of, list_of, show_id, text_of

_DAYS_PER_MONTH = 365.25 / 12
_SIRET_SCHEMES = {"frrcs", "frsiret", "siret", "frsirene", "sirene", "frinsee"}
_CPV_SCHEMES = {"cpv"}
_SCALES = {"micro": "PME", "sme": "PME", "small": "PME", "medium": "PME", "selfemployed": "PME", "large": "GE"}
_METHODS = {"direct": "sans publicité", "limited": "sans publicité"}


def _procedure_known(text: str) -> bool:
    from procurement.parse import ParseError, parse_choice

    try:
        return parse_choice("procedure", text) is not None
    except ParseError:
        return False


def siret_of(org: dict) -> tuple[str, Any] | None:
    """(relative path, id) of the first SIRET-like identifier of an organisation."""
    candidates = [("identifier", org.get("identifier"))]
    candidates += [(f"additionalIdentifiers[{i}]", x) for i, x in enumerate(list_of(org.get("additionalIdentifiers")))]
    for rel, ident in candidates:
        ident = dict_of(ident)
        value = ident.get("id")
        if is_blank(value) or not isinstance(value, str | int):
            continue
        digits = re.sub(r"\s+", "", str(value))
        scheme = ident.get("scheme")
        if re.fullmatch(r"\d{14}", digits) and (is_blank(scheme) or fold(scheme) in _SIRET_SCHEMES):
            return f"{rel}.id", value
    return None


def country_of(address: dict) -> tuple[str, Any] | None:
    for key in ("country", "countryName"):
        if not is_blank(address.get(key)):
            return key, address[key]
    return None


def is_france(value: Any) -> bool:
    from procurement.reference import countries

    return countries.country_code(str(value)) == "FR"


def put_amount(unit: Unit, value: Any, rel_path: str) -> bool:
    """Put value.amount when in EUR; warn otherwise. True when the value object held an amount."""
    value = dict_of(value)
    amount = value.get("amount")
    if is_blank(amount):
        return False
    currency = value.get("currency")
    if isinstance(currency, str) and currency.strip().upper() == "EUR":
        unit.put("amount", f"{rel_path}.amount", amount)
    elif is_blank(currency):
        unit.warn("currency_missing", "montant sans devise (value.currency) : ignoré, le montant reste inconnu",
                  "amount without a currency (value.currency): ignored, the amount stays unknown",
                  field="amount", rel_path=f"{rel_path}.amount", value=amount)
    else:
        unit.warn("foreign_currency",
                  f"montant en {currency} : non converti, le montant reste inconnu (seuils et règles en euros HT)",
                  f"amount in {currency}: not converted, the amount stays unknown (thresholds and rules are in "
                  "euros excl. VAT)", field="amount", rel_path=f"{rel_path}.amount", value=f"{amount} {currency}")
    return True


def put_duration(unit: Unit, period: Any, rel_path: str) -> None:
    period = dict_of(period)
    days = period.get("durationInDays")
    if isinstance(days, int | float) and not isinstance(days, bool) and math.isfinite(days) and days >= 0:
        months = max(1, round(days / _DAYS_PER_MONTH)) if days > 0 else 0
        unit.put("duration_months", f"{rel_path}.durationInDays", months, note=f" ({show_id(days)} j / 30,44)")
        return
    start, end = _date_part(period.get("startDate")), _date_part(period.get("endDate"))
    if start and end:
        try:
            days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
        except ValueError:
            return
        if days > 0:
            unit.put("duration_months", f"{rel_path}.startDate-endDate", max(1, round(days / _DAYS_PER_MONTH)),
                     note=f" ({days} j / 30,44)")


def _date_part(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None


def _item_cpv(item: Any) -> tuple[str, Any] | None:
    """(path inside the item, id) of the item's first CPV classification."""
    item = dict_of(item)
    cls = [("classification", item.get("classification"))]
    extra = list_of(item.get("additionalClassifications"))
    cls += [(f"additionalClassifications[{j}]", c) for j, c in enumerate(extra)]
    for crel, c in cls:
        c = dict_of(c)
        if isinstance(c.get("scheme"), str) and fold(c["scheme"]) in _CPV_SCHEMES and not is_blank(c.get("id")):
            return f"{crel}.id", c["id"]
    return None


def _tender_item(unit: Unit, name: str, hit: Callable[[Any], Any], lots: list[tuple[str, dict]]) -> Any:
    """(index, hit) of the first tender item of the order's lots (or without relatedLot) that `hit` accepts.

    Without lots every item counts. Items are grouped by relatedLot once per release, not per order.
    """
    firsts = unit.rel.first_by_lot(name, unit.rel.tender.get("items"), hit)
    if not lots:
        return firsts.any
    return firsts.first({show_id(lot.get("id")) for _, lot in lots}, unrelated=True)


def put_cpv(unit: Unit, sources: list[tuple[Any, str]], lots: list[tuple[str, dict]]) -> None:
    """The first CPV classification of the items of the contract, award, then tender; else tender.classification."""
    for items, rel in sources:
        for i, item in enumerate(list_of(items)):
            found = _item_cpv(item)
            if found is not None:
                unit.put("cpv", f"{rel}[{i}].{found[0]}", found[1])
                return
    first = _tender_item(unit, "cpv", _item_cpv, lots)
    if first is not None:
        i, (crel, value) = first
        unit.put("cpv", f"tender.items[{i}].{crel}", value)
        return
    c = dict_of(unit.rel.tender.get("classification"))
    if isinstance(c.get("scheme"), str) and fold(c["scheme"]) in _CPV_SCHEMES and not is_blank(c.get("id")):
        unit.put("cpv", "tender.classification.id", c["id"])


def _organisation_holder(org: dict, rel: str) -> Holder:
    ident = dict_of(org.get("identifier"))
    name = org.get("name") if not is_blank(org.get("name")) else ident.get("legalName")
    return Holder(ident.get("id"), ident.get("scheme"), name, f"{rel}.identifier.id", f"{rel}.identifier.scheme",
                  f"{rel}.name")


def put_supplier(unit: Unit, refs: list, refs_rel: str) -> None:
    orgs = [unit.rel.org(ref, f"{refs_rel}[{i}]") for i, ref in enumerate(refs) if isinstance(ref, dict)]
    if not orgs:
        return
    org, rel = orgs[0]
    name = org.get("name") if not is_blank(org.get("name")) else dict_of(org.get("identifier")).get("legalName")
    unit.put("supplier_name", f"{rel}.name" if not is_blank(org.get("name")) else f"{rel}.identifier.legalName", name)
    siret = siret_of(org)
    if siret:
        unit.put("supplier_siret", f"{rel}.{siret[0]}", siret[1])
    address = dict_of(org.get("address"))
    country = country_of(address)
    if country:
        unit.put("supplier_country", f"{rel}.address.{country[0]}", country[1])
    postcode = address.get("postalCode")
    if not is_blank(postcode):
        if country is None or is_france(country[1]):
            unit.put("supplier_postcode", f"{rel}.address.postalCode", postcode)
        else:
            unit.warn("postcode_foreign",
                      f"code postal « {postcode} » d'un fournisseur situé hors de France ({country[1]}) : "
                      "non lu comme un code postal français",
                      f"postcode “{postcode}” of a supplier outside France ({country[1]}): not read as a French "
                      "postcode", field="supplier_postcode", rel_path=f"{rel}.address.postalCode", value=postcode)
    scale = dict_of(org.get("details")).get("scale")
    if not is_blank(scale):
        label = _SCALES.get(fold(scale))
        if label:
            unit.put("supplier_size", f"{rel}.details.scale", label, note=f" ({scale})")
        else:
            unit.warn("scale_unknown", f"taille d'entreprise « {scale} » inconnue (details.scale) : ignorée",
                      f"unknown company size “{scale}” (details.scale): ignored", field="supplier_size",
                      rel_path=f"{rel}.details.scale", value=scale)
    if len(orgs) > 1:
        holders = [_organisation_holder(o, r) for o, r in orgs]
        unit.warnings.append(co_contractors_warning(holders, unit.rel.path(holders[1].id_column)))


def put_procedure(unit: Unit, tender: dict) -> None:
    details = tender.get("procurementMethodDetails")
    if isinstance(details, str) and details.strip() and _procedure_known(details):
        unit.put("procedure", "tender.procurementMethodDetails", details)
        return
    method = tender.get("procurementMethod")
    if not isinstance(method, str) or not method.strip():
        return
    label = _METHODS.get(method.strip())
    if label:
        unit.put("procedure", "tender.procurementMethod", label, note=f" ({method})")
    elif method.strip() in ("open", "selective"):
        shown = method + (f" / {details.strip()[:80]}" if isinstance(details, str) and details.strip() else "")
        unit.warn("procedure_ambiguous",
                  f"procédure OCDS « {shown} » : ne dit pas laquelle des procédures françaises (appel d'offres, "
                  "procédure adaptée, négociée...) a été suivie ; procédure laissée inconnue",
                  f"OCDS procedure “{shown}” does not say which French procedure (open tender, adapted procedure, "
                  "negotiated...) was followed; procedure left unknown",
                  field="procedure", rel_path="tender.procurementMethod", value=shown)


def _bids_count(stat: Any) -> tuple[Any] | None:
    stat = dict_of(stat)
    if stat.get("measure") != "bids" or is_blank(stat.get("value")):
        return None
    return (stat["value"],)


def put_offers(unit: Unit, lots: list[tuple[str, dict]]) -> None:
    """The first count of bids of the order's lots, or without relatedLot when the tender has at most one lot."""
    tender = unit.rel.tender
    lot_ids = {show_id(lot.get("id")) for _, lot in lots}
    firsts = unit.rel.first_by_lot("bids", dict_of(unit.rel.r.get("bids")).get("statistics"), _bids_count)
    first = firsts.first(lot_ids, unrelated=len(unit.rel.lots) <= 1)
    if first is not None:
        i, (value,) = first
        unit.put("offers_received", f"bids.statistics[{i}].value", value)
        return
    if len(unit.rel.lots) <= 1:  # with several lots, the tender's count is not the lot's
        unit.put("offers_received", "tender.numberOfTenderers", tender.get("numberOfTenderers"))


def put_object(unit: Unit, lots: list[tuple[str, dict]], candidates: list[tuple[str, Any]]) -> None:
    tender = unit.rel.tender
    title = text_of(tender.get("title"))
    if len(lots) == 1 and text_of(lots[0][1].get("title")):
        lot_rel, lot = lots[0]
        if title and lot["title"].strip() not in title:
            unit.put("object", f"tender.title + {lot_rel}.title", f"{title.strip()} — {lot['title'].strip()}")
        else:
            unit.put("object", f"{lot_rel}.title", lot["title"])
        return
    for rel_path, value in [("tender.title", title), *candidates]:
        if text_of(value):
            unit.put("object", rel_path, value)
            return


def _french_postcode(address: dict) -> Any:
    postcode = address.get("postalCode")
    country = country_of(address)
    return postcode if not is_blank(postcode) and (country is None or is_france(country[1])) else None


def _item_place(item: Any) -> tuple[str, Any] | None:
    """(path inside the item, postcode) of the item's first French delivery address."""
    item = dict_of(item)
    addresses = []
    if isinstance(item.get("deliveryAddress"), dict):
        addresses.append(("deliveryAddress", item["deliveryAddress"]))
    loc = dict_of(item.get("deliveryLocation"))
    if isinstance(loc.get("address"), dict):
        addresses.append(("deliveryLocation.address", loc["address"]))
    for arel, address in addresses:
        postcode = _french_postcode(address)
        if postcode is not None:
            return arel, postcode
    return None


def _address_place(address: Any) -> tuple[str, Any] | None:
    postcode = _french_postcode(address) if isinstance(address, dict) else None
    return None if postcode is None else ("", postcode)


def put_place(unit: Unit, sources: list[tuple[Any, str]], lots: list[tuple[str, dict]]) -> None:
    """Place of performance: a French postcode of the items' delivery address, or tender.deliveryAddresses."""
    found: tuple[str, Any] | None = None
    for items, rel in sources:
        for i, item in enumerate(list_of(items)):
            place = _item_place(item)
            if place is not None:
                found = (f"{rel}[{i}].{place[0]}", place[1])
                break
        if found is not None:
            break
    if found is None:
        first = _tender_item(unit, "place", _item_place, lots)
        if first is not None:
            found = (f"tender.items[{first[0]}].{first[1][0]}", first[1][1])
    if found is None:
        first = unit.rel.first_by_lot("deliveryAddresses", unit.rel.tender.get("deliveryAddresses"),
                                      _address_place).any
        if first is not None:
            found = (f"tender.deliveryAddresses[{first[0]}]", first[1][1])
    if found is not None:
        rel, postcode = found
        unit.put("place_code", f"{rel}.postalCode", postcode)
        unit.put("place_type", f"{rel}.postalCode", "Code postal", note=" (postalCode)")
