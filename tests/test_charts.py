"""Inline SVG charts: well-formed SVG, a text alternative on each, labels escaped, accessible colours."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from procurement import charts

NS = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert(1)</script> & "quotes"'


def _charts():
    return {
        "bars": charts.bar_chart([("Un", 10, "10"), (HOSTILE, 30, "30 €"), ("Zéro", 0, "0")], title="Barres",
                                 desc="Un : 10 ; deux : 30", chart_id="c1", target=20, target_label="objectif"),
        "stacked": charts.stacked_bars([("R1", [1, 2, 0], "3"), (HOSTILE, [0, 0, 0], "0")],
                                       [("a", "#1f4e79"), ("b", "#a50026"), ("c", "#1b7837")],
                                       title="Empilées", desc="d", chart_id="c2"),
        "donut": charts.donut([("A", 3, "3"), ("B", 1, "1"), (HOSTILE, 0, "0")], title="Anneau", desc="d",
                              chart_id="c3", centre="4"),
        "line": charts.line_chart([("01/2025", 5.0), ("02/2025", 7.5), ("03/2025", 0.0)], title="Courbe", desc="d",
                                  chart_id="c4", y_format=lambda v: f"{v:.0f} €"),
        "line_one_point": charts.line_chart([("01/2025", 5.0)], title="Un point", desc="d", chart_id="c5",
                                            y_format=str),
        "empty_bars": charts.bar_chart([], title="Vide", desc="aucune donnée", chart_id="c6"),
    }


@pytest.mark.parametrize("name", list(_charts()))
def test_valid_svg_with_text_alternative(name):
    svg = str(_charts()[name])
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    assert root.tag == NS + "svg"
    assert root.get("role") == "img"
    ids = root.get("aria-labelledby").split()
    title, desc = root.find(NS + "title"), root.find(NS + "desc")
    assert [title.get("id"), desc.get("id")] == ids
    assert title.text and desc.text
    assert root.get("viewBox")


def test_labels_are_escaped():
    for name, chart in _charts().items():
        svg = str(chart)
        assert "<script>" not in svg, name
        root = ET.fromstring(svg)
        if name in ("bars", "stacked", "donut"):
            texts = " ".join("".join(e.itertext()) for e in root.iter())
            assert "<script>alert(1)</script>" in texts, name


def test_bar_lengths_are_proportional():
    root = ET.fromstring(str(charts.bar_chart([("a", 10, "10"), ("b", 40, "40")], title="t", desc="d",
                                              chart_id="p", bar_width=400)))
    widths = [float(r.get("width")) for r in root.iter(NS + "rect")]
    assert widths == [100.0, 400.0]


def test_donut_arcs_sum_to_the_circle():
    root = ET.fromstring(str(charts.donut([("A", 3, "3"), ("B", 1, "1")], title="t", desc="d", chart_id="q")))
    arcs = [c for c in root.iter(NS + "circle") if c.get("stroke-dasharray")]
    lengths = [float(c.get("stroke-dasharray").split()[0]) for c in arcs]
    assert lengths[0] == pytest.approx(3 * lengths[1], rel=1e-3)
    total = sum(float(x) for x in arcs[0].get("stroke-dasharray").split())
    assert sum(lengths) == pytest.approx(total, rel=1e-3)


@pytest.mark.parametrize("colour", [*charts.PALETTE, *charts.STATUS_COLOURS.values()])
def test_colours_contrast_at_least_3_to_1_on_white(colour):
    assert charts.contrast_ratio(colour) >= 3.0


def test_text_colour_contrast():
    assert charts.contrast_ratio(charts.TEXT) >= 4.5


def test_a_long_line_chart_keeps_its_labels_readable():
    """Past LINE_WIDTH the points come closer and every k-th label is written: the page would otherwise
    scale the chart down, text included (41 years of a DECP file made 6 px labels)."""
    import re

    from procurement.charts import LINE_WIDTH, line_chart

    def draw(n):
        svg = str(line_chart([(f"{1990 + k}", 1000.0 * k) for k in range(n)], title="t", desc="d", chart_id="c",
                             y_format=lambda v: f"{v:.0f}"))
        width = float(re.search(r'viewBox="0 0 ([0-9.]+) ', svg).group(1))
        labels = re.findall(r'text-anchor="middle"[^>]*>(\d{4})</text>', svg)
        return svg, width, labels

    svg, width, labels = draw(41)
    assert width <= LINE_WIDTH and 10 <= len(labels) < 41 and labels[0] == "1990"
    assert svg.count("<title>") >= 41  # every point keeps its label and value in its tooltip
    _, width, labels = draw(12)
    assert width == 130 + 56 * 12 and len(labels) == 12  # a year of months: as before
