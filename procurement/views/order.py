"""View model of the order / tender page: one purchase, its verdict, its findings by chantier, and the data
that would let more rules run. Everything is formatted here; the template only lays it out.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.i18n import plural
from procurement.reference import cpv_division_label, cpv_label
from procurement.rulebook.operators import OPERATORS, op_phrase, split_op
from procurement.rulebook.word_match import words_found
from procurement.typography import colon
from procurement.views.common import (
    KIND_ORDER,
    NOWRAP,
    STATUS_ORDER,
    field_help,
    field_label,
    fmt_ratio,
    fmt_score,
    fmt_value,
    one_line,
    rule_view,
    unbroken_dates,
    where,
)
from procurement.views.words import words
from procurement.write.finding_rows import decisive

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
PAGE_NAME = re.compile(r"[A-Za-z0-9._-]{1,60}-[0-9a-f]{10}\.html")  # what `order_file_name` gives


def order_file_name(scored: Any) -> str:
    """A file name for the order's page: the id made safe (letters, digits, . _ -), cut to 60 characters,
    plus 10 hex digits of a hash of the id and its source position — never the raw id, which may hold
    '/', '..', or a name reserved by Windows, and is unique per buyer only."""
    o = scored.order
    s = o.source
    key = "\x1f".join(str(x) for x in (o.id, o.buyer_siret or o.buyer_name or "", s.file, s.sheet, s.row, s.path))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]
    stem = _UNSAFE.sub("-", o.id).strip(".-_")[:60] or "commande"
    return f"{stem}-{digest}.html"


def _words_phrase(label: str, words: list[str], actual: Any, negated: bool, lang: str) -> str | None:
    """A `matches_words` row by the words the value holds, not by the whole list (RISK-01 lists 180): « pas :
    Critères d'attribution contient « proximité » », or that it holds none of them. None if the row's value
    is no text."""
    if not isinstance(actual, str):
        return None
    found = words_found(words, actual)
    if not found:
        return (f"{label} ne contient aucun des {len(words)} mots de la règle" if lang == "fr"
                else f"{label} holds none of the rule's {len(words)} words")
    shown = [w.replace("<n>", "…") for w in found]  # « à moins de <n> km »: any number
    quoted = ", ".join(f"«\u00a0{w}\u00a0»" if lang == "fr" else f"“{w}”" for w in shown)
    head = ("pas : " if lang == "fr" else "not: ") if negated else ""
    return head + (f"{label} contient {quoted}" if lang == "fr" else f"{label} contains {quoted}")


def _phrase(op: str, field: str, expected: Any, part: str, lang: str, actual: Any = None) -> str:
    label = field_label(field, lang)
    name, negated = split_op(op)
    if name == "matches_words" and isinstance(expected, list) and len(expected) > 1:
        said = _words_phrase(label, expected, actual, negated, lang)
        if said is not None:
            return said
    if part == "validity":
        lo, hi = [*list(expected or ()), None, None][:2]
        low = i18n.fmt_date(lo, lang) if lo else "…"
        high = i18n.fmt_date(hi, lang) if hi else "…"
        return f"{label}{colon(lang)}{low} → {high}"
    template = op_phrase(op, lang)  # a negated op ("not matches_words") reads "pas : ..."
    if template is None:
        # RISK-02's group_sum_gte is no rulebook operator: the page's words phrase it
        own = words(lang).get("op_" + op)
        if own is None:
            return f"{label} {op} {fmt_value(expected, field, lang)}"
        return own.replace("{field}", label).replace("{value}", fmt_value(expected, field, lang))
    value = "" if OPERATORS[split_op(op)[0]].prepare is None else fmt_value(expected, field, lang)
    return template.replace("{field}", label).replace("{value}", value)


def evidence_rows(finding: Any, lang: str) -> list[dict[str, Any]]:
    """Every condition evaluated, in the rule's order, each marked `decisive` when it decided the verdict
    (`finding_rows.decisive`, the rows results.json gives): the others are shown apart."""
    t = words(lang)
    rows = []
    evidence = finding.evidence
    kept = {id(e) for e in decisive(evidence, finding.status, finding.missing, getattr(finding, "compiled", None))}
    for e in evidence:
        result = {True: t["res_true"], False: t["res_false"]}.get(e["result"], t["res_none"])
        rows.append({
            "decisive": id(e) in kept,
            "part": t.get("part_" + str(e["part"]), str(e["part"])),
            "expected": unbroken_dates(_phrase(e["op"], e["field"], e["expected"], e["part"], lang, e["actual"])),
            "actual": fmt_value(e["actual"], e["field"], lang),
            # a date alone in its cell, kept on one line (a 390 px window broke « 2024-01- » / « 01 »)
            "actual_cls": NOWRAP if e["actual"] is not None and _is_date(e["field"]) else "",
            "result": result,
            "result_code": {True: "true", False: "false"}.get(e["result"], "unknown"),
        })
    return rows


def _is_date(field: str | None) -> bool:
    f = FIELDS_BY_NAME.get(field) if field else None
    return f is not None and f.kind is Kind.DATE


def finding_view(finding: Any, lang: str, anchor: str | None = None) -> dict[str, Any]:
    rule = rule_view(finding.compiled, lang)
    return {
        **rule,
        "anchor": anchor or "f-" + finding.rule,
        "status": finding.status,
        "status_label": i18n.label(finding.status, lang),
        "title": unbroken_dates(rule["title"]),  # its dates on one line, as in the message
        "message": unbroken_dates(finding.message(lang)),
        **_evidence_tables(evidence_rows(finding, lang)),
        "missing": [field_label(m, lang) for m in finding.missing],
    }


def _evidence_tables(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """The conditions that decided the verdict, then the others examined (each once), apart: a pass read
    « Nature : valeur non renseignée — faux » in red on its first row, a branch of an `any` that another
    branch had already made true (English review)."""
    others: list[dict[str, Any]] = []
    for row in rows:
        if not row["decisive"] and row not in others:
            others.append(row)
    return {"evidence": [r for r in rows if r["decisive"]], "evidence_others": others}


def finding_views(findings: Any, lang: str) -> list[dict[str, Any]]:
    """One view per finding, in their order, each under an anchor of its own. A rule may give an order
    several findings (RISK-02: one per group the order is in, e.g. at the dispensation and the EU
    levels): keyed by rule, the page showed the last one for each and never the others. A rule's first
    finding keeps `f-RULE`, the anchor pages have always had; the next are `f-RULE-2`, `f-RULE-3`...,
    which no rule's own anchor can be (rule ids are `[A-Z]{2,5}-[0-9]{2,3}`)."""
    met: dict[str, int] = {}
    views = []
    for f in findings:
        n = met[f.rule] = met.get(f.rule, 0) + 1
        views.append(finding_view(f, lang, None if n == 1 else f"f-{f.rule}-{n}"))
    return views


def cpv_text(code: str, lang: str) -> str:
    """A CPV code with its label: « 30213100 — Ordinateurs portables ». The nomenclature file is French;
    English labels exist for the 45 divisions only (`cpv_division_label`), so an English page gives the
    division in English and the code's own label marked as French (it showed the French label alone)."""
    label = cpv_label(code)
    if label is None or lang != "en":
        return code + (f" — {label}" if label else "")
    div = code[:2]
    english = cpv_division_label(div, "en")
    if code.startswith(div + "000000"):  # the division itself
        return f"{code} — {english}"
    return f"{code} — {english} (division {div}) · {label} (in French)"


def identity(scored: Any, lang: str) -> list[tuple[str, str, str]]:
    """(label, value, class) of each fact of the order: its id and its dates on one line (`one_line`), which a
    390 px window broke at a hyphen (« 2024-07- » above « 01 »)."""
    o = scored.order
    t = words(lang)

    def named(name: str | None, siret: str | None) -> str:
        if name and siret:
            return f"{name} (SIRET {siret})"
        return name or (f"SIRET {siret}" if siret else t["not_given"])

    amount = fmt_value(o.amount, "amount", lang)
    if o.amount is not None and o.nature == "accord_cadre":
        amount += f" ({t['framework_max']})"
    cpv = cpv_text(o.cpv, lang) if o.cpv else t["not_given"]
    place_bits = [o.supplier_commune or o.supplier_postcode, o.supplier_country]
    supplier_place = " · ".join(x for x in place_bits if x) or t["not_given"]
    if o.supplier_band:
        supplier_place += f" — {i18n.label(o.supplier_band, lang)}"
    launch = fmt_value(o.launch_date, "launch_date", lang)
    notified = fmt_value(o.notification_date, "notification_date", lang)
    rows = [
        (t["id"], o.id, one_line(o.id)),
        (t["object"], o.object or t["not_given"], ""),
        (t["buyer"], named(o.buyer_name, o.buyer_siret), ""),
        (t["supplier"], named(o.supplier_name, o.supplier_siret), ""),
        (t["supplier_place"], supplier_place, ""),
        (t["nature"], fmt_value(o.nature, "nature", lang), ""),
        (t["procedure"], fmt_value(o.procedure, "procedure", lang), ""),
        (t["cpv"], cpv, ""),
        (t["amount"], amount, ""),
        (t["launch_date"], launch, NOWRAP if o.launch_date else ""),
        (t["date"], notified, NOWRAP if o.notification_date else ""),
        (t["place"], fmt_value(o.place_code, "place_code", lang), ""),
    ]
    if o.supplier_distance_km is not None:
        rows.append((t["distance"], i18n.fmt_number(o.supplier_distance_km, lang, 0) + " km", ""))
    rows.append((t["where"], where(o.source, lang), ""))
    return rows


def _sort_key(f: Any) -> tuple[int, int, str]:
    kind = KIND_ORDER.index(f.kind) if f.kind in KIND_ORDER else len(KIND_ORDER)
    return (STATUS_ORDER.index(f.status), kind, f.rule)


def verdict(scored: Any, views: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """Legal failures first, then risks, then indicators; with the scores and the count of unknowns.
    `views`: `finding_views(scored.findings)`, one per finding in the same order."""
    t = words(lang)
    pairs = list(zip(scored.findings, views, strict=True))
    legal = [v for f, v in pairs if f.kind == "legal" and f.status == "fail"]
    risks = [v for f, v in pairs if f.kind == "risk" and f.status == "fail"]
    kpi_pass = sum(1 for f, _ in pairs if f.kind == "kpi" and f.status == "pass")
    kpi_fail = [v for f, v in pairs if f.kind == "kpi" and f.status == "fail"]
    insufficient = sum(1 for f, _ in pairs if f.status == "insufficient_data")
    waived = [v for f, v in pairs if f.status == "waived"]
    s = scored.scores
    level = "legal" if legal else "risk" if risks else "kpi" if kpi_fail else "ok"

    def counted(n: int, key: str) -> str:
        return t[plural(n, key + "_one", key, lang)].format(n=n)

    return {
        "level": level,
        "legal": legal,
        "risks": risks,
        "kpi_fail": kpi_fail,
        "waived": waived,
        "kpi_line": t["verdict_kpi_line"].format(passed=counted(kpi_pass, "kpi_passed"),
                                                 failed=counted(len(kpi_fail), "kpi_failed")),
        "insufficient": counted(insufficient, "verdict_insufficient") if insufficient else "",
        "score": fmt_score(s.overall, lang),
        "completeness": fmt_ratio(s.completeness, lang),
    }


def chantiers(scored: Any, views: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    """Per chantier its findings (not the not-applicable ones); a finding already shown under an earlier
    chantier is referred to by a link rather than repeated."""
    t = words(lang)
    s = scored.scores
    pairs = list(zip(scored.findings, views, strict=True))
    shown: set[str] = set()
    out = []
    for c in range(1, 9):
        items = []
        for _f, view in sorted(((f, v) for f, v in pairs if c in f.chantiers and f.status != "not_applicable"),
                               key=lambda pair: _sort_key(pair[0])):
            items.append({"ref": view["anchor"] in shown, **view})
            shown.add(view["anchor"])
        out.append({
            "number": c,
            "heading": t["chantier_n"].format(n=c) + " — " + i18n.chantier_name(c, lang),
            "score": fmt_score(s.by_chantier.get(c), lang),
            "completeness": fmt_ratio(s.completeness_by_chantier.get(c), lang),
            "findings": items,
        })
    return out


def missing_data(scored: Any, lang: str) -> list[dict[str, Any]]:
    """Field -> the rules its value would let run, most useful field first."""
    by_field: dict[str, list[str]] = {}
    for rule_id, fields in scored.scores.missing.items():
        for name in fields:
            by_field.setdefault(name, []).append(rule_id)
    rows = [{"field": name, "label": field_label(name, lang), "help": field_help(name, lang), "rules": rules}
            for name, rules in by_field.items()]
    rows.sort(key=lambda r: (-len(r["rules"]), r["label"]))
    return rows


def order_view(scored: Any, lang: str) -> dict[str, Any]:
    views = finding_views(scored.findings, lang)
    o = scored.order
    return {
        "id": o.id,
        "object": o.object or "",
        "identity": identity(scored, lang),
        "verdict": verdict(scored, views, lang),
        "chantiers": chantiers(scored, views, lang),
        "not_applicable": [v for f, v in zip(scored.findings, views, strict=True) if f.status == "not_applicable"],
        "missing": missing_data(scored, lang),
        "warnings": [unbroken_dates(w.message_en if lang == "en" else w.message_fr) for w in o.warnings],
    }
