"""RISK-02 (possible splitting): which rows are copies of one order, and what a group says of them.

Two truths to keep (procurement/portfolio.py, docs/exports.md): the DECP often publishes one contract
twice under two ids (same supplier, amount and date: one contract), but purchase orders of one day to
one supplier for the same amount under several numbers are the textbook split. And the same order
read twice (same buyer and id, e.g. one file scored twice) is one order, supplier known or not.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.model import Order
from procurement.portfolio import PortfolioFacts, detect_splitting
from procurement.write.results_schema import Results

DATA = Path(__file__).resolve().parent / "data" / "risk02_s9"
D = dt.date.fromisoformat
ALPHA = "73282932000074"


def _score(tmp_path: Path, *files: Path, name: str = "out", extra: tuple[str, ...] = ()) -> dict:
    out = tmp_path / name
    result = CliRunner().invoke(main, ["score", *map(str, files), "--out", str(out), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    Results.model_validate(doc)
    return doc


def _groups(doc: dict) -> dict[tuple[str, str], dict]:
    return {(g["buyer"], g["level"]): g for g in doc["portfolio"]}


def order(i: int, **values) -> Order:
    base = {"id": f"BC-{i}", "buyer_name": "Direction SI", "cpv": "30213100", "contract_type": "fournitures",
            "procedure": "sans_publicite", "nature": "bon_de_commande", "amount": 35000,
            "notification_date": D("2025-03-10"), "supplier_siret": ALPHA, "source": {"file": "t.csv", "row": i + 1}}
    base.update(values)
    return Order.model_validate(base)


# --- 1. purchase orders under several numbers are not copies -------------------------------------------

def test_three_purchase_orders_of_one_day_to_one_supplier_are_a_split(tmp_path):
    """split.csv: BC-1..3 (Direction SI), 35 000 € each to ALPHA on 10/03/2025: 105 000 € against the
    40 000 € threshold. They were taken for one contract published three times, and flagged nowhere."""
    doc = _score(tmp_path, DATA / "split.csv")
    groups = _groups(doc)
    same_day = groups["Direction SI", "dispensation"]
    assert same_day["orders"] == ["BC-1", "BC-2", "BC-3"] and same_day["total"] == 105000
    assert same_day["duplicates"] == [] and same_day["suppliers"] == 1
    # The same orders spread over three days were already flagged: they still are.
    assert groups["Direction SI2", "dispensation"]["orders"] == ["BC-4", "BC-5", "BC-6"]
    flagged = {o["id"] for o in doc["orders"] if any(f["rule"] == "RISK-02" for f in o["findings"])}
    assert flagged == {f"BC-{i}" for i in range(1, 7)}


@pytest.mark.parametrize("nature", ["bon_de_commande", None])
def test_rows_of_a_finance_export_are_never_publication_copies(nature):
    """A purchase order, or a row of unknown nature read from a table (no JSON path, no publication date
    of essential data): not a publication of a contract, so never a copy of another id."""
    orders = [order(i, nature=nature) for i in range(3)]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-0", "BC-1", "BC-2") and found.duplicates == () and found.total == 105000


@pytest.mark.parametrize("published", [
    {"nature": "marche"},
    {"nature": "accord_cadre"},
    {"nature": None, "source": {"file": "decp.json", "row": 1, "path": "marches[0]"}},
    {"nature": None, "publication_date": D("2025-04-01")},
])
def test_a_contract_published_under_two_ids_still_counts_once_and_says_so(published):
    """Contracts (a marché, an accord-cadre, or a record of a publication: read from JSON, or with the date
    its essential data were published) under two ids with the same supplier, amount and date: one contract.
    The copy is listed in `duplicates` and named in the message, in both languages."""
    orders = [order(0, **published), order(1, **published), order(2, supplier_siret="44306184100047")]
    if "source" in published:
        orders = [o.model_copy(update={"source": o.source.model_copy(update={"path": f"marches[{i}]"})})
                  for i, o in enumerate(orders)]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-0", "BC-2") and found.total == 70000
    assert found.duplicates == ("BC-1",)
    assert "1 copie d'une commande déjà comptée" in found.message("fr") and "BC-1" in found.message("fr")
    assert "1 copy of an order already counted" in found.message("en") and "BC-1" in found.message("en")
    # Facts sent between processes decide as the order itself.
    assert detect_splitting(PortfolioFacts(o) for o in orders) == [found]


def test_a_purchase_order_is_not_the_copy_of_a_published_contract():
    """Both must be publications: a purchase order matching a marché's supplier, amount and date counts."""
    orders = [order(0, nature="marche"), order(1), order(2, nature="marche", supplier_siret="44306184100047")]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-0", "BC-1", "BC-2") and found.duplicates == ()


# --- 2. the same order read twice is one order, supplier known or not ----------------------------------

def test_a_file_scored_twice_counts_each_consultation_once(tmp_path):
    """consultations.csv: CONS-1 and CONS-2 (no supplier yet) total 265 000 € against the 216 000 € EU
    threshold; CONS-3 alone is 210 000 €. Scored with a copy of itself, CONS-3 was summed with itself
    (420 000 €, "CONS-3, CONS-3") and the first group doubled (530 000 €), with no duplicate listed."""
    once = _score(tmp_path, DATA / "consultations.csv", name="once")
    copy = tmp_path / "consultations-copie.csv"
    shutil.copyfile(DATA / "consultations.csv", copy)
    twice = _score(tmp_path, DATA / "consultations.csv", copy, name="twice")
    (alone,) = once["portfolio"]
    (group,) = twice["portfolio"]
    assert group["orders"] == alone["orders"] == ["CONS-1", "CONS-2"]
    assert group["total"] == alone["total"] == 265000 and group["amounts"] == alone["amounts"]
    assert group["duplicates"] == ["CONS-1", "CONS-2"] and alone["duplicates"] == []
    assert "2 copies de commandes déjà comptées" in group["message_fr"]
    assert "2 copies of orders already counted" in group["message_en"]
    assert group["message_fr"].startswith(alone["message_fr"][:-1])
    # Both copies of each order still carry the verdict (same id at the same buyer).
    carried = [o["id"] for o in twice["orders"] if any(f["rule"] == "RISK-02" for f in o["findings"])]
    assert carried == ["CONS-1", "CONS-2", "CONS-1", "CONS-2"]


def test_same_id_without_supplier_is_one_order():
    """The same buyer and id with the same amount and date: one order, whatever the supplier says."""
    orders = [order(0, supplier_siret=None), order(1, supplier_siret=None),
              order(0, supplier_siret=None, source={"file": "copie.csv", "row": 1}),
              order(0, supplier_siret="44306184100047", source={"file": "copie.csv", "row": 2})]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-0", "BC-1") and found.duplicates == ("BC-0", "BC-0") and found.total == 70000
    assert found.sources == ("t.csv:1", "t.csv:2")


def test_same_id_with_another_amount_or_date_is_not_a_copy():
    """Lines of one purchase order, or an id used as a placeholder ("NC"): both rows are scored (as the
    duplicate-id warning says), so both count."""
    orders = [order(0, id="NC", amount=25000), order(1, id="NC", amount=20000),
              order(2, id="NC", notification_date=D("2025-03-11"), amount=25000)]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("NC", "NC", "NC") and found.total == 70000 and found.duplicates == ()


def test_same_id_at_another_buyer_is_another_order():
    """Ids are unique per buyer only: two SIRETs of one SIREN are one buyer for the sum, not for the id."""
    orders = [order(0, buyer_siret="20005480700017"), order(0, buyer_siret="20005480700025")]
    (found,) = detect_splitting(orders)
    assert found.order_ids == ("BC-0", "BC-0") and found.duplicates == ()


def test_copies_are_listed_at_the_levels_they_were_taken_from():
    """A copy is named by the finding of each level it would have counted in, and by no other."""
    orders = [order(i, supplier_siret=f"5518380140{i:04d}") for i in range(7)]  # 245 000 €: both levels
    mapa = order(7, amount=150000, procedure="procedure_adaptee", nature="marche")  # EU level only
    orders += [mapa, order(8, amount=150000, procedure="procedure_adaptee", nature="marche", supplier_siret=None),
               mapa.model_copy(update={"source": mapa.source.model_copy(update={"row": 99})}),
               orders[0].model_copy(update={"source": orders[0].source.model_copy(update={"row": 98})})]
    dispensation, eu = detect_splitting(orders)
    assert dispensation.duplicates == ("BC-0",) and dispensation.total == 245000
    assert eu.duplicates == ("BC-7", "BC-0") and eu.total == 245000 + 300000  # in input order


def test_copies_in_a_streaming_run_are_the_same_at_any_number_of_jobs(tmp_path, monkeypatch):
    """`duplicates` of a streaming run (read by position through the ledger) and every output are the
    same bytes with --jobs 1 and --jobs 2 (workers forced on a few rows)."""
    from procurement import parallel

    monkeypatch.setattr(parallel, "CHUNK", 2)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 4)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    copy = tmp_path / "split-copie.csv"
    shutil.copyfile(DATA / "split.csv", copy)
    outputs = []
    for jobs in ("1", "2"):
        doc = _score(tmp_path, DATA / "split.csv", copy, name=f"j{jobs}",
                     extra=("--jobs", jobs, "--format", "html", "--per-order"))
        same_day = _groups(doc)["Direction SI", "dispensation"]
        assert same_day["duplicates"] == ["BC-1", "BC-2", "BC-3"] and same_day["total"] == 105000
        out = tmp_path / f"j{jobs}"
        outputs.append({p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})
    assert outputs[0] == outputs[1]
