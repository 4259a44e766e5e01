"""The page of an order in two RISK-02 groups (the dispensation level and the EU level) shows both
findings, each once, under anchors of its own; an order in one group keeps the anchor `f-RISK-02`.
Before, the view was keyed by rule: the second finding was shown twice and the first never."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.views.order import order_view

DATA = Path(__file__).resolve().parent / "data" / "risk02_s9"
DISPENSATION = {"fr": "seuil de dispense de publicité", "en": "threshold for no publicity nor competition"}
EU = {"fr": "seuil européen des procédures formalisées", "en": "EU threshold for formalised procedures"}


def _pages(tmp_path: Path, source: Path, lang: str) -> dict[str, str]:
    out = tmp_path / lang
    result = CliRunner().invoke(main, ["score", str(source), "--out", str(out), "--per-order", "--lang", lang,
                                       "--format", "html"])
    assert result.exit_code == 0, result.output
    return {p.name.split("-")[0] + "-" + p.name.split("-")[1]: p.read_text(encoding="utf-8")
            for p in (out / "orders").glob("*.html")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_order_in_two_groups_shows_both_findings_once(tmp_path, lang):
    pages = _pages(tmp_path, DATA / "levels.csv", lang)
    assert len(pages) == 7
    for name, html in pages.items():
        ids = Counter(re.findall(r'\sid="([^"]+)"', html))
        assert [i for i, n in ids.items() if n > 1] == [], name
        anchors = [i for i in ids if i.startswith("f-RISK-02") and not i.endswith("-h")]
        assert anchors == ["f-RISK-02", "f-RISK-02-2"], name
        # Each article is its own finding: the dispensation level first (the groups' order), then the EU.
        first = html[html.index('id="f-RISK-02"'):]
        first = first[:first.index("</article>")]
        second = html[html.index('id="f-RISK-02-2"'):]
        second = second[:second.index("</article>")]
        assert DISPENSATION[lang] in first and EU[lang] not in first, name
        assert EU[lang] in second and DISPENSATION[lang] not in second, name
        # The verdict lists both, each linked to its own finding.
        verdict = html[html.index('id="h-verdict"'):html.index('id="h-chantiers"')]
        assert verdict.count('href="#f-RISK-02"') == 1 and verdict.count('href="#f-RISK-02-2"') == 1, name
        assert DISPENSATION[lang] in verdict and EU[lang] in verdict, name


def test_an_order_in_one_group_keeps_its_anchor(tmp_path):
    pages = _pages(tmp_path, DATA / "split.csv", "fr")
    html = pages["BC-4"]
    assert html.count('id="f-RISK-02"') == 1 and "f-RISK-02-2" not in html
    assert html.count('href="#f-RISK-02"') == 2  # the verdict, and the second chantier's "see above"


def test_the_view_lists_each_finding_once():
    result = run([DATA / "levels.csv"], load_default())
    scored = next(iter(result.orders))
    view = order_view(scored, "fr")
    risks = view["verdict"]["risks"]
    assert [f["anchor"] for f in risks] == ["f-RISK-02", "f-RISK-02-2"]
    assert risks[0]["message"] != risks[1]["message"]
    shown = [(f["anchor"], f["ref"]) for c in view["chantiers"] for f in c["findings"] if f["id"] == "RISK-02"]
    # Chantiers 1 and 3: shown in full under the first, referred to under the second.
    assert shown == [("f-RISK-02", False), ("f-RISK-02-2", False), ("f-RISK-02", True), ("f-RISK-02-2", True)]
    anchors = [f["anchor"] for c in view["chantiers"] for f in c["findings"] if not f["ref"]]
    assert len(anchors) == len(set(anchors))


@pytest.mark.parametrize(("lang", "row"), [
    ("fr", ["portefeuille", "Montant HT, somme du groupe ≥ 40\u202f000,00\u202f€"]),
    ("en", ["portfolio", "Amount excl. VAT, group total ≥ €40,000.00"]),
])
def test_the_group_evidence_reads_in_words(tmp_path, lang, row):
    """The evidence row of a RISK-02 finding read « portfolio | Montant HT group_sum_gte 221 000,00 € »: an
    English step name and the op's code on a French page, where every other row is written in words."""
    html = _pages(tmp_path, DATA / "split.csv", lang)["BC-4"]
    article = html[html.index('id="f-RISK-02"'):]
    article = article[:article.index("</article>")]
    cells = re.findall(r"<td>([^<]*)</td>", article)
    assert cells[:2] == row, cells
    assert "group_sum_gte" not in html
