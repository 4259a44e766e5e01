"""View models and server-rendered pages, without a browser: safe file names, verdict order, compact JSON,
escaping, CSP hashes, language formats, provenance footer."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import json
import re
from html import unescape
from pathlib import Path

import pytest

from procurement import i18n
from procurement.aggregate import aggregate
from procurement.model import Order
from procurement.pipeline import ScoredOrder, run
from procurement.rulebook import load_default
from procurement.views.batch import ORDER_COLUMNS, embed_json, payload
from procurement.views.order import order_file_name, order_view
from procurement.views.summary import summary_view
from procurement.write.html_order import order_page_html, write_order_pages
from procurement.write.html_report import report_html, write_html
from procurement.write.html_summary import summary_html, write_summary

ROOT = Path(__file__).resolve().parents[1]


def _bench():
    spec = importlib.util.spec_from_file_location("bench_report_views", ROOT / "bench" / "bench_report.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hostile():
    return _bench().synthetic_run(60, hostile=True, options={"lang": "fr", "per_order": True, "select": ["ENV-01"]})


@pytest.fixture(scope="module")
def sample():
    return run([ROOT / "samples" / "commandes-2025.xlsx"], load_default(), options={"lang": "fr"})


def _scored(run_, **values) -> ScoredOrder:
    from procurement.engine import evaluate
    from procurement.scoring import score_order

    o = Order.model_validate({"source": {"file": "t.xlsx", "row": 3}, **values})
    f = evaluate(o, run_.rulebook)
    return ScoredOrder(o, f, score_order(f, run_.rulebook))


@pytest.mark.parametrize("raw", ["../../etc/passwd", "CON", "a/b\\c:d*e?f", "<script>", "é" * 300, "...", " x y "])
def test_order_file_names_are_safe(hostile, raw):
    s = _scored(hostile, id=raw[:200])
    name = order_file_name(s)
    assert re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,60}-[0-9a-f]{10}\.html|commande-[0-9a-f]{10}\.html", name), name
    assert ".." not in name and "/" not in name
    assert order_file_name(s) == name  # deterministic


def test_same_id_in_two_rows_gets_two_pages(hostile):
    a = _scored(hostile, id="2025-001", buyer_name="X")
    b = Order.model_validate({"id": "2025-001", "buyer_name": "X", "source": {"file": "t.xlsx", "row": 4}})
    assert order_file_name(a) != order_file_name(ScoredOrder(b, [], a.scores))


def test_order_view_verdict_and_missing_data(hostile):
    s = _scored(hostile, id="V1", nature="accord_cadre", amount=250000.0, launch_date="2026-09-01",
                env_considerations=("clause",))
    v = order_view(s, "fr")
    assert v["verdict"]["level"] == "legal"
    assert [f["id"] for f in v["verdict"]["legal"]] == ["ENV-10"]  # no environmental award criterion after 21/08/2026
    assert any("montant maximum" in value for label, value, _cls in v["identity"] if label.startswith("Montant"))
    fields = [m["field"] for m in v["missing"]]
    assert "social_considerations" in fields and "supplier_band" in fields
    # each finding is shown in full once, then referred to in the other chantiers
    shown = [f["id"] for c in v["chantiers"] for f in c["findings"] if not f["ref"]]
    assert len(shown) == len(set(shown))
    env10 = next(f for c in v["chantiers"] for f in c["findings"] if f["id"] == "ENV-10" and not f["ref"])
    assert env10["legal"] and env10["legal"][0]["url"].startswith("https://")
    assert env10["evidence"] and env10["advice"] and env10["why"]


def test_batch_payload_is_compact_and_complete(hostile):
    data = payload(hostile, "fr", per_order=True)
    assert len(data["orders"]) == len(hostile.orders)
    assert data["columns"] == list(ORDER_COLUMNS) or tuple(data["columns"]) == ORDER_COLUMNS
    n_rules = len(hostile.rulebook.rules)
    col = {name: i for i, name in enumerate(ORDER_COLUMNS)}
    for row, s in zip(data["orders"], hostile.orders, strict=True):
        assert isinstance(row, list) and len(row) == len(ORDER_COLUMNS)
        assert len(row[col["statuses"]]) == n_rules
        assert row[col["page"]] == order_file_name(s)
        fails = [f for f in s.findings if f.status == "fail"]
        assert len(row[col["messages"]]) == 2 * len(fails)
    # rule titles once, not per order
    text = embed_json(data)
    title = hostile.rulebook.rules[0].title.fr
    assert text.count(json.dumps(title, ensure_ascii=False)) == 1


def test_the_report_list_shows_each_score_as_its_order_page_does(sample):
    # The list rounded twice (45.45 -> 45.5 -> 46, 62.5 -> 63 in the browser) where the order page and the
    # summary read 45 and 62: 28 of the sample's 494 orders showed two scores (English review).
    from procurement.views.common import fmt_score

    data = payload(sample, "fr")
    col = ORDER_COLUMNS.index("score")
    shown = [row[col] for row in data["orders"]]
    assert all(v is None or isinstance(v, int) for v in shown)
    for value, s in zip(shown, sample.orders, strict=True):
        if s.scores.overall is not None:
            assert fmt_score(s.scores.overall, "fr") == f"{value} / 100"
    assert any(s.scores.overall is not None and s.scores.overall % 1 for s in sample.orders)


def test_embedded_json_cannot_close_its_script():
    text = embed_json({"x": "</script><script>alert(1)</script><!--"})
    assert "<" not in text
    assert json.loads(text) == {"x": "</script><script>alert(1)</script><!--"}


def _csp_hashes(html: str) -> tuple[str, list[str]]:
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    return csp, re.findall(r"'sha256-([^']+)'", csp)


def _b64(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_report_is_self_contained_with_exact_csp(hostile):
    html = report_html(hostile, "fr")
    csp, hashes = _csp_hashes(html)
    assert csp.startswith("default-src 'none'")
    style = re.search(r"<style>(.*?)</style>", html, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", html, re.S).group(1)
    assert sorted(hashes) == sorted([_b64(style), _b64(script)])
    markup = re.sub(r'<script type="application/json"[^>]*>.*?</script>', "", html, flags=re.S)
    assert "<link" not in markup and " src=" not in markup and "@import" not in markup and "url(" not in style
    assert "<script>alert(1)</script>" not in html  # server side escaped, JSON side \u003c
    data = json.loads(re.search(r'<script type="application/json" id="data">(.*?)</script>', html, re.S).group(1))
    assert any("<script>alert(1)</script>" in b for b in data["buyers"])


def test_report_counts_reconcile_and_list_rejected(sample):
    html = report_html(sample, "fr")
    c = sample.counts
    assert f"{c['rows_read']} lignes lues = {c['orders']} commandes évaluées + {c['rejected']} lignes rejetées" in html
    assert "Le compte est juste" in html
    assert html.count('<tr><th scope="row">commandes-2025.xlsx · Commandes 2025 · ligne') == c["rejected"]
    assert "Couverture des règles" in html and "Date de lancement" in html


def test_summary_view_and_page(sample):
    agg = aggregate(sample)
    v = summary_view(sample, agg, "fr")
    assert len(v["chantiers"]["rows"]) == 8
    assert [r["label"] for r in v["targets"]["rows"]][:2] == [
        "Marchés notifiés avec une considération environnementale", "Marchés notifiés avec une considération sociale"]
    html = summary_html(sample, "fr", agg)
    assert html.count('role="img"') >= 7
    assert "script-src 'none'" in _csp_hashes(html)[0] and "<script" not in html
    assert i18n.fmt_money(agg["totals"]["amount"], "fr", 0) in html
    for heading in ("Chiffres clés", "Les huit chantiers", "Objectifs du portefeuille", "Classement des acheteurs",
                    "Par mois de notification", "Émissions estimées par division CPV"):
        assert heading in html


def test_english_pages_use_english_formats(sample):
    agg = aggregate(sample)
    html = summary_html(sample, "en", agg)
    assert '<html lang="en">' in html
    assert i18n.fmt_money(agg["totals"]["amount"], "en", 0) in html and "Key figures" in html
    page = order_page_html(sample.orders[3], sample, "en")
    assert "Purchase check" in page and "Notification date" in page and "03/01/2025" not in page
    assert "2025-01-03" in page


def test_footer_names_tool_rulebook_inputs_and_options(hostile):
    html = order_page_html(hostile.orders[0], hostile, "fr")
    assert "procurement 0.1.0" in html
    assert hostile.rulebook.sha256 in html and hostile.inputs[0].sha256 in html
    assert "select = ENV-01" in html and "per_order = True" in html
    assert "15/01/2026 08:00:00 UTC" in html


def test_writers_write_the_three_pages(hostile, tmp_path):
    assert write_html(hostile, tmp_path, "fr").name == "report.html"
    assert write_summary(hostile, tmp_path, "en").name == "summary.html"
    pages = write_order_pages(hostile, tmp_path, "fr")
    assert len(pages) == len(hostile.orders) == len(set(pages))
    assert all(p.parent == tmp_path / "orders" for p in pages)
    text = pages[3].read_text(encoding="utf-8")
    assert "&lt;script&gt;" in text or "&lt;img" in text or "&lt;/script&gt;" in text


def test_waived_findings_are_shown_with_their_waiver(hostile):
    import datetime as dt

    from procurement.scoring import score_order
    from procurement.waivers import WaivedFinding, Waiver, WaiverEntry

    s = _scored(hostile, id="W1", nature="marche", launch_date="2026-09-01", env_considerations=("clause",))
    entry = WaiverEntry(order="W1", rule="ENV-10", justification="Marché de défense <exclu>", author="J. Dupont",
                        date=dt.date(2026, 9, 2))
    findings = [WaivedFinding(f, Waiver(entry=entry, index=0, where="w.yaml:2:3")) if f.rule == "ENV-10" else f
                for f in s.findings]
    waived = ScoredOrder(s.order, findings, score_order(findings, hostile.rulebook))
    v = order_view(waived, "fr")
    assert [f["id"] for f in v["verdict"]["waived"]] == ["ENV-10"] and v["verdict"]["legal"] == []
    html = order_page_html(waived, hostile, "fr")
    assert "Dérogations acceptées" in html and "J. Dupont" in html and "&lt;exclu&gt;" in html
    row = payload(type(hostile)(hostile.inputs, [waived], [], hostile.rulebook), "fr")["orders"][0]
    statuses = row[ORDER_COLUMNS.index("statuses")]
    table = payload(type(hostile)(hostile.inputs, [waived], [], hostile.rulebook), "fr")["table"]
    numbers = row[ORDER_COLUMNS.index("messages")][1::2]
    assert "w" in statuses and "J. Dupont" in " ".join(table[k] for k in numbers)
    agg = aggregate(type(hostile)(hostile.inputs, [waived], [], hostile.rulebook))
    assert {r["rule"]: r["counts"]["waived"] for r in agg["rules"]}["ENV-10"] == 1


def test_a_finding_of_a_rule_outside_the_rulebook_gets_its_own_column(hostile):
    from procurement.engine import evaluate
    from procurement.rulebook import loads_rulebook

    other = loads_rulebook(
        "id: o\nversion: 1.0.0\ntitle: {fr: O, en: O}\nrules:\n  - id: XTR-01\n    title: {fr: Extra, en: Extra}\n"
        "    message: {fr: Échec extra, en: Extra failed}\n    chantiers: [3]\n    kind: risk\n    severity: warning\n"
        "    why: {fr: P, en: W}\n    advice: {fr: C, en: A}\n    require: {field: lots, op: gte, value: 2}\n",
        tables={})
    s = _scored(hostile, id="X1", lots=1)
    extra = evaluate(s.order, other)
    scored = ScoredOrder(s.order, [*extra, *s.findings], s.scores)  # not in rulebook order, on purpose
    small = type(hostile)(hostile.inputs, [scored], [], hostile.rulebook)
    data = payload(small, "fr")
    assert [r[0] for r in data["rules"]][-1] == "XTR-01"
    statuses = data["orders"][0][ORDER_COLUMNS.index("statuses")]
    assert len(statuses) == len(hostile.rulebook.rules) + 1 and statuses[-1] == "f"
    assert [f.status[0] for f in s.findings] == list(statuses[:-1])
    agg = aggregate(small)
    assert {r["rule"]: r["counts"]["fail"] for r in agg["rules"]}["XTR-01"] == 1
    assert "XTR-01" in next(c for c in agg["chantiers"] if c["chantier"] == 3)["rules"]


def test_page_words_are_made_once_per_language_and_read_only():
    from procurement.views.words import words

    assert words("fr") is words("fr") and words("en") is not words("fr")
    assert words("en")["skip"] == "Skip to content" and words("de")["skip"] == "Aller au contenu"
    with pytest.raises(TypeError):
        words("fr")["skip"] = "changed"  # shared by every page: a caller may not change it for the others


def _months(first_year: int, n: int) -> dict:
    months = [{"month": f"{first_year + k // 12}-{k % 12 + 1:02d}", "orders": 1, "amount": 1000.0 * (k + 1),
               "score": 50.0, "legal_fail_orders": 0} for k in range(n)]
    return {"months": [*months, {"month": "unknown", "orders": 2, "amount": 5.0, "score": None,
                                 "legal_fail_orders": 0}]}


@pytest.mark.parametrize(("n", "title", "points", "first"), [
    (24, "Montant notifié par mois", 24, "01/2020"),
    (72, "Montant notifié par trimestre", 24, "T1 2020"),  # six years of a DECP file
    (492, "Montant notifié par année", 41, "2020"),  # 1990-2030 in the probe: 41 years
])
def test_the_amount_chart_groups_months_it_could_not_show_readably(n, title, points, first):
    from procurement.views.summary import month_section

    agg = _months(2020, n)
    section = month_section(agg, "fr")
    assert section["title"] == title and len(section["rows"]) == n + 1  # the table keeps every month
    chart = str(section["chart"])
    assert chart.count("<circle") == points and f">{first}</text>" in chart
    if points != n:  # grouped sums: the first period's amount is the sum of its months
        per = 3 if "trimestre" in title else 12
        total = sum(1000.0 * (k + 1) for k in range(per))
        assert f"{first}\u00a0: {total:,.0f}".replace(",", "\u202f") in chart


def test_the_amount_chart_in_english_names_quarters_the_english_way():
    from procurement.views.summary import month_section

    section = month_section(_months(2020, 40), "en")
    assert section["title"] == "Notified amount by quarter" and ">2020 Q1</text>" in str(section["chart"])
