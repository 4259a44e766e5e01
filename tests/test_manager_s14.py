"""The summary as a manager of the Métropole reads it (session 14's review): the defects it found, each
on the input that showed it."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_CSV = ROOT / "samples" / "commandes-2025.csv"


def sample_rows() -> tuple[list[str], list[list[str]]]:
    with SAMPLE_CSV.open(encoding="utf-8-sig", newline="") as f:
        head, *rows = list(csv.reader(f, delimiter=";"))
    return head, rows


def write_csv(path: Path, head: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(head)
        writer.writerows(rows)
    return path


def summary(tmp_path: Path, rows: list[list[str]], lang: str = "fr") -> str:
    head, _ = sample_rows()
    src = write_csv(tmp_path / "orders.csv", head, rows)
    out = tmp_path / ("out-" + lang)
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "summary", "--lang", lang])
    assert result.exit_code == 0, result.output
    return (out / "summary.html").read_text(encoding="utf-8")


def section(html: str, anchor: str) -> str:
    at = html.index(f'aria-labelledby="{anchor}"')
    return html[at:html.index("</section>", at)]


def text(fragment: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment))).strip()


@pytest.fixture(scope="module")
def one_order(tmp_path_factory) -> dict[str, str]:
    """The sample's second order alone (a marché of the Propreté urbaine, 230 309 €): chantiers 3 to 8 have
    no rule failing on it."""
    _, rows = sample_rows()
    tmp = tmp_path_factory.mktemp("one")
    return {lang: summary(tmp, rows[1:2], lang) for lang in ("fr", "en")}


def test_a_chantier_without_a_gap_says_so(one_order):
    """The « Principaux écarts » cell of a chantier with no rule failing was empty, beside « aucun
    indicateur de ce chantier atteint » in the next cell: a reader could not tell « nothing failed » from
    « not computed »."""
    for lang, words in (("fr", "aucune règle de ce chantier non conforme"), ("en", "no rule of this chantier failing")):
        body = section(one_order[lang], "h-chantiers")
        rows = re.findall(r'<tr><th scope="row">(\d) —.*?</th>(.*?)</tr>', body, flags=re.S)
        assert len(rows) == 8
        for number, cells in rows:
            gaps = re.findall(r"<td>(.*?)</td>", cells, flags=re.S)[-2]
            assert text(gaps), (lang, number)  # never an empty cell
            if "<li>" not in gaps:
                assert text(gaps) == words, (lang, number)
        gaps_of_4 = re.findall(r"<td>(.*?)</td>", dict(rows)["4"], flags=re.S)[-2]
        assert text(gaps_of_4) == words


def ticks(html: str) -> list[str]:
    """The y ticks of the amount-over-time chart, bottom to top."""
    svg = section(html, "h-months")
    tick = r'<text x="[0-9.]+" y="[0-9.]+" text-anchor="end"[^>]*>([^<]*)</text>'
    return [unescape(t) for t in re.findall(tick, svg)]


def test_the_amount_chart_has_round_ticks(tmp_path):
    """Ticks at a quarter of the largest month read « 14 688 732 € », « 29 377 464 € » on the sample, and
    « 0 €, 0 €, 0 €, 1 €, 1 € » when no order had an amount: ticks now go by a round step."""
    head, rows = sample_rows()
    amount = head.index("Montant HT")
    blank = [[*r[:amount], "", *r[amount + 1:]] for r in rows[:20]]
    (tmp_path / "blank").mkdir()
    (tmp_path / "all").mkdir()
    assert ticks(summary(tmp_path / "blank", blank)) == ["0\u202f€", "1\u202f€", "2\u202f€", "3\u202f€", "4\u202f€"]
    got = ticks(summary(tmp_path / "all", rows))
    assert len(got) == len(set(got)) == 5
    steps = [int(re.sub(r"\D", "", t)) for t in got]
    assert steps == [k * steps[1] for k in range(5)] and re.fullmatch(r"[1-9](5|0*)0*", str(steps[1]))

    from procurement.charts import tick_step

    assert [tick_step(x) for x in (0.0, 4.0, 5.0, 1000.0, 58_754_927.0, 247_122.0)] == \
        [1.0, 1.0, 2.0, 250.0, 15_000_000.0, 80_000.0]


def test_the_buyers_and_months_columns_are_headed_with_a_capital(one_order):
    """« commandes avec un manquement légal » headed the last column of the buyers' and the months' tables
    (the key figure's words, which follow a number), beside « Commandes », « Score », « Complétude »."""
    for lang, head in (("fr", "Commandes avec un manquement légal"), ("en", "Orders with a legal failure")):
        for anchor in ("h-buyers", "h-months"):
            heads = [text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', section(one_order[lang], anchor))]
            assert heads[-1] == head, (lang, anchor)
            assert all(h[0].isupper() for h in heads), (lang, anchor, heads)


def buyer_cells(html: str) -> dict[str, list[str]]:
    body = section(html, "h-buyers")
    return {unescape(name): [unescape(c) for c in re.findall(r'<td class="num">([^<]*)</td>', row)]
            for name, row in re.findall(r'<tr><th scope="row"[^>]*>([^<]*)</th>(.*?)</tr>', body, flags=re.S)}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_buyers_score_says_how_many_orders_it_rests_on(tmp_path, lang):
    """On the DECP sample, VILLE DE DUNKERQUE read « 20 · 0 / 100 · 1,0 · 2 % »: 20 orders each judged on
    one rule, it seemed; 4 were (PROC-02), the 16 others have no score. The orders scored are a column.
    (13 contracts since its 7 earlier versions are folded into their latest: tests/test_decp_versions.py.)"""
    decp = ROOT / "samples" / "decp-2019-pes-extrait.json"
    result = CliRunner().invoke(main, ["score", str(decp), "--out", str(tmp_path), "--format", "summary",
                                       "--lang", lang])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    heads = [text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', section(html, "h-buyers"))]
    assert heads[3:6] == (["Score", "Commandes notées", "Règles évaluées par commande notée"] if lang == "fr" else
                          ["Score", "Orders scored", "Rules evaluated per order scored"])
    row = buyer_cells(html)["VILLE DE DUNKERQUE - PRINCIPAL"]
    assert [row[0], *row[2:5]] == ["13", "0 / 100", "4", "1,0" if lang == "fr" else "1.0"]
    months = [text(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', section(html, "h-months"))]
    assert months[3:6] == heads[3:6]


def test_the_other_buyers_row_adds_up_the_orders_scored():
    from procurement.views.summary_parts import buyer_section

    buyers = [{"buyer": f"B{i:02d}", "orders": 3, "amount": 100.0, "score": 50.0, "orders_scored": 2, "verdicts": 4,
               "verdicts_per_order": 2.0, "completeness": 0.5, "completeness_orders": 3, "legal_fail_orders": 0}
              for i in range(53)]
    more = buyer_section({"buyers": buyers}, "fr")["more"]
    assert (more["orders"], more["scored"], more["per_order"]) == ("9", "6", "2,0")


def test_the_verdicts_chart_draws_a_portfolio_rule_on_the_orders_scale(tmp_path):
    """RISK-02 gives a verdict to the orders it flags only: 87 failing of the sample's 494 orders, drawn
    to its own total, made a bar as long as the others and all red, « non conforme : 100,0 % »; on the
    orders' scale it is 87/494 of the bar, and its tooltip says 17,6 %."""
    result = CliRunner().invoke(main, ["score", str(ROOT / "samples" / "commandes-2025.xlsx"), "--out", str(tmp_path),
                                       "--format", "summary"])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    svg = html[html.index('aria-labelledby="c-status-t'):]
    svg = svg[:svg.index("</svg>")]
    widths: dict[str, float] = {}
    for width, tip in re.findall(r'<rect x="[0-9.]+" y="[0-9.]+" width="([0-9.]+)"[^>]*><title>([^<]*)</title>', svg):
        rule = unescape(tip).split(" · ")[0]
        widths[rule] = widths.get(rule, 0.0) + float(width)
    assert widths["RISK-02"] == pytest.approx(widths["PROC-02"] * 87 / 494, abs=0.5)
    assert "RISK-02 · non conforme\u00a0: 17,6\u202f%" in unescape(svg)


def without_then_with_amounts(tmp_path: Path, lang: str, anchor: str) -> tuple[str, str]:
    """The text of a section of the summary of the sample's first 20 orders, their amounts blanked, then kept."""
    head, rows = sample_rows()
    amount = head.index("Montant HT")
    blank = text(section(summary(tmp_path, [[*r[:amount], "", *r[amount + 1:]] for r in rows[:20]], lang), anchor))
    (tmp_path / "x").mkdir()
    return blank, text(section(summary(tmp_path / "x", rows[:20], lang), anchor))


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_places_without_any_amount_say_why_their_charts_are_empty(tmp_path, lang):
    """20 orders without an amount: a grey ring « 0 € », six bars of « 0 € », shares « — », and no word
    on why; the section now says it."""
    places, with_amounts = without_then_with_amounts(tmp_path, lang, "h-places")
    assert ("Aucune commande n'a de montant notifié" if lang == "fr" else "No order has a notified amount") in places
    assert "Aucune commande n'a de montant" not in with_amounts and "No order has" not in with_amounts


def test_the_ess_target_without_any_status_says_why_once(tmp_path):
    """« no measure: the data is never given; no supplier status given: no measure (…) »: the reason twice."""
    head, rows = sample_rows()
    status = head.index("Statut")
    page = summary(tmp_path, [[*r[:status], "", *r[status + 1:]] for r in rows[:20]], "en")
    row = next(r for r in section(page, "h-targets").split("<tr")[1:] if "solidarity-economy" in r)
    assert text(row).count("no measure") == 1, text(row)
    assert "no supplier status given: no measure" in text(row)


def test_the_verdicts_of_every_rule_have_their_own_heading(one_order):
    """The chart of every rule's verdicts (indicators and risks too) sat under « Règles légales : … »."""
    page = one_order["fr"]
    head = page.index("Répartition des verdicts par règle")
    assert page.rindex("<h3>", 0, head) == page.index("<h3>Toutes les règles\u00a0: verdicts par règle</h3>")


def test_the_chantiers_orders_column_says_they_are_the_orders_scored(one_order):
    """« Commandes » read 0 beside a completeness of 0 % where orders concern the chantier: it counts the
    orders scored, as the buyers' table now says."""
    heads = re.findall(r'<th scope="col"[^>]*>([^<]*)</th>', section(one_order["fr"], "h-chantiers"))
    assert "Commandes notées" in heads and "Commandes" not in heads


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_months_without_any_amount_say_why_the_line_is_flat(tmp_path, lang):
    months, with_amounts = without_then_with_amounts(tmp_path, lang, "h-months")
    assert ("la courbe reste à zéro" if lang == "fr" else "the line stays at zero") in months
    flat = "la courbe reste à zéro" if lang == "fr" else "the line stays at zero"
    assert flat not in with_amounts
