"""View model of the managers' summary (DIR/summary.html): figures from `procurement.aggregate`, formatted in
the page's language, each chart (procurement.charts) with the table of the same numbers.
"""

from __future__ import annotations

from typing import Any

from procurement import charts, i18n
from procurement.aggregate import DISTANCE_BANDS, UNKNOWN
from procurement.pipeline import Run
from procurement.reference import cpv_division_label
from procurement.views.batch import all_rules
from procurement.views.common import STATUS_ORDER, fmt_ratio, fmt_score, text_of
from procurement.views.words import words

BUYERS_SHOWN = 50
NAME_SHOWN = 160  # characters of a buyer's name in the table (the whole name in its tooltip)
DIVISIONS_CHARTED = 12
POINTS_CHARTED = 24  # points of the amount-over-time chart: beyond, quarters, then years


def _money(x: float | None, lang: str) -> str:
    return i18n.fmt_money(x, lang, 0)


def _pct(x: float | None, lang: str) -> str:
    return i18n.fmt_percent(x, lang, 0)


def _share(part: float, whole: float, lang: str) -> str:
    return _pct(100 * part / whole if whole else None, lang)


def _desc(pairs: list[tuple[str, str]]) -> str:
    """A chart's text alternative: every label with its value, in reading order."""
    return "; ".join(f"{label} : {text}" for label, text in pairs) + "."


def _month(code: str, lang: str) -> str:
    if code == UNKNOWN:
        return words(lang)["unknown"]
    return code if lang == "en" else f"{code[5:7]}/{code[:4]}"


def headline(run: Run, agg: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    t, tot = words(lang), agg["totals"]
    return [
        (i18n.fmt_number(tot["orders"], lang), t["h_orders"]),
        (_money(tot["amount"], lang), t["h_amount"]),
        (_money(tot["amount_framework"], lang), t["h_framework"]),
        (fmt_score(tot["score"], lang), t["h_score"]),
        (fmt_ratio(tot["completeness"], lang), t["h_completeness"]),
        (i18n.fmt_number(tot["legal_fail_orders"], lang), t["h_legal"]),
        (_money(tot["legal_fail_amount"], lang), t["h_legal_amount"]),
        (i18n.fmt_number(agg["emissions"]["total"] / 1000, lang), t["emissions_total"]),
        (i18n.fmt_number(run.counts["rejected"], lang), t["h_rejected"]),
    ]


def rule_sections(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    rules = {r.id: r for r in all_rules(run)}
    legal, mix = [], []
    for r in agg["rules"]:
        rule = rules.get(r["rule"])
        if rule is None:
            continue
        title = f"{rule.id} — {text_of(rule.title, lang)}"
        c = r["counts"]
        total = sum(c.values())
        mix.append((rule.id, [c[s] for s in STATUS_ORDER], i18n.fmt_number(total, lang)))
        if rule.kind == "legal" and c["pass"] + c["fail"]:
            legal.append({"title": title, "pass": i18n.fmt_number(c["pass"], lang),
                          "fail": i18n.fmt_number(c["fail"], lang),
                          "share": fmt_ratio(r["pass_share"], lang),
                          "amount_share": fmt_ratio(r["pass_amount_share"], lang),
                          "insufficient": i18n.fmt_number(c["insufficient_data"], lang)})
    series = [(i18n.label(s, lang), charts.STATUS_COLOURS[s]) for s in STATUS_ORDER]
    desc = _desc([(label, " / ".join(f"{n} {s}" for n, (s, _) in zip(values, series, strict=True)))
                  for label, values, _ in mix])
    chart = charts.stacked_bars(mix, series, title=t["status_mix"], desc=desc, chart_id="c-status",
                                label_width=90) if mix else None
    table = [{"rule": label, "cells": [i18n.fmt_number(v, lang) for v in values], "total": total}
             for label, values, total in mix]
    return {"legal": legal, "status_chart": chart, "status_table": table,
            "status_heads": [i18n.label(s, lang) for s in STATUS_ORDER],
            "label": {s: i18n.label(s, lang) for s in STATUS_ORDER}}


def chantier_section(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    titles = {r.id: text_of(r.title, lang) for r in all_rules(run)}

    def drivers(items: list[dict[str, Any]]) -> list[str]:
        return [f"{d['rule']} — {titles.get(d['rule'], '')} : {_money(d['amount'], lang)} "
                f"({i18n.fmt_number(d['orders'], lang)} {t['orders'].lower()})" for d in items]

    rows, bars = [], []
    for c in agg["chantiers"]:
        name = f"{c['chantier']} — {i18n.chantier_name(c['chantier'], lang)}"
        bars.append((name, c["score"] or 0.0, fmt_score(c["score"], lang)))
        rows.append({
            "name": name,
            "score": fmt_score(c["score"], lang),
            "weighted": fmt_score(c["score_spend_weighted"], lang),
            "completeness": fmt_ratio(c["completeness"], lang),
            "orders": i18n.fmt_number(c["orders_scored"], lang),
            "fails": drivers(c["drivers_fail"]),
            "passes": drivers(c["drivers_pass"]),
            "no_rule": t["no_rule"] if not c["rules"] else "",
        })
    chart = charts.bar_chart(bars, title=t["score_by_chantier"], desc=_desc([(b[0], b[2]) for b in bars]),
                             chart_id="c-chantiers", max_value=100, label_width=330, bar_width=300)
    return {"rows": rows, "chart": chart}


def target_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    rows, bars = [], []
    for m in agg["targets"]:
        label = (m.get("label_en") if lang == "en" else m.get("label_fr")) or t["t_" + m["measure"]]
        origin = t["from_rulebook"] + f" ({m['origin'].split(':', 1)[1]})" if m["origin"] != "default" \
            else t["from_default"]
        if m["basis"] == "spend_per_year":
            target_value = m["target_eur_per_year"]
            target_text = _money(target_value, lang) + (" / an" if lang != "en" else " / year")
            measured_text = _money(m["measured"], lang) + (" / an" if lang != "en" else " / year") \
                if m["measured"] is not None else "—"
            cpv = t["cpv_default"] if m["cpv_origin"] == "default" else m["cpv_origin"].split(":", 1)[1]
            basis = t["basis_year"].format(num=_money(m["numerator"], lang), years=m["denominator"],
                                           cpv=f"{cpv} ({', '.join(m['cpv_prefixes'])})")
            attainment = None if m["measured"] is None or not target_value else 100 * m["measured"] / target_value
        else:
            target_value = m["value"]
            target_text = _pct(target_value, lang)
            measured_text = i18n.fmt_percent(m["measured"], lang, 1)
            if m["basis"] == "contracts":
                basis = t["basis_contracts"].format(num=i18n.fmt_number(m["numerator"], lang),
                                                    den=i18n.fmt_number(m["denominator"], lang),
                                                    cov=fmt_ratio(m["coverage"], lang),
                                                    pop=i18n.fmt_number(m["population"], lang))
            else:
                basis = t["basis_spend"].format(num=_money(m["numerator"], lang), den=_money(m["denominator"], lang),
                                                cov=fmt_ratio(m["coverage"], lang))
            attainment = None if m["measured"] is None or not target_value else 100 * m["measured"] / target_value
        source = m["source"] if m["origin"] != "default" else \
            t["src_plan" if m["measure"] == "transport_alternatives_spend" else "src_spaser"]
        rows.append({"label": label, "target": target_text, "measured": measured_text, "basis": basis,
                     "source": source, "origin": origin,
                     "attainment": _pct(attainment, lang)})
        bars.append((label, min(attainment or 0.0, 150.0), _pct(attainment, lang)))  # bars stop at 150 %
    chart = charts.bar_chart(bars, title=t["attainment"], desc=_desc([(b[0], b[2]) for b in bars]),
                             chart_id="c-targets", target=100.0, target_label=t["target_line"] + " 100 %",
                             label_width=330, bar_width=300)
    return {"rows": rows, "chart": chart}


def place_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    total = agg["totals"]["amount"]

    def band_label(code: str) -> str:
        return t["unknown"].capitalize() if code == UNKNOWN else i18n.label(code, lang)

    bands = [{"label": band_label(b["band"]), "orders": i18n.fmt_number(b["orders"], lang),
              "amount": _money(b["amount"], lang), "share": _share(b["amount"], total, lang), "value": b["amount"]}
             for b in agg["bands"]]
    donut = charts.donut([(b["label"], b["value"], f"{b['amount']} ({b['share']})") for b in bands],
                         title=t["spend_by_band"], desc=_desc([(b["label"], b["amount"]) for b in bands]),
                         chart_id="c-bands", centre=_money(total, lang))
    names = {d[0]: t["d_" + d[0]] for d in DISTANCE_BANDS} | {UNKNOWN: t["unknown"].capitalize()}
    dist = [{"label": names[d["band"]], "orders": i18n.fmt_number(d["orders"], lang),
             "amount": _money(d["amount"], lang), "share": _share(d["amount"], total, lang), "value": d["amount"]}
            for d in agg["distances"]]
    bars = charts.bar_chart([(d["label"], d["value"], d["amount"]) for d in dist], title=t["spend_by_distance"],
                            desc=_desc([(d["label"], d["amount"]) for d in dist]), chart_id="c-distance",
                            colour=charts.PALETTE[5])
    return {"bands": bands, "band_chart": donut, "distances": dist, "distance_chart": bars}


def emission_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    e = agg["emissions"]
    rows = []
    for d in e["divisions"]:
        code = d["division"]
        label = t["unknown"].capitalize() if code == UNKNOWN else f"{code} — {cpv_division_label(code) or code}"
        rows.append({"label": label, "orders": i18n.fmt_number(d["orders"], lang), "amount": _money(d["amount"], lang),
                     "tonnes": i18n.fmt_number(d["emissions"] / 1000, lang, 0), "value": d["emissions"] / 1000,
                     "estimated": i18n.fmt_number(d["orders_estimated"], lang)})
    charted = [r for r in rows if r["value"] > 0][:DIVISIONS_CHARTED]
    chart = charts.bar_chart([(r["label"], r["value"], r["tonnes"] + " t") for r in charted],
                             title=t["top_divisions"].format(n=len(charted)),
                             desc=_desc([(r["label"], r["tonnes"] + " t") for r in charted]),
                             chart_id="c-emissions", colour=charts.PALETTE[1], label_width=300) if charted else None
    return {"rows": rows, "chart": chart, "total": i18n.fmt_number(e["total"] / 1000, lang, 0),
            "not_estimated": _money(e["amount_not_estimated"], lang)}


def buyer_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)

    def name(code: str) -> str:
        return t["unknown"].capitalize() if code == UNKNOWN else code

    shown = [(b, name(b["buyer"])) for b in agg["buyers"][:BUYERS_SHOWN]]
    rows = [{"name": charts.clip(full, NAME_SHOWN), "full": full, "orders": i18n.fmt_number(b["orders"], lang),
             "amount": _money(b["amount"], lang), "score": fmt_score(b["score"], lang),
             "legal": i18n.fmt_number(b["legal_fail_orders"], lang)} for b, full in shown]
    top = shown[:10]
    chart = charts.stacked_bars(
        [(full, [b["legal_fail_orders"], b["orders"] - b["legal_fail_orders"]], i18n.fmt_number(b["orders"], lang))
         for b, full in top],
        [(t["with_legal"], charts.STATUS_COLOURS["fail"]), (t["without_legal"], charts.PALETTE[0])],
        title=t["buyers_chart"],
        desc=_desc([(charts.clip(full, NAME_SHOWN), f"{b['legal_fail_orders']} / {b['orders']}") for b, full in top]),
        chart_id="c-buyers", label_width=300) if top else None
    more = len(agg["buyers"]) - BUYERS_SHOWN
    return {"rows": rows, "chart": chart,
            "more": t["more_rows"].format(n=i18n.fmt_number(more, lang)) if more > 0 else ""}


def _periods(dated: list[dict[str, Any]], lang: str) -> tuple[str, list[tuple[str, float]]]:
    """The chart's points: months, or quarters, or years when there are more than POINTS_CHARTED of them
    (a chart is scaled to the page: 72 months of a six-year DECP file made its labels 3.7 px high)."""
    t = words(lang)
    if len(dated) <= POINTS_CHARTED:
        return "amount_by_month", [(_month(m["month"], lang), m["amount"]) for m in dated]
    quarters: dict[tuple[str, int], float] = {}
    for m in dated:  # codes "YYYY-MM", in order
        key = (m["month"][:4], (int(m["month"][5:7]) - 1) // 3 + 1)
        quarters[key] = quarters.get(key, 0.0) + m["amount"]
    if len(quarters) <= POINTS_CHARTED:
        return "amount_by_quarter", [(t["quarter"].format(q=q, year=y), v) for (y, q), v in quarters.items()]
    years: dict[str, float] = {}
    for (y, _q), v in quarters.items():
        years[y] = years.get(y, 0.0) + v
    return "amount_by_year", list(years.items())


def month_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    rows = [{"label": _month(m["month"], lang), "orders": i18n.fmt_number(m["orders"], lang),
             "amount": _money(m["amount"], lang), "score": fmt_score(m["score"], lang),
             "legal": i18n.fmt_number(m["legal_fail_orders"], lang)} for m in agg["months"]]
    dated = [m for m in agg["months"] if m["month"] != UNKNOWN]
    title, points = _periods(dated, lang)
    chart = charts.line_chart(points, title=t[title], desc=_desc([(label, _money(v, lang)) for label, v in points]),
                              chart_id="c-months",
                              y_format=lambda v: _money(v, lang),
                              value_texts=[_money(v, lang) for _, v in points]) if dated else None
    return {"rows": rows, "chart": chart, "title": t[title]}


def summary_view(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "headline": headline(run, agg, lang),
        "rules": rule_sections(run, agg, lang),
        "chantiers": chantier_section(run, agg, lang),
        "targets": target_section(agg, lang),
        "places": place_section(agg, lang),
        "emissions": emission_section(agg, lang),
        "buyers": buyer_section(agg, lang),
        "months": month_section(agg, lang),
    }
