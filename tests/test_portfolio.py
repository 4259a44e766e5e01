"""RISK-02, possible splitting: a portfolio rule over a batch (procurement/portfolio.py)."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest

from procurement import portfolio
from procurement.model import Order
from procurement.portfolio import detect_splitting, threshold_table, thresholds_on
from procurement.reference import thresholds

ROOT = Path(__file__).resolve().parent.parent
D = dt.date.fromisoformat


def order(i: int, **values) -> Order:
    base = {"id": f"BC-{i:03d}", "buyer_name": "Direction des Systèmes d'information", "cpv": "30213100",
            "contract_type": "fournitures", "procedure": "sans_publicite", "nature": "bon_de_commande",
            "notification_date": D("2025-03-01"), "supplier_siret": f"5518380140{i:04d}",
            "source": {"file": "t.xlsx", "row": i + 1}}
    base.update(values)
    return Order.model_validate(base)


def test_three_small_orders_reaching_the_dispensation_threshold_are_flagged():
    orders = [order(i, amount=30000) for i in range(3)]
    (found,) = detect_splitting(orders)
    assert (found.rule, found.kind, found.level, found.threshold, found.total) == ("RISK-02", "risk", "dispensation",
                                                                                   40000, 90000)
    assert found.order_ids == ("BC-000", "BC-001", "BC-002") and found.cpv_class == "30213" and found.year == 2025
    assert found.suppliers == 3 and found.sources == ("t.xlsx:1", "t.xlsx:2", "t.xlsx:3")
    assert "Fractionnement possible : 3 commandes de fournitures de la classe CPV 30213" in found.message("fr")
    assert "40\u202f000 €" in found.message("fr") and "€90,000" in found.message("en")
    d = found.to_dict("en")
    assert d["status"] == "fail" and d["count"] == 3 and d["orders"] == list(found.order_ids)
    assert d["message"] == found.message("en")
    # The threshold is the table's own value (an int stays an int: results.json writes 40000, not 40000.0).
    table = thresholds_on("fournitures", D("2025-03-01"))["dispensation"]
    assert type(found.threshold) is type(table) and found.threshold == table


@pytest.mark.parametrize("amounts", [[15000, 20000], [39999.99], [45000, 30000]])
def test_no_finding_below_the_sum_alone_or_with_an_order_above_the_threshold(amounts):
    # 35 000 € in total; one order only; 45 000 € is itself above 40 000 € (PROC-02 judges it), leaving one.
    assert detect_splitting([order(i, amount=a) for i, a in enumerate(amounts)]) == []


def test_groups_are_buyer_cpv_class_type_and_year():
    orders = [order(0, amount=30000), order(1, amount=30000, cpv="30213200"),  # same class 30213
              order(2, amount=30000, cpv="30237000"),                           # another class
              order(3, amount=30000, notification_date=D("2024-12-31")),       # another year
              order(4, amount=30000, buyer_name="Direction de la Voirie")]     # another buyer
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-000", "BC-001")


def test_buyer_is_the_siren_so_two_establishments_of_one_body_are_one_buyer():
    orders = [order(0, amount=30000, buyer_siret="20005480700017", buyer_name="AMP DSI"),
              order(1, amount=30000, buyer_siret="20005480700025", buyer_name="AMP Territoire 1")]
    (found,) = detect_splitting(orders)
    assert found.count == 2 and found.buyer == "20005480700017"


def test_framework_call_offs_bids_concessions_and_advertised_orders_are_not_counted():
    orders = [order(0, amount=30000), order(1, amount=30000, framework_id="AC25-0010"),
              order(2, amount=30000, nature="marche_subsequent"), order(3, amount=30000, nature="offre"),
              order(4, amount=30000, nature="concession"), order(5, amount=30000, procedure="appel_offres_ouvert"),
              order(6, amount=30000, procedure="procedure_adaptee")]
    assert detect_splitting(orders) == []


def test_unknown_procedure_counts_as_light():
    (found,) = detect_splitting([order(0, amount=30000, procedure=None), order(1, amount=30000)])
    assert found.level == "dispensation"


def test_mapa_orders_are_flagged_at_the_eu_level_only():
    orders = [order(i, amount=150000, procedure="procedure_adaptee", nature="marche") for i in range(2)]
    (found,) = detect_splitting(orders)
    assert (found.level, found.threshold, found.total) == ("eu", 221000, 300000)


def test_both_levels_are_reported_when_both_are_crossed():
    orders = [order(i, amount=35000) for i in range(7)]  # 245 000 € without publicity
    found = detect_splitting(orders)
    assert [(f.level, f.threshold, f.total) for f in found] == [("dispensation", 40000, 245000),
                                                                 ("eu", 221000, 245000)]


def test_social_and_specific_services_are_left_out_of_the_eu_level():
    # Vocational training (80530000) may be a MAPA whatever its value (R2123-1 3°); computer training may not.
    training = [order(i, amount=150000, cpv="80530000", contract_type="services", procedure="procedure_adaptee")
                for i in range(2)]
    assert detect_splitting(training) == []
    computing = [order(i, amount=150000, cpv="80533100", contract_type="services", procedure="procedure_adaptee")
                 for i in range(2)]
    assert [f.level for f in detect_splitting(computing)] == ["eu"]


def test_thresholds_follow_the_launch_date():
    # Supplies: 40 000 € until 2026-03-31, 60 000 € from 2026-04-01 (décret 2025-1386).
    after = [order(i, amount=50000, launch_date=D("2026-05-04"), notification_date=D("2026-07-01")) for i in range(2)]
    (found,) = detect_splitting(after)
    assert (found.level, found.threshold, found.year) == ("dispensation", 60000, 2026)
    before = [order(i, amount=50000, launch_date=D("2026-03-02"), notification_date=D("2026-05-01")) for i in range(2)]
    assert detect_splitting(before) == []  # each is above its own 40 000 € threshold: PROC-02 fails each
    # Works: 100 000 € (since 2020-12-09, made permanent on 2026-01-01).
    works = [order(i, amount=60000, cpv="45233142", contract_type="travaux") for i in range(2)]
    (found,) = detect_splitting(works)
    assert (found.contract_type, found.threshold, found.total) == ("travaux", 100000, 120000)
    assert detect_splitting([order(i, amount=45000, cpv="45233142", contract_type="travaux") for i in range(2)]) == []


def test_contract_type_is_derived_from_the_cpv_when_not_enriched():
    orders = [order(i, amount=30000, contract_type=None) for i in range(2)]
    (found,) = detect_splitting(orders)
    assert found.contract_type == "fournitures"


def test_a_contract_published_twice_is_one_contract():
    # Copies between contract publications: two publications of one contract under two ids.
    first = order(0, amount=30000, supplier_siret="48401106900016", nature="marche")
    copy = order(1, amount=30000, supplier_siret="48401106900016", nature="marche")
    assert detect_splitting([first, copy]) == []
    (found,) = detect_splitting([first, copy, order(2, amount=30000)])
    assert found.order_ids == ("BC-000", "BC-002") and found.duplicates == ("BC-001",)


def test_copies_are_told_apart_at_the_end_as_they_were_while_adding():
    """The second and third copies go, at every level they reached; an order without a supplier is never
    a copy (whatever it matches), another supplier's order with the same amount and date is not one."""
    s = "48401106900016"
    m = "marche"
    orders = [order(0, amount=30000, supplier_siret=s, nature=m),
              order(1, amount=30000, supplier_siret=None, supplier_name=None),
              order(2, amount=30000, supplier_siret=s, nature=m), order(3, amount=30000),
              order(4, amount=30000, supplier_siret=s, nature=m),
              order(5, amount=30000, supplier_siret=None, supplier_name=None)]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-000", "BC-001", "BC-003", "BC-005")
    assert found.duplicates == ("BC-002", "BC-004") and found.total == 120000
    assert found.amounts == (30000.0,) * 4


def test_orders_without_amount_cpv_date_or_buyer_are_skipped():
    orders = [order(0, amount=None), order(1, amount=30000, cpv=None, contract_type=None),
              order(2, amount=30000, notification_date=None), order(3, amount=30000, buyer_name=None),
              order(4, amount=30000)]
    assert detect_splitting(orders) == []


def test_pure_and_deterministic():
    orders = [order(i, amount=30000) for i in range(3)]
    before = [o.model_dump() for o in orders]
    assert detect_splitting(iter(orders)) == detect_splitting(orders)
    (a,), (b,) = detect_splitting(orders), detect_splitting(list(reversed(orders)))
    assert set(a.order_ids) == set(b.order_ids) and a.total == b.total
    assert [o.model_dump() for o in orders] == before


def test_thresholds_come_from_the_packaged_legal_thresholds():
    doc = thresholds()
    disp, eu = doc["dispense_publicite_mise_en_concurrence_R2122_8"], doc["seuils_europeens_2026_2027"]
    fs_until, fs_from = disp["fournitures_services"]
    assert thresholds_on("services", D("2026-03-31")) == {"dispensation": fs_until["threshold_lt"],
                                                         "eu": eu["fournitures_services_collectivites"]}
    assert thresholds_on("fournitures", D("2026-04-01"))["dispensation"] == fs_from["threshold_lt"]
    assert thresholds_on("travaux", D("2026-01-01")) == {"dispensation": disp["travaux"][0]["threshold_lt"],
                                                        "eu": eu["travaux_et_concessions"]}
    assert thresholds_on("services", D("2025-06-01"))["eu"] == eu["previous_2024_2025"]["FS_collectivites"]
    assert thresholds_on("travaux", D("2018-06-01")) == {"dispensation": 25000, "eu": 5548000}
    assert thresholds_on("services", D("2015-01-01")) == {}
    # What the JSON says is verified stays verified; the history before 2024, verified in rulebook 1.3.11,
    # names the page that states it.
    for t in threshold_table():
        assert t.confidence == "verified", t
        assert t.start >= D("2024-01-01") or "http" in t.source, t
    # No gap and no overlap, per level and type, from the first start on.
    for level in ("dispensation", "eu"):
        for kind in ("travaux", "fournitures_services"):
            rows = sorted((t for t in threshold_table() if t.level == level and t.contract_type == kind),
                          key=lambda t: t.start)
            for a, b in itertools.pairwise(rows):
                assert a.end is not None and b.start == a.end + dt.timedelta(days=1), (a, b)
            assert rows[-1].end is None


def test_specific_services_are_the_rulebook_table():
    import yaml

    doc = yaml.safe_load((ROOT / "rules" / "relance-renouveau.yaml").read_text(encoding="utf-8"))
    assert sorted(doc["tables"]["cpv_services_specifiques"]) == sorted(portfolio.SPECIFIC_SERVICES_CPV)


def test_rule_metadata_for_reports_and_the_catalogue():
    meta = portfolio.RULES["RISK-02"]
    assert meta["kind"] == "risk" and set(meta["chantiers"]) == {1, 3}
    assert meta["title"]["fr"] and meta["title"]["en"] and meta["why"]["fr"] and meta["advice"]["en"]
    assert any(ref["confidence"] == "verified" and "legifrance" in ref["url"] for ref in meta["legal_ref"])
    from procurement.fields import FIELDS_BY_NAME

    assert set(meta["fields"]) <= set(FIELDS_BY_NAME)


def test_the_sample_laptops_bought_in_five_orders_are_flagged():
    """samples/README.md: rows 120, 132, 305, 333, 392 — five laptop orders to one supplier, about 180 k€."""
    from procurement.directory import load_directory
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    result = run([ROOT / "samples" / "commandes-2025.xlsx"], load_default(),
                 directory=load_directory([ROOT / "samples" / "fournisseurs.csv"]))
    found = detect_splitting(s.order for s in result.orders)
    laptops = next(f for f in found if f.cpv_class == "30213" and f.year == 2025 and f.level == "dispensation")
    assert {"BC25-02052", "BC25-02062", "BC25-02460", "BC25-02528", "BC25-02685"} <= set(laptops.order_ids)
    assert laptops.threshold == 40000 and laptops.total > 180000
    assert all(a < 40000 for a in laptops.amounts)


def test_real_decp_duplicates_are_not_taken_for_splits():
    """PES 2019: contracts published twice under two ids (2019A01600/2019A01601, 20191815201/20191815202,
    2018ENTRETTZA00/2018ETERZA00) have the same supplier, amount and date: one contract each, no split."""
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    result = run([ROOT / "tests" / "data" / "decp" / "pes_2019_subset.json"], load_default())
    assert detect_splitting(s.order for s in result.orders) == []
