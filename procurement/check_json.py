"""check.json: everything the page shows, as plain data another tool can read.

The comparison of the bids lives here (KEY_FIELDS: declared values only, never where a bidder is), so that
the page (`check_page`) only formats what this module decided.

Each thing is said once, because a tender may have hundreds of bids: a rule's title, kind, reasons,
advice and legal basis are in `rules` (they once filled every failed rule of every bid); a bid's findings
are compact, as in results.json (the rule and its verdict, the message in the run's language, the
conditions that decided it; a rule that does not apply to the bid is its id and status); and a bid's
`data` does not repeat its bidder's name (`supplier`) nor the values it takes from its consultation
(`inherited`, whose values are in the consultation's `data`). With 300 bids and 2 KB texts, each bid
weighed about 36 KB, most of it those copies; it now weighs 6.5 KB, 2 of them its bidder's name.

A message names a missing value as the page does, by its column's header and its cell ("Considérations
environnementales (cellule L2)", `check_labels`), never by the field's code, which `missing` keeps for a
program: the engine's "Considérations environnementales (env_considerations)" is for a batch whose columns
it does not know.

What the buyer must act on is data too: `meta.columns` (where each field is on each sheet), `meta.
unread_columns` (the columns not read, with the header to give them) and `unchecked_tenders` (the
consultations whose row was rejected, so no rule ran on them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from procurement.check_labels import Sheet
from procurement.check_result import CheckResult
from procurement.pipeline import ScoredOrder, meta
from procurement.scoring import CHANTIERS

# Declared values compared across bids. Never the bidder's location (postcode, commune, band, distance).
KEY_FIELDS = ("amount", "delivery_km", "intermediaries", "organic_share", "egalim_share",
              "meat_fish_egalim_share", "recycled_share", "declared_emissions", "origin_france", "origin_eu",
              "insertion_hours")

# What identifies a bid's bidder, asked of every bid though no rule reads it: the SIRET joins the bid to the
# supplier directory (--suppliers) and names the holder in the DECP publication, the name is who the contract
# would be awarded to. Never the bidder's location, size or status: none is compared before award.
IDENTITY_FIELDS = ("supplier_name", "supplier_siret")

NOTICE = {
    "fr": "L'attribution se fait uniquement selon les critères d'attribution et les pondérations publiés dans les "
          "documents de la consultation. Les indicateurs de cette page éclairent l'acheteur sur la politique "
          "d'achat de la Métropole ; ce ne sont pas des critères d'attribution et ils ne servent ni à noter ni à "
          "classer les offres. La localisation des candidats n'est jamais comparée : une préférence locale est "
          "illégale (CJCE, 11 juillet 1991, Laboratori Bruneau, C-351/88).",
    "en": "The contract is awarded solely on the award criteria and weights published in the tender documents. "
          "The indicators on this page inform the buyer about the Metropolis's purchasing policy; they are not "
          "award criteria and must not be used to score or rank the bids. The bidders' location is never "
          "compared: a local preference is unlawful (ECJ, 11 July 1991, Laboratori Bruneau, C-351/88).",
}


def _title(rule: Any, lang: str) -> str:
    return rule.title.en if lang == "en" else rule.title.fr


def _text(text: Any, lang: str) -> str | None:
    return None if text is None else (text.en if lang == "en" else text.fr)


Label = Callable[[str], str]


def _labels(sheet: Sheet, row: int | None) -> dict[str, Label]:
    """How a finding of the row names a missing value, in each language: its column's header and its cell, as
    the page does (`check_labels`), never the field's code, which only `missing` keeps."""
    return {lang: (lambda name, lang=lang: sheet.label(name, lang, row)) for lang in ("fr", "en")}


def _message(f: Any, lang: str, labels: dict[str, Label]) -> str:
    return f.message(lang, labels[lang]) if f.missing else f.message(lang)


def _relabel(record: dict[str, Any], f: Any, lang: str, labels: dict[str, Label]) -> dict[str, Any]:
    """A finding's record (`write.records.finding_dict`) with its messages naming a missing value by its cell."""
    if f.missing:
        for key, in_lang in (("message", lang), ("message_fr", "fr"), ("message_en", "en")):
            if key in record:
                record[key] = _message(f, in_lang, labels)
    return record


def _finding_summary(f: Any, lang: str, labels: dict[str, Label]) -> dict[str, object]:
    rule = f.compiled
    return {
        "rule": f.rule,
        "kind": f.kind,
        "severity": f.severity,
        "chantiers": list(f.chantiers),
        "status": f.status,
        "title": _title(rule, lang),
        "message": _message(f, lang, labels),
        "missing": list(f.missing),
        "why": _text(rule.source.why, lang),
        "advice": _text(rule.source.advice, lang),
        "legal_ref": [ref.model_dump(mode="json", exclude_none=True) for ref in rule.source.legal_ref],
    }


def _missing_fields(scored: ScoredOrder) -> dict[str, list[str]]:
    """Field -> rules that could not be evaluated without it."""
    out: dict[str, list[str]] = {}
    for rule_id, names in scored.scores.missing.items():
        for name in names:
            out.setdefault(name, []).append(rule_id)
    return out


def _tender_record(scored: ScoredOrder, lang: str, sheet: Sheet) -> dict[str, object]:
    from procurement.write.records import finding_dict, order_data, source_dict, warning_dict

    order = scored.order
    labels = _labels(sheet, order.source.row)
    applicable = [f for f in scored.findings if f.status != "not_applicable"]
    return {
        "id": order.id,
        "source": source_dict(order.source),
        "data": order_data(order),
        "scores": scored.scores.to_dict(),
        "legal": [_finding_summary(f, lang, labels) for f in applicable if f.kind in ("legal", "risk")],
        "indicators": [_finding_summary(f, lang, labels) for f in applicable if f.kind == "kpi"],
        "not_applicable": [f.rule for f in scored.findings if f.status == "not_applicable"],
        "missing": [{"field": k, "rules": v} for k, v in _missing_fields(scored).items()],
        "warnings": [warning_dict(w, lang) for w in order.warnings],
        "findings": [_relabel(finding_dict(f, lang, order.origins), f, lang, labels) for f in scored.findings],
    }


def _bid_record(scored: ScoredOrder, tender_id: str | None, lang: str, sheet: Sheet, inherited: tuple[str, ...] = (),
                tender_data: dict[str, object] | None = None) -> dict[str, object]:
    """A bid, stating each thing once (see the module's docstring): `failed` and `met` are rule ids, their
    texts in check.json's `rules`, their messages and evidence in `findings`."""
    from procurement.write.records import finding_dict, order_data, source_dict, warning_dict

    order = scored.order
    labels = _labels(sheet, order.source.row)
    data = order_data(order)
    data.pop("supplier_name", None)  # it is the record's `supplier`
    for name in inherited:
        if tender_data is not None and name in data and data[name] == tender_data.get(name):
            del data[name]  # the consultation's value, in its `data`
    return {
        "id": order.id,
        "supplier": order.supplier_name,
        "tender": tender_id,
        "source": source_dict(order.source),
        "inherited": list(inherited),
        "data": data,
        "scores": scored.scores.to_dict(),
        "failed": [f.rule for f in scored.findings if f.status == "fail"],
        "met": [f.rule for f in scored.findings if f.status == "pass"],
        "missing": [{"field": k, "rules": v} for k, v in _missing_fields(scored).items()],
        "not_declared": [],  # filled per tender: values other bids declared and this one did not
        "identity_missing": identity_missing(order),
        "warnings": [warning_dict(w, lang) for w in order.warnings],
        "findings": [_relabel(finding_dict(f, lang, order.origins, compact=True), f, lang, labels)
                     for f in scored.findings],
    }


def identity_missing(order: Any) -> list[str]:
    """The identity fields (IDENTITY_FIELDS) a bid leaves blank, the way a bid lacks a value: listed, never a
    verdict nor a score. A bidder established outside France has no SIRET (DECP names it by its VAT number or
    another identifier), so the SIRET is asked only when the country is France or not given."""
    missing = [] if order.supplier_name is not None else ["supplier_name"]
    if order.supplier_siret is None and order.supplier_country in (None, "FR"):
        missing.append("supplier_siret")
    return missing


def _rules(result: CheckResult, lang: str) -> dict[str, dict[str, object]]:
    """Every rule run on the consultation or the bids, its tags and texts once, in rulebook order."""
    out: dict[str, dict[str, object]] = {}
    for book in (result.tender_run.rulebook, result.bid_run.rulebook):
        for rule in book.rules:
            if rule.id not in out:
                out[rule.id] = {
                    "title": _title(rule, lang), "kind": rule.kind, "severity": rule.severity,
                    "chantiers": list(rule.chantiers), "weight": rule.weight,
                    "why": _text(rule.source.why, lang), "advice": _text(rule.source.advice, lang),
                    "legal_ref": [ref.model_dump(mode="json", exclude_none=True) for ref in rule.source.legal_ref],
                }
    return out


def holdable(result: CheckResult) -> set[str]:
    """The declared values a bid can be asked for: those the template's bids sheet has a column for, and those
    the workbook added (a value neither holds was asked of every bid though no buyer could give it)."""
    from procurement.template import BID_COLUMNS

    return {c.field for c in BID_COLUMNS} | {f for i in result.bid_run.inputs for f in i.columns.values()}


def _comparison(bids: list[ScoredOrder], records: list[dict[str, Any]], can_hold: set[str] | None = None
                ) -> dict[str, object]:
    # Chantiers some indicator speaks about for these bids (a rule not applicable to any bid says nothing).
    covered = sorted({c for b in bids for f in b.findings if f.status != "not_applicable" for c in f.chantiers})
    declared = [name for name in KEY_FIELDS if any(getattr(b.order, name) is not None for b in bids)]
    for scored, record in zip(bids, records, strict=True):
        record["not_declared"] = [n for n in declared if getattr(scored.order, n) is None]
    return {
        "chantiers": [
            {"chantier": c, "scores": [b.scores.by_chantier.get(c) for b in bids]} for c in covered
        ],
        "chantiers_without_indicator": [c for c in CHANTIERS if c not in covered],
        "overall": [b.scores.overall for b in bids],
        "completeness": [b.scores.completeness for b in bids],
        "values": [
            {"field": name, "values": [_jsonable(getattr(b.order, name)) for b in bids]} for name in declared
        ],
        "not_declared_by_any": [n for n in KEY_FIELDS if n not in declared and (can_hold is None or n in can_hold)],
    }


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def check_data(result: CheckResult, lang: str = "fr") -> dict[str, object]:
    """Everything the page shows, as plain data: check.json."""
    from procurement.waivers import run_date
    from procurement.write.records import rejection_record

    lang = "en" if lang == "en" else "fr"
    tender_meta, bid_meta = meta(result.tender_run), meta(result.bid_run)
    tenders = []
    bids_by_tender: dict[str | None, list[int]] = {}
    for index, tender_id in result.attached.items():
        bids_by_tender.setdefault(tender_id, []).append(index)
    bid_orders = result.bid_run.orders
    can_hold = holdable(result)
    unread = [u.to_dict(lang) for u in result.unread]
    tender_sheet, bid_sheet = (Sheet(name, result.columns.get(name, {}), unread)
                               for name in (str(m["inputs"][0]["sheet"] or "") for m in (tender_meta, bid_meta)))
    for scored in result.tender_run.orders:
        record = _tender_record(scored, lang, tender_sheet)
        indices = bids_by_tender.pop(scored.order.id, [])  # a repeated tender id gets its bids once
        bids = [bid_orders[i] for i in indices]
        tender_data = record["data"]
        its_bids = bid_sheet.of_bids_of(tender_sheet, scored.order.source.row)  # inherited values: its cells
        bid_records = [_bid_record(bid_orders[i], scored.order.id, lang, its_bids, result.inherited.get(i, ()),
                                   tender_data) for i in indices]
        record["comparison"] = _comparison(bids, bid_records, can_hold)
        record["bids"] = bid_records
        record["rejected_bids"] = [rejection_record(result.bid_run.rejected[i], lang)
                                   for i, to in result.rejected_to.items() if to == scored.order.id]
        tenders.append(record)
    unattached = [_bid_record(bid_orders[i], None, lang, bid_sheet) for i in bids_by_tender.pop(None, [])]
    unchecked = [{"id": tid, **rejection_record(result.tender_run.rejected[i], lang),
                  "bids": [b["id"] for b in unattached if tid is not None and any(
                      w["code"] == "unattached_bid" and w["value"] == tid for w in b["warnings"])]}
                 for i, tid in result.unchecked.items()]
    failures = result.failures()
    insufficient = result.insufficient()
    return {
        "type": "check",
        "lang": lang,
        "notice": NOTICE[lang],
        "meta": {
            "tool": tender_meta["tool"],
            "version": tender_meta["version"],
            "build": tender_meta["build"],
            "generated_at": tender_meta["generated_at"],
            "file": str(result.path),
            "rulebook": result.tender_run.rulebook.meta(),
            "rules": {
                "tender": [r.id for r in result.tender_run.rulebook.rules],
                "bids": [r.id for r in result.bid_run.rulebook.rules],
            },
            "inputs": [*tender_meta["inputs"], *bid_meta["inputs"]],
            "counts": {"tender": tender_meta["counts"], "bids": bid_meta["counts"]},
            "options": result.options,
            "columns": result.columns,
            "unread_columns": unread,
            **(
                {"directory": {**result.directory.summary(), "rules_made_evaluable": result.directory_gain}}
                if result.directory is not None
                else {}
            ),
            **({"waivers": result.waivers.report(result.today or run_date())} if result.waivers is not None else {}),
        },
        "verdict": {
            "fail_on": result.fail_on,
            "exit_status": result.exit_status(),
            "failures": failures,
            # the same, for the consultations and for the bids apart, with the rows each sheet had rejected: the
            # page and the terminal say what concerns each, as one figure for both could not be acted on
            # `rejected`: rows to fix; `ignored`: a total line or a note, no consultation nor bid
            "by_part": {part: {"failures": result.failures(part), "waived": result.waived(part),
                               **dict(zip(("rejected", "ignored"), result.rejected(part), strict=True))}
                        for part in ("tender", "bids")},
            # the consultations' legal obligations and risks not evaluable for want of data: not failures
            # (the exit status ignores them), said beside them so that none passes for met
            "insufficient_data": {kind: sum(1 for *_, k in insufficient if k == kind) for kind in ("legal", "risk")},
            "insufficient_data_rules": [{"tender": tid, "rule": rule, "kind": kind}
                                        for tid, rule, kind in insufficient],
            "tenders": len(result.tender_run.orders),
            "unchecked_tenders": len(unchecked),
            "bids": len(bid_orders) - len(unattached),  # compared within a consultation
            "unattached_bids": len(unattached),
            "rejected": len(result.tender_run.rejected) + len(result.bid_run.rejected),
            "waived": result.waived(),
        },
        "rules": _rules(result, lang),
        "tenders": tenders,
        "unattached_bids": unattached,
        "unchecked_tenders": unchecked,
        "rejected": [rejection_record(r, lang) for r in (*result.tender_run.rejected, *result.bid_run.rejected)],
    }
