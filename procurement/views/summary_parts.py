"""The summary's targets, buyers and time series sections, and its rounded shares: apart from
`procurement.views.summary` to keep each module short.

Each section says what its figures leave out: a target its basis and what it set aside (bons de commande
are not contracts notified, an accord-cadre's maximum is not spend), the buyers past the first 50 their
subtotal, the time series its periods without orders (drawn at zero, on a calendar without holes) and
the orders without a date.
"""

from __future__ import annotations

import re
from typing import Any

from procurement import charts, i18n
from procurement.aggregate import UNKNOWN
from procurement.aggregate_targets import RATE_MIN_EVALUATED
from procurement.i18n import plural
from procurement.typography import colon, typo
from procurement.views.common import buyer_labels, fmt_ratio, fmt_score
from procurement.views.summary_words import desc as _desc
from procurement.views.summary_words import money as _money
from procurement.views.summary_words import number as _n
from procurement.views.summary_words import orders_text as _orders
from procurement.views.summary_words import summary_words, withheld_text

BUYERS_SHOWN = 50
NAME_SHOWN = 160  # characters of a buyer's name in the table (the whole name in its tooltip)
POINTS_CHARTED = 24  # points of the amount-over-time chart: beyond, quarters, then years
YEARS_FILLED = 200  # past this span of years (impossible with parsed dates: 1990-2100) no year is added
GAPS_NAMED = 12  # periods without orders named under the chart, then their number


def rounded_shares(values: list[float], total: float, lang: str) -> list[str]:
    """Each value's share of their sum in whole percents that add up to 100 (largest remainders); a part
    that rounds to 0 but is not 0 reads « < 1 % » (90,326 € of 402 M€ read « 0 % »)."""
    whole = sum(v for v in values if v > 0)
    if not whole or not total:
        return [i18n.fmt_percent(None, lang)] * len(values)
    exact = [100 * max(v, 0.0) / whole for v in values]
    floors = [int(x) for x in exact]
    left = 100 - sum(floors)
    for i in sorted(range(len(values)), key=lambda i: (-(exact[i] - floors[i]), i))[:left]:
        floors[i] += 1
    small = summary_words(lang)["share_small"]
    return [small if f == 0 and v > 0 else i18n.fmt_percent(f, lang) for f, v in zip(floors, values, strict=True)]


# --- targets -----------------------------------------------------------------------------------------------

def _aside(items: list[dict[str, Any]], key: str, lang: str) -> str:
    t = summary_words(lang)
    if not items:
        return ""
    parts = [t["aside_item"].format(nature=t.get("n_" + a["nature"], a["nature"]), orders=_orders(a["orders"], lang),
                                    amount=_money(a["amount"], lang)) for a in items]
    return t[key].format(items=("; " if lang == "en" else "\u202f; ").join(parts))


def _basis(m: dict[str, Any], lang: str) -> tuple[str, str]:
    """(the basis of a target's measure, what it set aside)."""
    t = summary_words(lang)
    if m["basis"] == "spend_per_year":
        cpv = t["cpv_default"] if m["cpv_origin"] == "default" else t["cpv_rulebook"]
        others = [y for y in m["by_year"] if y["year"] != m["year"]]
        shown = "" if not others else t["food_years"].format(items=", ".join(
            f"{y['year']} {_money(y['amount'], lang)}" for y in reversed(others)))
        cpvs = f"{cpv} ({', '.join(m['cpv_prefixes'])})"
        if m["year"] is None:  # « 0 € d'achats notifiés en — » (review of the session's diff)
            basis = t["basis_year_none"].format(cpv=cpvs)
        else:
            which = t["year_stands" if m["year_purchases"] >= RATE_MIN_EVALUATED else "year_latest"].format(
                n=_n(RATE_MIN_EVALUATED, lang))
            basis = t["basis_year"].format(num=_money(m["numerator"], lang), year=m["year"], years=shown,
                                           which=which, cpv=cpvs)
        if m["undated_orders"]:
            basis += ("; " if lang == "en" else "\u202f; ") + t["undated_transport"].format(
                amount=_money(m["undated_amount"], lang), orders=_orders(m["undated_orders"], lang))
        return basis, _aside(m["aside"], "aside_spend", lang)
    if m["basis"] == "food_spend":
        if m["withheld"] == "no_table" or m["year"] is None:
            return ("" if m["withheld"] == "no_table" else t["basis_food_none"]), ""
        basis = t["basis_food"].format(year=_year_head(m["year"], lang), den=_money(m["denominator"], lang),
                                       cov=fmt_ratio(m["coverage"], lang), pop=_money(m["population"], lang),
                                       years=_other_years(m, lang))
        if m["outside"]["orders"]:
            basis += t["food_outside"].format(amount=_money(m["outside"]["amount"], lang),
                                              orders=_orders(m["outside"]["orders"], lang))
        return basis, ""
    if m["basis"] == "contracts":
        def contracts(n: int) -> str:
            return t[plural(n, "contracts_one", "contracts_n", lang)].format(n=_n(n, lang))

        basis = t["basis_contracts"].format(num=contracts(m["numerator"]), den=_n(m["denominator"], lang),
                                            cov=fmt_ratio(m["coverage"], lang), pop=contracts(m["population"]))
        return _in_year(m, basis, lang), _aside(m["aside"], "aside_contracts", lang)
    if m["measured"] is None:
        basis = t["basis_spend_none"].format(den=_money(m["denominator"], lang))
    else:
        basis = t["basis_spend"].format(num=_money(m["numerator"], lang), den=_money(m["denominator"], lang),
                                        cov=fmt_ratio(m["coverage"], lang))
    return _in_year(m, basis, lang), _aside(m["aside"], "aside_spend", lang)


def _year_head(year: str, lang: str) -> str:
    """« en 2025 », or « sans date de notification » for the undated purchases."""
    t = summary_words(lang)
    return t["food_undated"] if year == UNKNOWN else t["food_in"].format(year=year)


def _other_years(m: dict[str, Any], lang: str, newest_first: bool = False) -> str:
    """« ; autres années : 2024 61,0 %, sans date de notification 50,0 % »: the shares of the years not measured."""
    t = summary_words(lang)
    others = [y for y in m.get("by_year", ()) if y["year"] != m["year"]]
    return "" if not others else t["food_years"].format(items=", ".join(
        f"{t['food_undated'] if y['year'] == UNKNOWN else y['year']} "
        f"{i18n.fmt_percent_short_of(y['measured'], lang, 1) if y['measured'] is not None else '—'}"
        for y in (reversed(others) if newest_first else others)))


def _in_year(m: dict[str, Any], basis: str, lang: str) -> str:
    """A SPASER share's basis with its year first and the other years' shares after: « en 2025, 142 sur 195…
    ; autres années : 2024 61,0 % ». A measure without years (an older aggregate) is left as it was."""
    if m.get("year") is None:
        return basis
    return f"{_year_head(m['year'], lang)}, {basis}{_other_years(m, lang, newest_first=True)}"


# A parenthesis naming an internal key in a rulebook's target label, « (table cpv_transport_alternatives) »:
# not for a reader (the basis says which list of CPV codes was used).
_INTERNAL_NAME = re.compile(r"\s*\((?:[^()\s]+\s+)?[a-z0-9]+(?:_[a-z0-9]+)+\)")


def target_label(m: dict[str, Any], lang: str) -> str:
    """A target's name for a reader: the rulebook's label without internal names, else the tool's."""
    t = summary_words(lang)
    label = _INTERNAL_NAME.sub("", (m.get("label_en") if lang == "en" else m.get("label_fr")) or "").strip()
    return typo(label or t["t_" + m["measure"]], lang)


def _millions(x: float, lang: str) -> str:
    """An amount per year in the chart, short: « 41,5 M€ », "€41.5M" (the table gives it to the euro)."""
    if abs(x) < 1e6:
        return _money(x, lang)
    n = i18n.fmt_number(x / 1e6, lang, 0 if abs(x / 1e6 - round(x / 1e6)) < 0.05 else 1)  # « 350 M€ »
    return f"€{n}M" if lang == "en" else f"{n}\u202fM€"


def _label_room(labels: list[str]) -> int:
    """Room for the targets' whole names, up to 500 px: clipped at 330 px, « Marchés notifiés avec une
    considération env… » and « … soc… » were told apart by three letters."""
    return int(min(500.0, max(330.0, max((charts.text_width(x) for x in labels), default=0.0) + 14)))


_SOURCES = {"transport_alternatives_spend": "src_plan", "egalim_spend_share": "src_egalim",
            "organic_spend_share": "src_egalim"}


def target_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    """The targets' table and chart. The chart's bars are the share of each target reached (100 % = reached:
    the targets have different units, % of contracts, % of spend, € a year), and each bar says the value
    measured and the target too: « 0,9 % (objectif 5 %) — 18 % de l'objectif »; a bar labelled « 18 % »
    alone was read as the measure."""
    t = summary_words(lang)
    rows, bars = [], []
    for m in agg["targets"]:
        label = target_label(m, lang)
        from_book = m["origin"] != "default"
        origin = t["from_rulebook"] if from_book else t["from_default"]
        withheld = m.get("withheld")
        measured = None if withheld else m["measured"]  # measured on too little: « — » (aggregate.rate_withheld)
        if m["basis"] == "spend_per_year":
            target_value = m["target_eur_per_year"]
            target_text = _money(target_value, lang) + t["per_year"]
            measured_text = _money(m["measured"], lang) + t["per_year"] if m["measured"] is not None else t["no_data"]
            short = (_millions(measured, lang) + t["per_year"] if measured is not None else "",
                     _millions(target_value, lang) + t["per_year"])
        else:
            target_value = m["value"]
            target_text = i18n.fmt_percent(target_value, lang, 0)
            measured_text = i18n.fmt_percent_short_of(m["measured"], lang, 1) if m["measured"] is not None \
                else t["no_data"]
            short = (i18n.fmt_percent_short_of(measured, lang, 1) if measured is not None else "", target_text)
        if withheld and m["measured"] is not None:
            measured_text = "—"
        attainment = None if measured is None or not target_value else 100 * measured / target_value
        basis, aside = _basis(m, lang)
        if withheld and not (m["basis"] == "spend" and m["measured"] is None):  # that basis says why itself
            basis = withheld_text(withheld, lang, "wt_") + (("; " if lang == "en" else "\u202f; ") + basis
                                                            if basis else "")
        source = typo(m["source"], "fr") if from_book else t[_SOURCES.get(m["measure"], "src_spaser")]
        reached = i18n.fmt_percent_short_of(attainment, lang, 0) if attainment is not None else t["no_data"]
        if withheld and m["measured"] is not None:
            reached = "—"  # measured on too little, not without data: « pas de donnée » beside « 3 sur 3 renseignés »
        rows.append({"label": label, "target": target_text, "measured": measured_text, "basis": basis,
                     "aside": aside, "source": source, "origin": origin,
                     # a rulebook's source is a French text: said so, and marked for screen readers
                     "source_lang": "fr" if from_book and lang == "en" else "",
                     "source_note": t["source_fr"] if from_book else "",
                     "attainment": reached})
        text = t["bar_target"].format(measured=short[0], target=short[1], reached=reached) \
            if attainment is not None else t["bar_no_measure"].format(target=short[1])
        bars.append((label, min(attainment or 0.0, 150.0), text))  # bars stop at 150 %
    chart = charts.bar_chart(bars, title=t["targets_chart"], desc=_desc([(b[0], b[2]) for b in bars], lang),
                             chart_id="c-targets", target=100.0,
                             target_label=t["target_reached"], label_width=_label_room([b[0] for b in bars]),
                             bar_width=240, colon=colon(lang))
    return {"rows": rows, "chart": chart}


# --- buyers ------------------------------------------------------------------------------------------------

def row_cells(row: dict[str, Any], lang: str) -> dict[str, str]:
    """A buyer's or a month's cells. The score comes with what it rests on, the orders scored, the rules
    evaluated per order scored and the data's completeness: on essential data, where a procedure rule
    (PROC-02, PROC-03; CARB-02 until rulebook 1.3.5) is often the only rule a buyer's orders can be judged
    on, « 0 / 100 » alone read as a buyer failing everything, and « 1,0 » rule per order as every order
    judged (1 of 3 was)."""
    per_order = row.get("verdicts_per_order")
    return {"orders": _n(row["orders"], lang), "amount": _money(row["amount"], lang),
            "score": fmt_score(row["score"], lang),
            # how many orders the score rests on: 1 of a DECP buyer's 3 orders read as all 3 judged
            "scored": _n(row.get("orders_scored", 0), lang),
            "per_order": "—" if per_order is None else i18n.fmt_number(per_order, lang, 1),
            "completeness": fmt_ratio(row.get("completeness"), lang),
            "legal": _n(row["legal_fail_orders"], lang)}


def _summed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The buyers past the table's first ones as one row: means weighted by the orders behind each."""
    scored = sum(r.get("orders_scored", 0) for r in rows)
    verdicts = sum(r.get("verdicts", 0) for r in rows)
    with_comp = [(r["completeness"], r["completeness_orders"]) for r in rows if r.get("completeness") is not None]
    weight = sum(n for _, n in with_comp)
    return {"orders": sum(r["orders"] for r in rows), "amount": sum(r["amount"] for r in rows), "orders_scored": scored,
            "score": sum((r["score"] or 0.0) * r.get("orders_scored", 0) for r in rows) / scored if scored else None,
            "verdicts_per_order": verdicts / scored if scored else None,
            "completeness": sum(c * n for c, n in with_comp) / weight if weight else None,
            "legal_fail_orders": sum(r["legal_fail_orders"] for r in rows)}


def buyer_section(agg: dict[str, Any], lang: str, open_data: bool = False) -> dict[str, Any]:
    """`open_data`: an input is essential data (DECP, OCDS), whose few fields the note under the table names."""
    t = summary_words(lang)

    def name(code: str) -> str:
        return t["unknown"].capitalize() if code == UNKNOWN else code

    labels = buyer_labels([(name(b["buyer"]), b.get("siret")) for b in agg["buyers"]])
    shown = list(zip(agg["buyers"][:BUYERS_SHOWN], labels, strict=False))
    rows = [{"name": charts.clip(full, NAME_SHOWN), "full": full, **row_cells(b, lang)} for b, full in shown]
    top = shown[:10]
    chart = charts.stacked_bars(
        [(full, [b["legal_fail_orders"], b["orders"] - b["legal_fail_orders"]], _n(b["orders"], lang))
         for b, full in top],
        [(t["with_legal"], charts.STATUS_COLOURS["fail"]), (t["without_legal"], charts.PALETTE[0])],
        title=t["buyers_chart"],
        desc=_desc([(charts.clip(full, NAME_SHOWN), f"{b['legal_fail_orders']} / {b['orders']}") for b, full in top],
                   lang),
        chart_id="c-buyers", label_width=300, colon=colon(lang),
        share_format=lambda v: i18n.fmt_percent(v, lang, 1)) if top else None
    others = agg["buyers"][BUYERS_SHOWN:]
    more, note = None, ""
    if others:
        more = {"name": t["more_buyers"].format(n=_n(len(others), lang)), **row_cells(_summed(others), lang)}
        note = t["more_buyers_note"].format(shown=_n(BUYERS_SHOWN, lang), n=_n(len(others), lang))
    return {"rows": rows, "chart": chart, "more": more, "more_note": note,
            "open_data_note": t["buyers_open_data_note"] if open_data else ""}


# --- the time series ---------------------------------------------------------------------------------------

def _month_label(code: str, lang: str) -> str:
    if code == UNKNOWN:
        return summary_words(lang)["unknown"]
    return code if lang == "en" else f"{code[5:7]}/{code[:4]}"


def _periods(dated: list[dict[str, Any]], lang: str) -> tuple[str, list[tuple[str, float, bool]]]:
    """The chart's points (label, amount, no order in the period) over the whole calendar span of the
    dated orders, empty periods included at zero: months, or quarters, or years when there would be more
    than POINTS_CHARTED of them (72 months of a six-year DECP file made labels 3.7 px high). Drawn
    without its holes, a series put January next to June."""
    t = summary_words(lang)
    amounts: dict[int, float] = {}
    for m in dated:  # codes "YYYY-MM"
        key = int(m["month"][:4]) * 12 + int(m["month"][5:7]) - 1
        amounts[key] = amounts.get(key, 0.0) + m["amount"]
    first, last = min(amounts), max(amounts)
    if last - first < POINTS_CHARTED:
        return "amount_by_month", [(_month_label(f"{k // 12}-{k % 12 + 1:02d}", lang), amounts.get(k, 0.0),
                                    k not in amounts) for k in range(first, last + 1)]
    quarters: dict[int, float] = {}
    for k, v in amounts.items():
        quarters[k // 3] = quarters.get(k // 3, 0.0) + v
    if max(quarters) - min(quarters) < POINTS_CHARTED:
        return "amount_by_quarter", [(t["quarter"].format(q=q % 4 + 1, year=q // 4), quarters.get(q, 0.0),
                                      q not in quarters) for q in range(min(quarters), max(quarters) + 1)]
    years: dict[int, float] = {}
    for k, v in amounts.items():
        years[k // 12] = years.get(k // 12, 0.0) + v
    span = range(min(years), max(years) + 1) if max(years) - min(years) < YEARS_FILLED else sorted(years)
    return "amount_by_year", [(str(y), years.get(y, 0.0), y not in years) for y in span]


def month_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = summary_words(lang)
    rows = [{"label": _month_label(m["month"], lang), **row_cells(m, lang)} for m in agg["months"]]
    dated = [m for m in agg["months"] if m["month"] != UNKNOWN]
    undated = next((m for m in agg["months"] if m["month"] == UNKNOWN), None)
    title, chart, gaps = "amount_by_month", None, ""
    if dated:
        title, points = _periods(dated, lang)
        texts = [t["no_orders"] if empty else _money(v, lang) for _, v, empty in points]
        chart = charts.line_chart([(label, v) for label, v, _ in points], title=t[title],
                                  desc=_desc([(p[0], text) for p, text in zip(points, texts, strict=True)], lang),
                                  chart_id="c-months", y_format=lambda v: _money(v, lang), value_texts=texts,
                                  colon=colon(lang), empty=[e for _, _, e in points])
        empty = [label for label, _, e in points if e]
        if empty:
            named = ", ".join(empty[:GAPS_NAMED]) + (f"… ({_n(len(empty), lang)})" if len(empty) > GAPS_NAMED else "")
            gaps = t["gaps_note"].format(periods=named)
    note = t["undated_note"].format(orders=_orders(undated["orders"], lang), amount=_money(undated["amount"], lang)) \
        if undated else ""
    # no amount at all: a line flat at 0 €, said in words (as under the places' charts)
    no_amount = t["months_no_amount"] if dated and not any(m["amount"] for m in agg["months"]) else ""
    return {"rows": rows, "chart": chart, "title": t[title], "undated": note, "gaps": gaps, "no_amount": no_amount}
