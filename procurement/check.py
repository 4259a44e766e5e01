"""`check`: a consultation and its bids, checked before award, side by side on one page.

Input: the workbook of `procurement template`, filled in. Its "Consultation" sheet (one row per
consultation or lot) is read and scored like any order, against the rules whose scope includes
`pre_award` — legal obligations, legal risks and the tender's own indicators. Its "Offres" sheet (one
row per bid) is read the same way; each bid is an order of nature `offre` and is scored against the
pre-award indicators (kind `kpi`) only: a bid carries no legal obligation of the buyer.

A bid inherits from its consultation the values that describe the purchase, not the bid (object, CPV,
procedure, launch date, place of performance, buyer), so that an indicator that depends on the CPV
(food, works) applies to the bid as to the contract. The consultation's value prevails over a bid's own:
a bid answers the consultation, and a bid judged on its own CPV escaped the food indicators its rivals were
judged on. A differing value is said on the bid (`check_inherit`); a finer CPV code of the same family is
kept.

What the page compares: the declared values of the bids (price, delivery distance, intermediaries,
shares, emissions, insertion hours), their scores per chantier, what each bid lacks — values the
indicators need, values the other bids declared but this one did not, and its bidder's name and SIRET
(`check_json.IDENTITY_FIELDS`, never a verdict) — and the indicators it does not meet. It never
compares, nor asks for, the bidders' location: a local preference is unlawful (CJCE, 11 July 1991,
Laboratori Bruneau, C-351/88). And it says plainly that the contract is awarded on the published
criteria and weights only: these indicators inform the buyer; they are not award criteria.

With a supplier register (`--suppliers`), each row is joined to it before enrichment, as `score` does:
a bid that gives only its SIRET gets its name (a value written on the row always wins); the location the
register adds is never compared. With a waivers file (`--waivers`), a failing or incomplete finding an
active waiver covers is shown as "waived" with who accepted it and why, and no longer counts towards the
exit status; expired and unused waivers are reported.

Where each part is: `check_read` reads and scores the two sheets (`find_sheets`, `run_check`),
`check_result` holds what a run found (`CheckResult`), `check_json` computes everything as plain
JSON-ready data (`check_data`, written as check.json) and `check_page` formats it for check.html
(`view_model`, `render_html`), whose template only lays it out; both name a value by its column and cell
(`check_labels`). This module writes both files and keeps
every name importable from `procurement.check`.
"""

from __future__ import annotations

import json
from pathlib import Path

from procurement.check_inherit import DIFFERS, INHERITED
from procurement.check_json import KEY_FIELDS, NOTICE, check_data
from procurement.check_page import TENDER_FACTS, render_html, rule_list, view_model
from procurement.check_read import BID_SHEETS, TENDER_SHEETS, find_sheets, run_check
from procurement.check_result import FAIL_KINDS, CheckResult
from procurement.check_words import WORDS
from procurement.i18n import counted
from procurement.views.common import fmt_value  # the one value formatter of every page (was check_page.fmt_value)

__all__ = [
    "BID_SHEETS",
    "FAIL_KINDS",
    "INHERITED",
    "KEY_FIELDS",
    "NOTICE",
    "TENDER_FACTS",
    "TENDER_SHEETS",
    "WORDS",
    "CheckResult",
    "check_data",
    "find_sheets",
    "fmt_value",
    "notes",
    "render_html",
    "run_check",
    "summary_line",
    "view_model",
    "write_check",
]
DIFFERS_SHOWN = 10  # bids' values set aside for their consultation's, named on the terminal (`notes`)


def write_check(result: CheckResult, out_dir: Path, lang: str = "fr") -> tuple[Path, Path]:
    """Write DIR/check.json and DIR/check.html, both or neither (a check.json of this run beside the
    previous run's check.html would tell the buyer two different things); returns their paths."""
    from procurement.write.safe import all_or_nothing, atomic_path

    data = check_data(result, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "check.json", out_dir / "check.html"
    with all_or_nothing():
        with atomic_path(json_path) as tmp:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        with atomic_path(html_path) as tmp:
            tmp.write_text(render_html(data), encoding="utf-8")
    return json_path, html_path


def summary_line(result: CheckResult, out_dir: Path, lang: str) -> str:
    """The terminal's one line: what concerns the consultations, then what concerns the bids, with the counts of
    the page's summary (one figure for the indicators of both, and for the rows rejected on both sheets, said
    neither which consultation nor which bid to look at). The consultations' legal obligations and risks left
    unchecked for want of data follow their failures, by rule (a "0 obligation légale non respectée" alone
    passed them off as met)."""
    en = lang == "en"
    words = _LINE_WORDS["en" if en else "fr"]
    counted = _counted_words(lang)
    colon, semi = (": ", "; ") if en else (" : ", " ; ")
    waivers = result.waivers is not None

    failed = result.failures("tender")
    counts = [counted(len(result.tender_run.orders), "checked")]
    to_fix, ignored = result.rejected("tender")
    if to_fix:  # their rules never ran: said apart from those checked, as on the page
        counts.append(counted(to_fix, "unchecked"))
    if ignored:  # a total line, a note: no consultation
        counts.append(counted(ignored, "ignored"))
    verdicts = [counted(failed["legal"], "legal"), counted(failed["risk"], "risk"), counted(failed["kpi"], "kpi")]
    if waivers:
        verdicts.append(counted(result.waived("tender"), "waived"))
    tender = f"{words['tenders']}{colon}{', '.join(counts)}{semi}{', '.join(verdicts)}"
    insufficient = result.insufficient()
    for kind in ("legal", "risk"):
        items = [(tender_id, rule) for tender_id, rule, k in insufficient if k == kind]
        if items:
            tender += f"{semi}{counted(len(items), 'insufficient_' + kind)}{colon}{rule_list(items, lang)}"

    bid_run = result.bid_run
    if not bid_run.orders and not bid_run.rejected:
        bids = f"{words['bids']}{colon}{words['none']}"
    else:
        unattached = sum(1 for tender_id in result.attached.values() if tender_id is None)
        counts = [counted(len(bid_run.orders) - unattached, "compared")]
        if unattached:  # compared nowhere: the page lists them, with what to type
            counts.append(counted(unattached, "unattached"))
        to_fix, ignored = result.rejected("bids")
        counts.append(counted(to_fix, "rejected"))
        if ignored:
            counts.append(counted(ignored, "ignored"))
        verdicts = [counted(result.failures("bids")["kpi"], "kpi")]  # a bid is scored on indicators only
        if waivers:
            verdicts.append(counted(result.waived("bids"), "waived"))
        bids = f"{words['bids']}{colon}{', '.join(counts)}{semi}{', '.join(verdicts)}"
    return f"{tender}. {bids}. Page{colon}{out_dir / 'check.html'}"


# (singular, plural) of what the summary line counts; French 0 and 1 take the singular (i18n.plural). After
# « Consultations : » and « Offres : », both feminine, the counts of each agree with it.
_LINE_WORDS = {
    "fr": {"tenders": "Consultations", "bids": "Offres", "none": "aucune",
           "checked": ("vérifiée", "vérifiées"),
           "unchecked": ("non vérifiée (ligne rejetée)", "non vérifiées (lignes rejetées)"),
           "compared": ("comparée", "comparées"),
           "unattached": ("rattachée à aucune consultation", "rattachées à aucune consultation"),
           "rejected": ("rejetée (ligne à corriger)", "rejetées (lignes à corriger)"),
           "ignored": ("ligne ignorée (total ou note)", "lignes ignorées (total ou note)"),
           "legal": ("obligation légale non respectée", "obligations légales non respectées"),
           "risk": ("risque", "risques"), "kpi": ("indicateur non atteint", "indicateurs non atteints"),
           "waived": ("constat couvert par une dérogation", "constats couverts par une dérogation"),
           "insufficient_legal": WORDS["fr"]["insufficient_legal"],
           "insufficient_risk": WORDS["fr"]["insufficient_risk"]},
    "en": {"tenders": "Tenders", "bids": "Bids", "none": "none",
           "checked": ("checked", "checked"),
           "unchecked": ("not checked (row rejected)", "not checked (rows rejected)"),
           "compared": ("compared", "compared"), "unattached": ("attached to no tender", "attached to no tender"),
           "rejected": ("rejected (row to fix)", "rejected (rows to fix)"),
           "ignored": ("row ignored (total or note)", "rows ignored (total or note)"),
           "legal": ("legal obligation not met", "legal obligations not met"), "risk": ("risk", "risks"),
           "kpi": ("indicator not met", "indicators not met"), "waived": ("finding waived", "findings waived"),
           "insufficient_legal": WORDS["en"]["insufficient_legal"],
           "insufficient_risk": WORDS["en"]["insufficient_risk"]},
}


def _counted_words(lang: str):
    words = _LINE_WORDS["en" if lang == "en" else "fr"]
    return lambda n, what: counted(n, *words[what], lang)


def notes(result: CheckResult, lang: str) -> list[str]:
    """What the buyer must know before reading the page, for the terminal: the columns that were not read
    (their values would be missing without a word), the consultations whose rules never ran (a rejected
    row, whose missing verdict must not pass for compliance) and the bids' values set aside for their
    consultation's (a bid judged on another purchase than the one it answers: the page says it under the
    bid, check.json in its warnings; DIFFERS_SHOWN of them here, the others counted)."""
    en = lang == "en"
    lines = [u.message(lang) for u in result.unread]
    for i, tender_id in result.unchecked.items():
        r = result.tender_run.rejected[i]
        name = f" “{tender_id}”" if en and tender_id else f" « {tender_id} »" if tender_id else ""
        where = f"{r.source.sheet}, {'row' if en else 'ligne'} {r.source.row}"
        lines.append(f"Warning: tender{name} ({where}) not checked, its row was rejected: {r.message(lang)}" if en
                     else f"Attention : consultation{name} ({where}) non vérifiée, sa ligne a été rejetée : "
                     f"{r.message(lang)}")
    differing = [(s.order, w) for s in result.bid_run.orders for w in s.order.warnings if w.code == DIFFERS]
    for order, w in differing[:DIFFERS_SHOWN]:
        where = f"{order.source.sheet}, {'row' if en else 'ligne'} {order.source.row}"
        lines.append(f"Warning: bid “{order.id}” ({where}): {w.message_en}" if en
                     else f"Attention : offre « {order.id} » ({where}) : {w.message_fr}")
    if len(differing) > DIFFERS_SHOWN:
        more = len(differing) - DIFFERS_SHOWN
        lines.append(f"Warning: {more} more bid values differ from their tender's (see the page)" if en else
                     f"Attention : {counted(more, 'autre valeur', 'autres valeurs', 'fr')} d'offres "
                     f"{'diffère de celle' if more == 1 else 'diffèrent de celles'} de leur consultation "
                     "(voir la page)")
    return lines
