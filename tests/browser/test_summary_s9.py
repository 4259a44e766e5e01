"""The summary's charts in Chromium: every text inside its chart's viewBox (a long buyer's name lost its
first letters on the left, the last month's label its last digits on the right), in French and English."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "commandes-2025.csv"

# Every text of every chart whose box leaves its viewBox, as "chart: text [left, right / width]".
OVERFLOW = """() => {
  const out = [];
  document.querySelectorAll('svg.chart').forEach(svg => {
    const box = svg.viewBox.baseVal;
    svg.querySelectorAll('text').forEach(t => {
      const b = t.getBBox();
      if (b.x < -0.5 || b.x + b.width > box.width + 0.5 || b.y < -0.5 || b.y + b.height > box.height + 0.5)
        out.push(svg.id + svg.querySelector('title').id + ': ' + t.textContent.slice(0, 40)
                 + ' [' + Math.round(b.x) + ', ' + Math.round(b.x + b.width) + ' / ' + box.width + ']');
    });
  });
  return out;
}"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A year of the sample's orders, one a month at least, ten buyers with long names leading the ranking."""
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.write.html_summary import write_summary

    with SAMPLE.open(encoding="utf-8-sig", newline="") as fh:
        header, *rows = list(csv.reader(fh, delimiter=";"))
    names = ["WWWWWWWWWW MMMMMMMMMM " * 6, "Direction " + "très longue " * 30, "Ω∑漢字 " * 20,
             *(f"DIRECTION DE L'AMÉNAGEMENT DURABLE ET DES MOBILITÉS NUMÉRO {i}" for i in range(7))]
    for i, row in enumerate(rows[:60]):
        row[1] = f"15/{i % 12 + 1:02d}/2025"
        row[2] = names[i % len(names)]
    folder = tmp_path_factory.mktemp("summary_s9")
    data = folder / "orders.csv"
    with data.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows([header, *rows[:60]])
    result = run([data], load_default(), options={"lang": "fr"})
    return {lang: write_summary(result, folder / lang, lang) for lang in ("fr", "en")}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_chart_text_stays_inside_its_chart(pages: dict[str, Path], open_page: Any, lang: str) -> None:
    w = open_page(pages[lang])
    assert w.page.locator("svg.chart").count() >= 6
    assert w.page.evaluate(OVERFLOW) == []
    w.clean()
