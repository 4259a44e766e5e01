"""The summary's figures on small hand-made cases: duplicate rows counted once, undated transport spend,
no ESS status at all, the time series' holes, the row balance with merged DECP rows, rounded shares,
the buyers past the first 50, CPV division labels, and chart texts that fit their viewBox."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from procurement import charts
from procurement.aggregate import Aggregate, aggregate
from procurement.engine import evaluate
from procurement.model import Order
from procurement.pipeline import ScoredOrder, run
from procurement.reference import cpv_division_label
from procurement.rulebook import load_default
from procurement.scoring import score_order
from procurement.views.summary import buyer_section, emission_section, month_section, place_section, target_section
from procurement.write.html_summary import summary_html

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "summary_s9"
NS = "{http://www.w3.org/2000/svg}"
BOOK = load_default()


def _scored(**values) -> ScoredOrder:
    o = Order.model_validate({"source": {"file": "t.xlsx", "row": 2}, **values})
    findings = evaluate(o, BOOK)
    return ScoredOrder(o, findings, score_order(findings, BOOK))


def _figures(*orders: dict) -> dict:
    agg = Aggregate(BOOK)
    for values in orders:
        agg.add(_scored(**values))
    return agg.result()


def _target(agg: dict, measure: str) -> dict:
    return next(m for m in agg["targets"] if m["measure"] == measure)


def test_duplicate_rows_are_counted_once_and_said():
    result = run([DATA / "dups.csv"], BOOK, options={"lang": "fr"})
    orders = list(result.orders)

    def coded(code: str) -> list[Order]:
        return [s.order for s in orders if any(w.code == code for w in s.order.warnings)]

    copies, reused = coded("duplicate_order"), coded("duplicate_id")
    assert len(orders) == 25 and len(copies) == 3  # 25M0054 twice more, BC25-01326 once more
    # 25M0055 again at 13.6 M€, BC25-01330 again a week later: other orders under a used id, counted
    assert sorted((o.id, o.amount) for o in reused) == [("25M0055", 13_600_000.0), ("BC25-01330", 2131.49)]
    assert not any(w.code == "duplicate_id" for o in copies for w in o.warnings)
    agg = aggregate(result)
    firsts = [s.order for s in orders if s.order not in copies]
    assert agg["totals"]["orders"] == 22
    assert agg["totals"]["amount"] == pytest.approx(sum(o.amount or 0.0 for o in firsts))
    assert agg["totals"]["duplicate_rows"] == 3
    assert agg["totals"]["duplicate_amount"] == pytest.approx(sum(o.amount or 0.0 for o in copies))
    assert sum(b["orders"] for b in agg["buyers"]) == 22
    assert all(sum(r["counts"].values()) == 22 for r in agg["rules"] if r["rule"] != "RISK-02")
    html = summary_html(result, "fr", agg)
    assert "<strong>3 lignes en double" in html
    (copy,) = [w for w in copies[0].warnings if w.code == "duplicate_order"]
    assert "dups.csv:3" in copy.message_fr and "comptée une seule fois" in copy.message_fr


def test_a_copy_in_memory_is_told_from_a_reused_id():
    """`process` (the check's in-memory path) tells copies from reused ids as the streaming ledger does."""
    from procurement.model import Source
    from procurement.pipeline import process
    from procurement.read.base import Cell, RawRecord

    def record(row: int, amount: str) -> RawRecord:
        cells = {"id": Cell("Réf", "A-1"), "amount": Cell("Montant", amount),
                 "buyer_name": Cell("Acheteur", "Métropole"), "notification_date": Cell("Date", "02/01/2025")}
        return RawRecord(source=Source(file="t.csv", row=row), cells=cells, warnings=[])

    out: list[ScoredOrder] = []
    process([record(2, "100"), record(3, "100"), record(4, "250")], BOOK, out, [])
    codes = [[w.code for w in s.order.warnings if w.code.startswith("duplicate")] for s in out]
    assert codes == [[], ["duplicate_order"], ["duplicate_id"]]
    assert aggregate_of(out)["totals"]["orders"] == 2


def aggregate_of(orders: list[ScoredOrder]) -> dict:
    agg = Aggregate(BOOK)
    for s in orders:
        agg.add(s)
    return agg.result()


def test_undated_transport_spend_is_not_divided_by_the_dated_years():
    bus = dict(nature="marche", cpv="60112000")  # public road transport: a transport alternative
    agg = _figures(dict(id="A", amount=1000.0, notification_date=dt.date(2025, 3, 1), **bus),
                   dict(id="B", amount=500.0, **bus),  # no date
                   dict(id="C", nature="marche", cpv="45233142", amount=10.0, notification_date=dt.date(2024, 5, 1)))
    tr = _target(agg, "transport_alternatives_spend")
    assert tr["years"] == ["2024", "2025"]
    assert tr["measured"] == pytest.approx(1000.0)  # 2025's: 1500 / 2 then 1000 / 2 before
    assert (tr["undated_orders"], tr["undated_amount"]) == (1, 500.0)
    rows = target_section(agg, "fr")["rows"]
    assert "500\u202f€ d'achats sans date de notification (1 commande)" in rows[3]["basis"]


def test_no_supplier_status_is_no_ess_measure_not_zero():
    agg = _figures(dict(id="A", nature="marche", amount=1000.0), dict(id="B", nature="bon_de_commande", amount=5.0))
    ess = _target(agg, "ess_spend_share")
    assert ess["measured"] is None and ess["denominator"] == 1005.0
    row = target_section(agg, "fr")["rows"][2]
    assert (row["measured"], row["attainment"]) == ("pas de donnée", "pas de donnée")
    assert target_section(agg, "en")["rows"][2]["measured"] == "no data"


def _months(*codes: str) -> dict:
    rows = [{"month": m, "orders": 1, "amount": 1000.0, "score": 50.0, "legal_fail_orders": 0} for m in codes]
    return {"months": [*rows, {"month": "unknown", "orders": 2, "amount": 7000.0, "score": None,
                               "legal_fail_orders": 0}]}


def test_the_time_series_keeps_its_calendar_and_says_the_undated_orders():
    section = month_section(_months("2025-01", "2025-06", "2025-12"), "fr")
    root = ET.fromstring(str(section["chart"]))
    points = list(root.iter(NS + "circle"))
    assert len(points) == 12  # January to December, not three points side by side
    assert sum(1 for p in points if p.get("fill") == "#ffffff") == 9
    labels = [t.text for t in root.iter(NS + "text") if t.get("text-anchor") == "middle"]
    assert labels[0] == "01/2025" and labels[-1] == "12/2025"
    assert "02/2025" in section["gaps"] and "aucune commande" in str(section["chart"])
    assert "2 commandes (7\u202f000\u202f€)" in section["undated"]
    years = month_section(_months("2019-01", "2019-04", "2025-10"), "fr")  # 82 months: by year
    assert [t.text for t in ET.fromstring(str(years["chart"])).iter(NS + "text")
            if t.get("text-anchor") == "middle"] == [str(y) for y in range(2019, 2026)]


def test_the_row_balance_counts_merged_decp_rows():
    result = run([ROOT / "tests" / "data" / "decp" / "bretagne_2021_subset.csv"], BOOK, options={"lang": "fr"})
    assert result.counts["merged"] == 4
    html = summary_html(result, "fr")
    assert "16 lignes lues = 12 commandes évaluées + 0 ligne rejetée + 4 lignes fusionnées" in html
    assert "16 rows read = 12 orders scored + 0 rows rejected + 4 rows merged" in summary_html(result, "en")


def test_an_order_without_amount_is_said_in_the_key_figures():
    result = run([ROOT / "samples" / "decp-2024-bretagne.json"], BOOK, options={"lang": "fr"})
    agg = aggregate(result)
    agg["totals"]["orders_without_amount"] = 1
    assert "(1 commande sans montant, non comptée)" in summary_html(result, "fr", agg)


def _places(amounts: list[float]) -> dict:
    bands = ("amp", "region_sud", "france", "eu", "outside", "unknown")
    return {"totals": {"amount": sum(amounts)},
            "bands": [{"band": b, "orders": 1, "amount": a} for b, a in zip(bands, amounts, strict=True)],
            "distances": [{"band": "unknown", "orders": 6, "amount": sum(amounts)}]}


def test_shares_add_up_to_100_and_a_small_part_is_not_zero():
    # 26.0 + 19.6 + 18.8 + 25.7 + 0.02 + 10.0: rounded one by one, 26 + 20 + 19 + 26 + 0 + 10 = 101
    section = place_section(_places([104_101_004, 78_872_063, 75_693_480, 103_480_909, 90_326, 40_166_151]), "fr")
    shares = [b["share"] for b in section["bands"]]
    assert shares[4] == "<\u00a01\u202f%"
    assert sum(int(s.replace("\u202f%", "")) for s in shares if s[0].isdigit()) == 100
    assert section["rounded"]


def test_the_buyers_past_the_first_50_are_added_up():
    buyers = [{"buyer": f"B{i}", "orders": 2, "amount": 100.0, "score": 50.0, "orders_scored": 2,
               "legal_fail_orders": 1} for i in range(53)]
    section = buyer_section({"buyers": buyers}, "fr")
    assert len(section["rows"]) == 50
    more = section["more"]
    assert (more["orders"], more["amount"], more["score"], more["legal"]) == ("6", "300\u202f€", "50 / 100", "3")
    assert "3" in more["name"]


def test_a_buyers_score_comes_with_the_rules_per_order_and_the_completeness_it_rests_on():
    # Essential data: CARB-02 alone judged each order; « 0 / 100 » alone read as a buyer failing everything
    decp = {"buyer": "VILLE", "orders": 20, "amount": 1e6, "score": 0.0, "orders_scored": 20, "verdicts": 20,
            "verdicts_per_order": 1.0, "completeness": 0.025, "completeness_orders": 20, "legal_fail_orders": 4}
    unscored = {"buyer": "SYND", "orders": 2, "amount": 5e5, "score": None, "orders_scored": 0, "verdicts": 0,
                "verdicts_per_order": None, "completeness": 0.0, "completeness_orders": 2, "legal_fail_orders": 0}
    rows = buyer_section({"buyers": [decp, unscored]}, "fr")["rows"]
    assert [(r["score"], r["per_order"], r["completeness"]) for r in rows] == [
        ("0 / 100", "1,0", "2\u202f%"), ("pas de score", "—", "0\u202f%")]
    assert buyer_section({"buyers": [decp]}, "en")["rows"][0]["per_order"] == "1.0"


def test_the_buyers_added_up_weigh_each_mean_by_the_orders_behind_it():
    def buyer(i: int, orders: int, scored: int, verdicts: int, comp: float | None, comp_orders: int) -> dict:
        return {"buyer": f"B{i:02d}", "orders": orders, "amount": 100.0, "score": 50.0 if scored else None,
                "orders_scored": scored, "verdicts": verdicts,
                "verdicts_per_order": verdicts / scored if scored else None,
                "completeness": comp, "completeness_orders": comp_orders, "legal_fail_orders": 0}
    first = [buyer(i, 1, 1, 1, 1.0, 1) for i in range(50)]
    # past the 50: 30 verdicts on 10 scored orders and 2 on 2 -> 32 / 12 = 2.67; completeness
    # (0.9 × 9 + 0.3 × 3) / 12 = 0.75 (the plain mean of the two buyers, 0.6, ignored the orders behind each)
    others = [buyer(50, 10, 10, 30, 0.9, 9), buyer(51, 3, 2, 2, 0.3, 3), buyer(52, 1, 0, 0, None, 0)]
    more = buyer_section({"buyers": first + others}, "fr")["more"]
    assert (more["per_order"], more["completeness"], more["orders"]) == ("2,7", "75\u202f%", "14")


def test_cpv_divisions_in_the_page_language_and_an_unknown_division():
    assert cpv_division_label("45", "en") == "Construction work"
    assert cpv_division_label("45") == "Travaux de construction"
    emissions = {"total": 0.0, "amount_not_estimated": 0.0,
                 "divisions": [{"division": "74", "orders": 1, "amount": 1.0, "emissions": 0.0,
                                "orders_estimated": 0}]}
    assert emission_section({"emissions": emissions}, "fr")["rows"][0]["label"] == \
        "74 — division absente de la nomenclature CPV 2008"  # "74 — 74" before


def test_chart_texts_fit_their_viewbox():
    wide = "W" * 60  # 13 px a letter in DejaVu Sans
    svg = ET.fromstring(str(charts.bar_chart([(wide, 1.0, "1")], title="t", desc="d", chart_id="b", label_width=300)))
    label = next(t for t in svg.iter(NS + "text") if t.get("text-anchor") == "end").text
    assert len(label.rstrip("…")) * 0.989 * 13 <= 300 - 6  # 37 letters (476 px) in 300 px before
    line = str(charts.line_chart([(f"{m:02d}/2025", 1.0) for m in range(1, 13)], title="t", desc="d",
                                 chart_id="l", y_format=str))
    width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', line).group(1))
    last = float(re.findall(r'<text x="([0-9.]+)"[^>]*text-anchor="middle"[^>]*>12/2025<', line)[0])
    assert last + (6 * 0.636 + 0.337) * 13 / 2 <= width  # the last month's label was cut on the right


def test_essential_data_buyers_show_the_rules_their_score_rests_on(tmp_path):
    """End to end on real DECP rows: a buyer judged on one rule per order scored reads « 1,0 » beside its score."""
    from click.testing import CliRunner

    from procurement.cli import main

    decp = Path(__file__).parent / "data" / "decp" / "pes_2019_subset.json"
    result = CliRunner().invoke(main, ["score", str(decp), "--out", str(tmp_path), "--format", "summary"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "summary.html").read_text(encoding="utf-8")
    table = page[page.index('<h2 id="h-buyers"'):page.index('<h2 id="h-months"')]
    heads = [unescape(h) for h in re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', table)]
    assert heads[3:7] == ["Score", "Commandes notées", "Règles évaluées par commande notée", "Complétude"]
    # « BUDGET PRINCIPAL » names four bodies (SIRETs): one row each, named with its SIRET (DECP review).
    assert not re.search(r'<th scope="row"[^>]*>BUDGET PRINCIPAL</th>', table)
    row = re.search(r'<th scope="row"[^>]*>BUDGET PRINCIPAL · 22440002800011</th>(.*?)</tr>', table).group(1)
    cells = [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
    assert [cells[0], *cells[2:6]] == ["2", "100 / 100", "1", "1,0", "4\u202f%"]  # PROC-03 passed
    row = re.search(r'<th scope="row"[^>]*>BUDGET PRINCIPAL · 22550001600152</th>(.*?)</tr>', table).group(1)
    cells = [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
    assert [cells[0], *cells[2:6]] == ["1", "0 / 100", "1", "1,0", "9\u202f%"]  # PROC-02 failed
    # CARB-02 alone made this buyer « 0 / 100 » until rulebook 1.3.5: DECP has no field for declared emissions.
    row = re.search(r'<th scope="row"[^>]*>EXERCICE BUDGETAIRE EAU</th>(.*?)</tr>', table).group(1)
    cells = [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
    assert [cells[0], *cells[2:6]] == ["1", "pas de score", "0", "—", "0\u202f%"]
    assert "CARB-02 y est en données insuffisantes" in unescape(table)


def test_the_open_data_sentence_is_said_only_under_essential_data(tmp_path):
    """The note under the buyers' table spoke of DECP under a finance export too (manager review)."""
    from click.testing import CliRunner

    from procurement.cli import main

    csv = tmp_path / "orders.csv"
    csv.write_text("Référence;Direction;Montant HT;CPV\nA1;Voirie;1000;45233142\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(csv), "--out", str(tmp_path / "o"), "--format", "summary"])
    assert result.exit_code == 0, result.output
    page = unescape((tmp_path / "o" / "summary.html").read_text(encoding="utf-8"))
    assert "dit peu de l'acheteur." in page and "DECP" not in page[page.index('id="h-buyers"'):]
    assert buyer_section({"buyers": []}, "en", open_data=True)["open_data_note"].startswith("Essential data (DECP")
