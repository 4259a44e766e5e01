"""View model of the managers' summary (DIR/summary.html): figures from `procurement.aggregate`, formatted in
the page's language, each chart (procurement.charts) with the table of the same numbers.

Every text is made here (templates never compute), with the page's words (`summary_words`) and French
typography (`typo`): the rulebook's texts too, never a spreadsheet's. What a figure leaves out is said
next to it: duplicate rows, orders without an amount or a date, what each target counts, waivers.
"""

from __future__ import annotations

from typing import Any

from procurement import charts, i18n
from procurement.aggregate import DISTANCE_BANDS, RATE_MIN_COVERAGE, RATE_MIN_EVALUATED, UNKNOWN
from procurement.i18n import plural
from procurement.pipeline import Run
from procurement.reference import cpv_division_label
from procurement.typography import colon, typo
from procurement.views.batch import all_rules
from procurement.views.common import STATUS_ORDER, fmt_ratio, fmt_score, text_of
from procurement.views.summary_parts import buyer_section, month_section, rounded_shares, target_section
from procurement.views.summary_words import balance_terms, desc, orders_text, summary_words, withheld_text
from procurement.views.summary_words import money as _money
from procurement.views.summary_words import number as _n

OPEN_DATA_FORMATS = frozenset({"decp-json", "decp-csv", "ocds"})

__all__ = ["buyer_section", "month_section", "summary_view", "target_section"]

DIVISIONS_CHARTED = 12


def status_text(n: int, status: str, lang: str) -> str:
    """« 1 non conforme », « 4 non conformes »; "1 failing", "4 failing" (the label "fail" is no count's noun)."""
    t = summary_words(lang)
    return f"{_n(n, lang)} {plural(n, t['sg_' + status], t['pl_' + status], lang)}"


def measured_on(r: dict[str, Any], lang: str) -> str:
    """What a rule's share passing is measured on: « 11 sur 12 (92 %) », orders evaluated of those concerned."""
    t = summary_words(lang)
    cov = i18n.fmt_percent(None if r["coverage"] is None else 100 * r["coverage"], lang,
                           0 if r["coverage"] is None or r["coverage"] >= 0.1 or not r["coverage"] else 1)
    return t["measured_on_cell"].format(n=_n(r["evaluated"], lang), of=_n(r["applies_to"], lang), cov=cov)


def headline(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t, tot = summary_words(lang), agg["totals"]
    missing = tot["orders_without_amount"]
    amount_label = t["h_amount"] if not missing else \
        t[plural(missing, "h_amount_missing_one", "h_amount_missing", lang)].format(n=_n(missing, lang))
    if tot.get("orders_not_notified"):  # « montant notifié » beside « dont … non encore notifiées » (review)
        amount_label = amount_label.replace(t["h_amount_notified"], t["h_amount_estimated"])

    def label(key: str, n: float) -> str:
        return t[plural(n, key + "_one", key, lang)]

    legal_amount = t["h_legal_amount_one" if tot["legal_fail_orders"] == 1 else "h_legal_amount"]
    if tot.get("legal_fail_not_notified"):  # consultations' estimates among them (manager review)
        legal_amount = legal_amount.replace(t["h_amount_notified"], t["h_amount_estimated"])

    cards = [
        (_n(tot["orders"], lang), label("h_orders", tot["orders"])),
        (_money(tot["amount"], lang), amount_label),
        (_money(tot["amount_framework"], lang), t["h_framework"]),
        *([(_money(tot["amount_not_notified"], lang), t["h_not_notified"])] if tot.get("orders_not_notified") else []),
        (fmt_score(tot["score"], lang), t["h_score"]),
        (fmt_ratio(tot["completeness"], lang), t["h_completeness"]),
        (_n(tot["legal_fail_orders"], lang), label("h_legal", tot["legal_fail_orders"])),
        (_money(tot["legal_fail_amount"], lang), legal_amount),
    ]
    if tot.get("below_annual_share_orders"):
        cards.append((_n(tot["below_annual_share_orders"], lang), label("h_below_share", tot[
            "below_annual_share_orders"]).format(rules=", ".join(tot["annual_share_rules"]))))
    if tot.get("waived_legal_orders"):
        cards.append((_n(tot["waived_legal_orders"], lang), label("h_waived_legal", tot["waived_legal_orders"])))
    cards += [
        (_n(agg["emissions"]["total"] / 1000, lang), t["emissions_total"]),
        (_n(run.counts["rejected"], lang), label("h_rejected", run.counts["rejected"])),
    ]
    dup = tot.get("duplicate_rows", 0)
    duplicates = t[plural(dup, "duplicates_note_one", "duplicates_note", lang)].format(
        n=_n(dup, lang), amount=_money(tot.get("duplicate_amount", 0.0), lang)) if dup else ""
    c = run.counts
    words = {k: f"{n} {noun}" for k, (n, noun) in balance_terms(c, lang).items()}
    balance = t["balance_line"].format(rows=words["rows_read"], orders=words["orders"],
                                       rejected=words["rejected"], merged=words["merged"])
    balanced = c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]
    return {"cards": cards, "duplicates": duplicates, "balance": balance,
            "balance_broken": "" if balanced else t["balance_broken"]}


def rule_sections(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = summary_words(lang)
    rules = {r.id: r for r in all_rules(run)}
    legal, mix, idle = [], [], []
    for r in agg["rules"]:
        rule = rules.get(r["rule"])
        if rule is None:
            continue
        title = typo(f"{rule.id} — {text_of(rule.title, lang)}", lang)
        c = r["counts"]
        total = sum(c.values())
        mix.append((rule.id, [c[s] for s in STATUS_ORDER], _n(total, lang)))
        if rule.kind != "legal":
            continue
        if total and c["not_applicable"] == total:
            idle.append(rule.id)
            continue
        was = r.get("waived_from") or {"fail": c["waived"], "insufficient_data": 0}
        covered = ", ".join(status_text(was[s], s, lang) for s in ("fail", "insufficient_data") if was[s])
        shown = not r["withheld"]
        legal.append({"title": title, "pass": _n(c["pass"], lang), "fail": _n(c["fail"], lang),
                      "share": fmt_ratio(r["pass_share"] if shown else None, lang),
                      "amount_share": fmt_ratio(r["pass_amount_share"] if shown else None, lang),
                      "measured_on": measured_on(r, lang), "withheld": withheld_text(r["withheld"], lang),
                      "insufficient": _n(c["insufficient_data"], lang),
                      "waived": f"{_n(c['waived'], lang)} ({covered})" if c["waived"] else "0"})
    series = [(i18n.label(s, lang), charts.STATUS_COLOURS[s]) for s in STATUS_ORDER]
    text = desc([(label, " / ".join(status_text(n, s, lang) for n, s in zip(values, STATUS_ORDER, strict=True)))
                 for label, values, _ in mix], lang)
    # one scale, the orders (each rule of the rulebook has a verdict on every one): a portfolio rule
    # (RISK-02) judges only the orders it flags, and its 87 failing of 494, drawn to its own total, made
    # a bar all red, « non conforme : 100,0 % »
    chart = charts.stacked_bars(mix, series, title=t["status_mix"], desc=text, chart_id="c-status",
                                label_width=90, colon=colon(lang), common_total=max(sum(v) for _, v, _ in mix) or None,
                                share_format=lambda v: i18n.fmt_percent(v, lang, 1)) if mix else None
    table = [{"rule": label, "cells": [_n(v, lang) for v in values], "total": total} for label, values, total in mix]
    note = t["legal_note"].format(min=_n(RATE_MIN_EVALUATED, lang), cov=i18n.fmt_percent(100 * RATE_MIN_COVERAGE, lang))
    return {"legal": legal, "note": note, "status_chart": chart, "status_table": table,
            "legal_idle": t["legal_not_applicable"].format(rules=", ".join(idle)) if idle else "",
            "status_heads": [i18n.label(s, lang) for s in STATUS_ORDER],
            "label": {s: i18n.label(s, lang) for s in STATUS_ORDER}}


def chantier_section(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = summary_words(lang)
    titles = {r.id: typo(text_of(r.title, lang), lang) for r in all_rules(run)}

    def drivers(items: list[dict[str, Any]]) -> list[str]:
        """« RULE (its kind, unless an indicator) — title : amount (orders) »: a legal failure or a risk
        among the gaps says what it is."""
        return [f"{d['rule']}{'' if d.get('kind') in (None, 'kpi') else ' (' + i18n.label(d['kind'], lang) + ')'}"
                f" — {titles.get(d['rule'], '')}{colon(lang)}{_money(d['amount'], lang)} "
                f"({orders_text(d['orders'], lang)})" for d in items]

    rows, bars = [], []
    for c in agg["chantiers"]:
        name = f"{c['chantier']} — {i18n.chantier_name(c['chantier'], lang)}"
        # scored on fewer orders than a rate needs (aggregate.RATE_MIN_EVALUATED): said, not drawn. One DECP
        # order drew chantiers 1 and 3 at 100 / 100 (manager review)
        few = c["score"] is not None and c["orders_scored"] < RATE_MIN_EVALUATED
        score = t["few_scored"].format(n=_n(RATE_MIN_EVALUATED, lang)) if few else fmt_score(c["score"], lang)
        bars.append((name, 0.0 if few else c["score"] or 0.0, score))
        rows.append({
            "name": name,
            "score": score,
            "weighted": "—" if few else fmt_score(c["score_spend_weighted"], lang),
            "completeness": fmt_ratio(c["completeness"], lang),
            "orders": _n(c["orders_scored"], lang),
            "fails": drivers(c["drivers_fail"]),
            "passes": drivers(c["drivers_pass"]),
            "no_pass": "" if c["drivers_pass"] or not c["rules"] else
            t["no_indicator_met"] if c.get("indicators", 1) else t["no_indicator"],
            "no_rule": t["no_rule"] if not c["rules"] else "",
            "no_fail": t["no_gap"] if c["rules"] and not c["drivers_fail"] else "",  # not an empty cell
        })
    chart = charts.bar_chart(bars, title=t["score_by_chantier"], desc=desc([(b[0], b[2]) for b in bars], lang),
                             chart_id="c-chantiers", max_value=100, label_width=330, bar_width=300, colon=colon(lang))
    return {"rows": rows, "chart": chart}


def place_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = summary_words(lang)
    # the bands' own total: consultations not notified, without a supplier, are not in them (the centre read the
    # whole amount, 40 M€ above the slices; review of the session's diff)
    total = sum(b["amount"] for b in agg["bands"])
    tot = agg["totals"]

    def band_label(code: str) -> str:
        return t["unknown"].capitalize() if code == UNKNOWN else i18n.label(code, lang)

    def rows(items: list[dict[str, Any]], name: Any) -> list[dict[str, Any]]:
        shares = rounded_shares([b["amount"] for b in items], total, lang)
        return [{"label": name(b["band"]), "orders": _n(b["orders"], lang), "amount": _money(b["amount"], lang),
                 "share": share, "value": b["amount"]} for b, share in zip(items, shares, strict=True)]

    bands = rows(agg["bands"], band_label)
    donut = charts.donut([(b["label"], b["value"], f"{b['amount']} ({b['share']})") for b in bands],
                         title=t["spend_by_band"], desc=desc([(b["label"], b["amount"]) for b in bands], lang),
                         chart_id="c-bands", centre=_money(total, lang), colon=colon(lang))
    names = {d[0]: t["d_" + d[0]] for d in DISTANCE_BANDS} | {UNKNOWN: t["unknown"].capitalize()}
    dist = rows(agg["distances"], names.get)
    bars = charts.bar_chart([(d["label"], d["value"], d["amount"]) for d in dist], title=t["spend_by_distance"],
                            desc=desc([(d["label"], d["amount"]) for d in dist], lang), chart_id="c-distance",
                            colour=charts.PALETTE[5], colon=colon(lang))
    pending = tot.get("orders_not_notified", 0)
    return {"bands": bands, "band_chart": donut, "distances": dist, "distance_chart": bars,
            "rounded": t["shares_rounded"] if total else "",
            # no amount at all: a grey ring, bars of « 0 € » and shares of « — », said in words
            "no_amount": t["places_no_amount"] if not total and tot.get("orders") else "",
            "pending": t["places_pending"].format(orders=orders_text(pending, lang),
                                                  amount=_money(tot.get("amount_not_notified", 0.0), lang))
            if pending else ""}


def division_label(code: str, lang: str) -> str:
    t = summary_words(lang)
    if code == UNKNOWN:
        return t["unknown"].capitalize()
    return f"{code} — {cpv_division_label(code, lang) or t['not_cpv_division']}"


def emission_section(agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = summary_words(lang)
    e = agg["emissions"]
    rows = []
    for d in e["divisions"]:
        rows.append({"label": division_label(d["division"], lang), "orders": _n(d["orders"], lang),
                     "amount": _money(d["amount"], lang), "tonnes": i18n.fmt_number(d["emissions"] / 1000, lang, 0),
                     "value": d["emissions"] / 1000, "estimated": _n(d["orders_estimated"], lang)})
    charted = [r for r in rows if r["value"] > 0][:DIVISIONS_CHARTED]
    chart = charts.bar_chart([(r["label"], r["value"], r["tonnes"] + " t") for r in charted],
                             title=t["top_divisions"].format(n=len(charted)),
                             desc=desc([(r["label"], r["tonnes"] + " t") for r in charted], lang),
                             chart_id="c-emissions", colour=charts.PALETTE[1], label_width=300,
                             colon=colon(lang)) if charted else None
    items = [t["emissions_aside_item"].format(nature=t.get("n_" + a["nature"], a["nature"]),
                                              orders=orders_text(a["orders"], lang), amount=_money(a["amount"], lang),
                                              tonnes=i18n.fmt_number(a["emissions"] / 1000, lang, 0))
             for a in e.get("aside", ()) if a["amount"] or a["emissions"]]  # bids without amounts: nothing to say
    aside = t["emissions_aside"].format(items=("; " if lang == "en" else "\u202f; ").join(items)) if items else ""
    return {"rows": rows, "chart": chart, "total": i18n.fmt_number(e["total"] / 1000, lang, 0),
            "not_estimated": _money(e["amount_not_estimated"], lang), "colon": colon(lang), "aside": aside}


def summary_view(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    lang = "en" if lang == "en" else "fr"
    return {
        "t": summary_words(lang),
        "headline": headline(run, agg, lang),
        "rules": rule_sections(run, agg, lang),
        "chantiers": chantier_section(run, agg, lang),
        "targets": target_section(agg, lang),
        "places": place_section(agg, lang),
        "emissions": emission_section(agg, lang),
        "buyers": buyer_section(agg, lang, any(i.format in OPEN_DATA_FORMATS for i in run.inputs)),
        "months": month_section(agg, lang),
    }
