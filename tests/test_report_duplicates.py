"""The batch report's rule table counts each (buyer, id) once, as the summary does; the later copies of an
id are listed among the orders, so the table says how many it left out, or the two would not agree."""

from __future__ import annotations

from pathlib import Path

from procurement.aggregate import aggregate
from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.write.html_report import report_html

DATA = Path(__file__).resolve().parent / "data" / "summary_s9"


def test_the_rule_table_says_the_duplicate_rows_it_leaves_out():
    result = run([DATA / "dups.csv"], load_default(), options={"lang": "fr"})
    agg = aggregate(result)
    assert agg["totals"]["duplicate_rows"] == 3
    fr = report_html(result, "fr", agg)
    assert "3 lignes en double (" in fr and "ne sont pas comptées dans ce tableau" in fr
    en = report_html(result, "en", agg)
    assert "3 duplicate rows (" in en and "are not counted in this table" in en


def test_no_note_without_duplicates():
    result = run([Path(__file__).resolve().parents[1] / "samples" / "commandes-2025.csv"], load_default())
    agg = aggregate(result)
    assert agg["totals"]["duplicate_rows"] == 0
    assert "en double" not in report_html(result, "fr", agg).split('id="h-rules"', 1)[1].split("</section>")[0]
