"""One compiled release to the orders the run evaluates: contracts, awards without contract, or lots.

OCDS has no single "marché" object; what one order is (docs/ocds.md) is decided here, and the fields
shared by every order of a process (buyer, dates, procedure, considerations) are put on each.
"""

from __future__ import annotations

from typing import Any

from procurement.read.decp_common import is_blank
from procurement.read.ocds_fields import (
    put_amount,
    put_cpv,
    put_duration,
    put_object,
    put_offers,
    put_place,
    put_procedure,
    put_supplier,
    siret_of,
)
from procurement.read.ocds_release import Release, Unit, dict_of, list_of, show_id
from procurement.read.ocds_sustainability import put_criteria_weights, put_sustainability

_SKIPPED_AWARDS = {"unsuccessful", "cancelled"}


def _related_lots(rel: Release, award: dict | None, award_rel: str | None) -> list[tuple[str, dict]]:
    """The lots an award is for (relatedLots, else its items' relatedLot), or the tender's only lot."""
    ids: list[str] = []
    if award is not None:
        ids = [show_id(x) for x in list_of(award.get("relatedLots")) if not is_blank(x)]
        if not ids:
            ids = [show_id(dict_of(i).get("relatedLot")) for i in list_of(award.get("items")) if
                   not is_blank(dict_of(i).get("relatedLot"))]
    if not ids and len(rel.lots) == 1:
        ids = list(rel.lots)
    out = []
    for lot_id in dict.fromkeys(ids):
        found = rel.lots.get(lot_id)
        if found is not None:
            out.append((f"tender.lots[{found[0]}]", found[1]))
    return out


def _common(unit: Unit, lots: list[tuple[str, dict]]) -> None:
    rel, tender = unit.rel, unit.rel.tender
    found = rel.buyer()
    if found is not None:
        org, org_rel = found
        name_key = "name" if not is_blank(org.get("name")) else None
        if name_key:
            unit.put("buyer_name", f"{org_rel}.name", org["name"])
        else:
            unit.put("buyer_name", f"{org_rel}.identifier.legalName", dict_of(org.get("identifier")).get("legalName"))
        siret = siret_of(org)
        if siret:
            unit.put("buyer_siret", f"{org_rel}.{siret[0]}", siret[1])
    period = dict_of(tender.get("tenderPeriod"))
    unit.put("launch_date", "tender.tenderPeriod.startDate", period.get("startDate"))
    unit.put("launch_date", "tender.datePublished", tender.get("datePublished"))
    unit.put("publication_date", "date", rel.r.get("date"))
    put_procedure(unit, tender)
    holders = [("tender", tender), *lots]
    env_criterion = put_criteria_weights(unit, holders)
    put_sustainability(unit, holders, env_criterion)
    unit.put("award_criteria", "tender.awardCriteriaDetails", tender.get("awardCriteriaDetails"))
    if rel.lots:
        unit.put("lots", "tender.lots", len(rel.lots), note=" (nombre)")
    put_offers(unit, lots)
    techniques = dict_of(tender.get("techniques"))
    if techniques.get("hasFrameworkAgreement") is True:
        unit.put("nature", "tender.techniques.hasFrameworkAgreement", "Accord-cadre", note=" = true")


def orders_of(rel: Release, columns: dict[str, str], notes: dict[str, int]) -> list[tuple[str, str, Unit]]:
    """(order id, path, unit) for each contract, award without contract, or consultation (lot)."""
    out: list[tuple[str, str, Unit]] = []
    tender = rel.tender

    def make_id(raw: Any) -> str:
        shown = show_id(raw)
        return shown if shown.startswith(rel.ocid) else f"{rel.ocid}/{shown}"

    used_awards: set[str] = set()
    for i, contract in enumerate(list_of(rel.r.get("contracts"))):
        if not isinstance(contract, dict):
            continue
        crel = f"contracts[{i}]"
        award_id = contract.get("awardID", contract.get("awardId"))
        award, arel = None, None
        if not is_blank(award_id) and show_id(award_id) in rel.awards:
            j, award = rel.awards[show_id(award_id)]
            arel = f"awards[{j}]"
            used_awards.add(show_id(award_id))
        unit = Unit(rel, columns)
        cid = contract.get("id")
        oid = make_id(cid) if not is_blank(cid) else make_id(f"contract-{i + 1}")
        unit.put("id", f"{crel}.id" if not is_blank(cid) else crel, oid)
        lots = _related_lots(rel, award, arel)
        put_object(unit, lots, [(f"{arel}.title", dict_of(award).get("title")),
                                (f"{crel}.title", contract.get("title")),
                                ("tender.description", tender.get("description")),
                                (f"{arel}.description", dict_of(award).get("description")),
                                (f"{crel}.description", contract.get("description"))])
        _common(unit, lots)
        unit.put("nature", crel, "Marché", note=" (contracts[])")
        unit.put("notification_date", f"{crel}.dateSigned", contract.get("dateSigned"))
        if award is not None:
            unit.put("notification_date", f"{arel}.date", award.get("date"))
        if not put_amount(unit, contract.get("value"), f"{crel}.value") and award is not None:
            put_amount(unit, award.get("value"), f"{arel}.value")
        put_duration(unit, contract.get("period"), f"{crel}.period")
        if award is not None:
            put_duration(unit, award.get("contractPeriod"), f"{arel}.contractPeriod")
        suppliers = list_of(contract.get("suppliers"))
        if suppliers:
            put_supplier(unit, suppliers, f"{crel}.suppliers")
        elif award is not None:
            put_supplier(unit, list_of(award.get("suppliers")), f"{arel}.suppliers")
        own_items = [(contract.get("items"), f"{crel}.items"), (dict_of(award).get("items"), f"{arel}.items")]
        put_cpv(unit, own_items, lots)
        put_place(unit, own_items, lots)
        out.append((oid, crel, unit))
    for key, (j, award) in rel.awards.items():
        if key in used_awards:
            continue
        if isinstance(award.get("status"), str) and award["status"] in _SKIPPED_AWARDS:
            notes["awards_skipped"] += 1
            continue
        arel = f"awards[{j}]"
        unit = Unit(rel, columns)
        oid = make_id(award["id"])
        unit.put("id", f"{arel}.id", oid)
        lots = _related_lots(rel, award, arel)
        put_object(unit, lots, [(f"{arel}.title", award.get("title")),
                                ("tender.description", tender.get("description")),
                                (f"{arel}.description", award.get("description"))])
        _common(unit, lots)
        unit.put("nature", arel, "Marché", note=" (awards[])")
        unit.put("notification_date", f"{arel}.date", award.get("date"))
        put_amount(unit, award.get("value"), f"{arel}.value")
        put_duration(unit, award.get("contractPeriod"), f"{arel}.contractPeriod")
        put_supplier(unit, list_of(award.get("suppliers")), f"{arel}.suppliers")
        put_cpv(unit, [(award.get("items"), f"{arel}.items")], lots)
        put_place(unit, [(award.get("items"), f"{arel}.items")], lots)
        out.append((oid, arel, unit))
    if out or not tender:
        return out
    # A consultation: the tender itself, or each of its lots.
    lots = [(f"tender.lots[{i}]", lot) for _, (i, lot) in rel.lots.items()] or [(None, None)]
    for lot_rel, lot in lots:
        unit = Unit(rel, columns)
        if lot is None:
            oid = rel.ocid
            unit.put("id", "ocid", oid)
            lot_list: list[tuple[str, dict]] = []
        else:
            assert lot_rel is not None
            oid = make_id(lot["id"])
            unit.put("id", f"{lot_rel}.id", oid)
            lot_list = [(lot_rel, lot)]
        put_object(unit, lot_list, [("tender.description", tender.get("description"))])
        _common(unit, lot_list)
        if lot is None:
            put_amount(unit, tender.get("value"), "tender.value")
        else:
            put_amount(unit, lot.get("value"), f"{lot_rel}.value")
        put_duration(unit, (lot or {}).get("contractPeriod") or tender.get("contractPeriod"),
                     f"{lot_rel}.contractPeriod" if lot and lot.get("contractPeriod") else "tender.contractPeriod")
        put_cpv(unit, [], lot_list)
        put_place(unit, [], lot_list)
        notes["consultations"] += 1
        out.append((oid, lot_rel or "tender", unit))
    return out
