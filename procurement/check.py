"""`check`: a consultation and its bids, checked before award, side by side on one page.

Input: the workbook of `procurement template`, filled in. Its "Consultation" sheet (one row per
consultation or lot) is read and scored like any order, against the rules whose scope includes
`pre_award` — legal obligations, legal risks and the tender's own indicators. Its "Offres" sheet (one
row per bid) is read the same way; each bid is an order of nature `offre` and is scored against the
pre-award indicators (kind `kpi`) only: a bid carries no legal obligation of the buyer.

A bid inherits from its consultation the values that describe the purchase, not the bid (object, CPV,
procedure, launch date, place of performance, buyer), so that an indicator that depends on the CPV
(food, works) applies to the bid as to the contract. Its own values always win.

What the page compares: the declared values of the bids (price, delivery distance, intermediaries,
shares, emissions, insertion hours), their scores per chantier, what each bid lacks — values the
indicators need, and values the other bids declared but this one did not — and the indicators it does
not meet. It never compares the bidders' location: a local preference is unlawful (CJCE, 11 July
1991, Laboratori Bruneau, C-351/88). And it says plainly that the contract is awarded on the published
criteria and weights only: these indicators inform the buyer; they are not award criteria.

With a supplier register (`--suppliers`), each row is joined to it before enrichment, as `score` does:
a bid that gives only its SIRET gets its name (a value written on the row always wins); the location the
register adds is never compared. With a waivers file (`--waivers`), a failing or incomplete finding an
active waiver covers is shown as "waived" with who accepted it and why, and no longer counts towards the
exit status; expired and unused waivers are reported.

`check_data()` computes everything as plain JSON-ready data (written as check.json); `view_model()`
formats it for check.html, whose template only lays it out.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from procurement import i18n
from procurement.errors import InputError
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.model import Rejection, Warning_
from procurement.pipeline import Run, ScoredOrder, check_balance, generated_at, meta, process
from procurement.read.base import Cell, RawRecord, ReadOptions
from procurement.scoring import CHANTIERS

TENDER_SHEETS = ("consultation", "tender", "consultations", "tenders")
BID_SHEETS = ("offres", "bids", "offre", "bid")
# What a bid takes from its consultation when it does not say otherwise: the purchase, not the bid.
INHERITED = ("object", "cpv", "procedure", "launch_date", "place_code", "place_type", "buyer_name", "buyer_siret")
# Declared values compared across bids. Never the bidder's location (postcode, commune, band, distance).
KEY_FIELDS = ("amount", "delivery_km", "intermediaries", "organic_share", "egalim_share",
              "meat_fish_egalim_share", "recycled_share", "declared_emissions", "origin_france", "origin_eu",
              "insertion_hours")
TENDER_FACTS = ("buyer_name", "object", "nature", "procedure", "cpv", "amount", "launch_date", "place_code", "lots",
                "env_considerations", "social_considerations", "award_criteria", "price_weight", "env_weight")
FAIL_KINDS = {"never": (), "legal": ("legal",), "risk": ("legal", "risk"), "kpi": ("legal", "risk", "kpi")}

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


@dataclass
class CheckResult:
    """What `check` found: the consultation run, the bids run, and which tender each bid answers."""

    path: Path
    tender_run: Run
    bid_run: Run
    attached: dict[int, str | None]  # index in bid_run.orders -> tender id (None: unattached)
    fail_on: str = "legal"
    options: dict[str, object] = field(default_factory=dict)
    directory: Any = None  # procurement.directory.Directory, when --suppliers was given
    directory_gain: dict[str, int] = field(default_factory=dict)  # rule -> rows the register made evaluable
    waivers: Any = None  # procurement.waivers.WaiverSet, when --waivers was given
    today: dt.date | None = None  # the run's day, for waiver expiry

    def failures(self) -> dict[str, int]:
        """Failed rules by kind: the tender's legal/risk/kpi failures and the bids' kpi failures."""
        counts = {"legal": 0, "risk": 0, "kpi": 0}
        for run in (self.tender_run, self.bid_run):
            for scored in run.orders:
                for f in scored.findings:
                    if f.status == "fail" and f.kind in counts:
                        counts[f.kind] += 1
        return counts

    def waived(self) -> int:
        """Findings an active waiver covers (tender and bids): shown, never counted as failures."""
        return sum(1 for run in (self.tender_run, self.bid_run) for scored in run.orders
                   for f in scored.findings if f.status == "waived")

    def exit_status(self) -> int:
        from procurement.errors import EXIT_FINDINGS, EXIT_OK

        failures = self.failures()
        return EXIT_FINDINGS if any(failures[k] for k in FAIL_KINDS.get(self.fail_on, ())) else EXIT_OK


# ---------------------------------------------------------------------------------------------------------
# Reading and scoring
# ---------------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(s.lower().split())


def find_sheets(path: Path) -> tuple[str, str]:
    """The names of the consultation and bids sheets (either language, any case or accents)."""
    from procurement.read.xlsx_reader import check_archive

    where = str(path)
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        raise InputError(
            "check lit le classeur de « procurement template » (.xlsx), avec ses feuilles « Consultation » et "
            "« Offres »",
            "check reads the workbook of 'procurement template' (.xlsx), with its 'Tender' and 'Bids' sheets",
            where=where,
        )
    if not path.is_file():
        raise InputError("fichier introuvable", "file not found", where=where)
    check_archive(path, where)
    import openpyxl

    try:
        wb = openpyxl.load_workbook(path, read_only=True)
        names = list(wb.sheetnames)
        wb.close()
    except Exception as exc:  # openpyxl raises many types on damaged files
        raise InputError(f"classeur illisible ({type(exc).__name__})", f"unreadable workbook ({exc})",
                         where=where) from None
    folded = {_fold(n): n for n in names}
    tender = next((folded[k] for k in TENDER_SHEETS if k in folded), None)
    bids = next((folded[k] for k in BID_SHEETS if k in folded), None)
    if tender is None or bids is None:
        listed = ", ".join(f"« {n} »" for n in names)
        raise InputError(
            f"feuilles « Consultation » et « Offres » attendues (classeur de « procurement template ») ; "
            f"feuilles du classeur : {listed}",
            f"sheets 'Tender' and 'Bids' expected (workbook of 'procurement template'); the workbook's sheets: "
            f"{listed}",
            where=where,
        )
    return tender, bids


def _code(value: object) -> str | None:
    from procurement.parse import ParseError, parse_code

    try:
        return parse_code(value)
    except ParseError:
        return None


def _warning(code: str, fr: str, en: str, value: object = None) -> Warning_:
    return Warning_(code=code, field="tender_id", value=None if value is None else str(value),
                    message_fr=fr, message_en=en)


def _bid_records(records: Iterable[RawRecord | Rejection], tenders: dict[str, tuple[RawRecord, Any]],
                 sheet: str, attached: dict[tuple[str | None, int | None], str | None]
                 ) -> Iterator[RawRecord | Rejection]:
    """Bid records as the pipeline will read them: nature `offre`, linked to a tender, its context inherited."""
    only = next(iter(tenders)) if len(tenders) == 1 else None
    for record in records:
        if isinstance(record, Rejection):
            yield record
            continue
        cells = record.cells
        cells.setdefault("nature", Cell("-", "offre"))
        given = _code(cells["tender_id"].value) if "tender_id" in cells else None
        if given is not None and given in tenders:
            tender_id: str | None = given
        elif only is not None:
            tender_id = only
            if given is None:
                cells["tender_id"] = Cell("-", only)
            else:
                record.warnings.append(_warning(
                    "unknown_tender",
                    f"consultation « {given} » absente de la feuille « {sheet} » : offre rattachée à la seule "
                    f"consultation, « {only} »",
                    f"tender '{given}' not in the '{sheet}' sheet: bid attached to the only tender, '{only}'",
                    given))
        else:
            tender_id = None
            record.warnings.append(_warning(
                "unattached_bid",
                f"offre non rattachée : consultation « {given or ''} » introuvable dans la feuille « {sheet} »",
                f"bid not attached: tender '{given or ''}' not found in the '{sheet}' sheet", given))
        if tender_id is not None:
            raw, order = tenders[tender_id]
            for name in INHERITED:
                if name not in cells and name in raw.cells and getattr(order, name) is not None:
                    source = raw.cells[name]
                    cells[name] = Cell(f"{sheet}!{source.column}", source.value)
        attached[(record.source.sheet, record.source.row)] = tender_id
        yield record


def _scoped(book: Any, kinds: tuple[str, ...]) -> Any:
    rules = [r for r in book.rules if "pre_award" in r.source.scopes and r.kind in kinds]
    return book.replace_rules(rules, dict(book.selection))


def run_check(path: Path, rulebook: Any, *, fail_on: str = "legal", options: dict[str, object] | None = None,
              directory: Any = None, waivers: Any = None) -> CheckResult:
    """Read and score the workbook: the consultation against pre-award rules, the bids against pre-award KPIs.

    `directory` (a supplier register, `procurement.directory.load_directory`) is joined to every row before
    enrichment; `waivers` (a `WaiverSet`, `procurement.waivers.load_waivers`) wraps the findings it covers.
    """
    from procurement.read import read_file
    from procurement.waivers import run_date

    path = Path(path)
    tender_sheet, bid_sheet = find_sheets(path)
    tender_book = _scoped(rulebook, ("legal", "risk", "kpi"))
    bid_book = _scoped(rulebook, ("kpi",))
    stamp = generated_at()
    today = run_date()  # SOURCE_DATE_EPOCH-aware, once per run: waivers expire on the run's day
    used = dict(options or {})
    gain: dict[str, int] = {}

    info, records = read_file(path, ReadOptions(sheet=tender_sheet), "xlsx")
    raw_tenders = list(records)
    orders: list[ScoredOrder] = []
    rejected: list[Rejection] = []
    process(raw_tenders, tender_book, {}, orders, rejected, directory, gain, waivers, today)
    tender_run = Run([info], orders, rejected, tender_book, used, stamp, directory, {}, waivers, today)
    check_balance(tender_run)
    if not orders:
        reasons = "; ".join(r.message("fr") for r in rejected[:3])
        reasons_en = "; ".join(r.message("en") for r in rejected[:3])
        raise InputError(
            f"aucune consultation lisible dans la feuille « {tender_sheet} »" + (f" : {reasons}" if reasons else ""),
            f"no readable tender in the '{tender_sheet}' sheet" + (f": {reasons_en}" if reasons_en else ""),
            where=str(path),
        )
    by_row = {(r.source.sheet, r.source.row): r for r in raw_tenders if isinstance(r, RawRecord)}
    tenders: dict[str, tuple[RawRecord, Any]] = {}
    for scored in orders:
        raw = by_row[(scored.order.source.sheet, scored.order.source.row)]
        tenders.setdefault(scored.order.id, (raw, scored.order))

    info_b, records_b = read_file(path, ReadOptions(sheet=bid_sheet), "xlsx")
    links: dict[tuple[str | None, int | None], str | None] = {}
    bid_orders: list[ScoredOrder] = []
    bid_rejected: list[Rejection] = []
    process(_bid_records(records_b, tenders, tender_sheet, links), bid_book, {}, bid_orders, bid_rejected,
            directory, gain, waivers, today)
    bid_run = Run([info_b], bid_orders, bid_rejected, bid_book, used, stamp, directory, {}, waivers, today)
    check_balance(bid_run)
    attached = {i: links.get((s.order.source.sheet, s.order.source.row)) for i, s in enumerate(bid_orders)}
    return CheckResult(path, tender_run, bid_run, attached, fail_on, used, directory, dict(sorted(gain.items())),
                       waivers, today)


# ---------------------------------------------------------------------------------------------------------
# The data (check.json)
# ---------------------------------------------------------------------------------------------------------


def _title(rule: Any, lang: str) -> str:
    return rule.title.en if lang == "en" else rule.title.fr


def _text(text: Any, lang: str) -> str | None:
    return None if text is None else (text.en if lang == "en" else text.fr)


def _finding_summary(f: Any, lang: str) -> dict[str, object]:
    rule = f.compiled
    return {
        "rule": f.rule,
        "kind": f.kind,
        "severity": f.severity,
        "chantiers": list(f.chantiers),
        "status": f.status,
        "title": _title(rule, lang),
        "message": f.message(lang),
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


def _tender_record(scored: ScoredOrder, lang: str) -> dict[str, object]:
    from procurement.write.records import finding_dict, order_data, source_dict, warning_dict

    order = scored.order
    applicable = [f for f in scored.findings if f.status != "not_applicable"]
    return {
        "id": order.id,
        "source": source_dict(order.source),
        "data": order_data(order),
        "scores": scored.scores.to_dict(),
        "legal": [_finding_summary(f, lang) for f in applicable if f.kind in ("legal", "risk")],
        "indicators": [_finding_summary(f, lang) for f in applicable if f.kind == "kpi"],
        "not_applicable": [f.rule for f in scored.findings if f.status == "not_applicable"],
        "missing": [{"field": k, "rules": v} for k, v in _missing_fields(scored).items()],
        "warnings": [warning_dict(w, lang) for w in order.warnings],
        "findings": [finding_dict(f, lang, order.origins) for f in scored.findings],
    }


def _bid_record(scored: ScoredOrder, tender_id: str | None, lang: str) -> dict[str, object]:
    from procurement.write.records import finding_dict, order_data, source_dict, warning_dict

    order = scored.order
    return {
        "id": order.id,
        "supplier": order.supplier_name,
        "tender": tender_id,
        "source": source_dict(order.source),
        "data": order_data(order),
        "scores": scored.scores.to_dict(),
        "failed": [_finding_summary(f, lang) for f in scored.findings if f.status == "fail"],
        "met": [f.rule for f in scored.findings if f.status == "pass"],
        "missing": [{"field": k, "rules": v} for k, v in _missing_fields(scored).items()],
        "not_declared": [],  # filled per tender: values other bids declared and this one did not
        "warnings": [warning_dict(w, lang) for w in order.warnings],
        "findings": [finding_dict(f, lang, order.origins) for f in scored.findings],
    }


def _comparison(bids: list[ScoredOrder], records: list[dict[str, Any]]) -> dict[str, object]:
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
        "not_declared_by_any": [n for n in KEY_FIELDS if n not in declared],
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
    for scored in result.tender_run.orders:
        record = _tender_record(scored, lang)
        indices = bids_by_tender.pop(scored.order.id, [])  # a repeated tender id gets its bids once
        bids = [bid_orders[i] for i in indices]
        bid_records = [_bid_record(b, scored.order.id, lang) for b in bids]
        record["comparison"] = _comparison(bids, bid_records)
        record["bids"] = bid_records
        tenders.append(record)
    unattached = [_bid_record(bid_orders[i], None, lang) for i in bids_by_tender.pop(None, [])]
    failures = result.failures()
    return {
        "type": "check",
        "lang": lang,
        "notice": NOTICE[lang],
        "meta": {
            "tool": tender_meta["tool"],
            "version": tender_meta["version"],
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
            "tenders": len(result.tender_run.orders),
            "bids": len(bid_orders),
            "rejected": len(result.tender_run.rejected) + len(result.bid_run.rejected),
            "waived": result.waived(),
        },
        "tenders": tenders,
        "unattached_bids": unattached,
        "rejected": [rejection_record(r, lang) for r in (*result.tender_run.rejected, *result.bid_run.rejected)],
    }


# ---------------------------------------------------------------------------------------------------------
# The page (check.html)
# ---------------------------------------------------------------------------------------------------------

WORDS = {
    "fr": {
        "title": "Vérification d'une consultation avant attribution", "notice_title": "À lire avant tout",
        "colon": "\u00a0: ", "lq": "«\u00a0", "rq": "\u00a0»",
        "summary": "Synthèse", "file": "Classeur", "generated": "Généré le",
        "legal_failures": "obligations légales non respectées", "risk_failures": "risques juridiques relevés",
        "kpi_failures": "indicateurs non atteints (consultation et offres)",
        "tenders": "consultations", "bids": "offres comparées", "rejected": "lignes rejetées",
        "exit": "Statut de sortie {code} (seuil --fail-on {level}).",
        "tender": "Consultation", "facts": "Données de la consultation",
        "legal": "Obligations légales et risques juridiques",
        "legal_none": "Aucune obligation légale ni aucun risque du référentiel ne s'applique à cette consultation "
                      "avec les données fournies.",
        "indicators": "Indicateurs de la politique d'achat (consultation)",
        "missing": "Données manquantes de la consultation",
        "missing_hint": "Renseignez-les dans la feuille « Consultation » pour que ces règles puissent être évaluées.",
        "rule": "Règle", "status": "Statut", "message": "Constat", "advice": "Conseil", "basis": "Base",
        "field": "Donnée", "rules": "Règles concernées",
        "comparison": "Comparaison des offres", "no_bids": "Aucune offre rattachée à cette consultation.",
        "bid": "Offre", "supplier": "Candidat", "declared": "Valeurs déclarées",
        "chantiers": "Score par chantier (0-100)", "overall": "Score global des indicateurs",
        "completeness": "Complétude des données", "met": "Indicateurs atteints", "failed": "Indicateurs non atteints",
        "lacks": "Ce que l'offre ne renseigne pas", "none": "—", "not_given": "non renseigné",
        "no_bid_rules": "Aucun indicateur du référentiel ne s'applique à ces offres avant attribution : seules "
                        "les valeurs déclarées sont présentées.",
        "uncovered": "Chantiers sans indicateur applicable aux offres : {list}.",
        "not_declared_any": "Valeurs qu'aucune offre ne déclare : {list}.",
        "details": "Détail par offre", "blocking": "nécessaire à", "declared_by_others": "déclaré par d'autres offres",
        "all_good": "Rien ne manque et aucun indicateur n'est manqué.",
        "warnings": "Avertissements", "unattached": "Offres non rattachées à une consultation",
        "waived": "constats couverts par une dérogation",
        "rejected_rows": "Lignes rejetées", "where": "Origine", "column": "Colonne", "value": "Valeur",
        "reason": "Motif", "none_rejected": "Aucune ligne rejetée.", "row": "ligne",
        "tool": "Outil", "rulebook": "Référentiel", "inputs": "Feuilles lues", "rows": "lignes",
        "location_note": "La localisation des candidats (code postal, distance au lieu d'exécution) n'est pas "
                         "comparée.",
    },
    "en": {
        "title": "Checking a tender before award", "notice_title": "Read this first",
        "colon": ": ", "lq": "'", "rq": "'",
        "summary": "Summary", "file": "Workbook", "generated": "Generated on",
        "legal_failures": "legal obligations not met", "risk_failures": "legal risks found",
        "kpi_failures": "indicators not met (tender and bids)",
        "tenders": "tenders", "bids": "bids compared", "rejected": "rows rejected",
        "exit": "Exit status {code} (--fail-on {level}).",
        "tender": "Tender", "facts": "Tender data",
        "legal": "Legal obligations and legal risks",
        "legal_none": "No legal obligation or risk of the rulebook applies to this tender with the data given.",
        "indicators": "Purchasing-policy indicators (tender)",
        "missing": "Missing tender data",
        "missing_hint": "Fill them in on the 'Tender' sheet so that these rules can be evaluated.",
        "rule": "Rule", "status": "Status", "message": "Finding", "advice": "Advice", "basis": "Basis",
        "field": "Value", "rules": "Rules concerned",
        "comparison": "Bids side by side", "no_bids": "No bid attached to this tender.",
        "bid": "Bid", "supplier": "Bidder", "declared": "Declared values",
        "chantiers": "Score per chantier (0-100)", "overall": "Overall indicator score",
        "completeness": "Data completeness", "met": "Indicators met", "failed": "Indicators not met",
        "lacks": "What the bid does not give", "none": "—", "not_given": "not given",
        "no_bid_rules": "No pre-award indicator of the rulebook applies to these bids: only the declared values "
                        "are shown.",
        "uncovered": "Chantiers without an indicator for bids: {list}.",
        "not_declared_any": "Values no bid declares: {list}.",
        "details": "Bid by bid", "blocking": "needed by", "declared_by_others": "declared by other bids",
        "all_good": "Nothing is missing and every indicator is met.",
        "warnings": "Warnings", "unattached": "Bids not attached to a tender",
        "waived": "findings covered by a waiver",
        "rejected_rows": "Rejected rows", "where": "Source", "column": "Column", "value": "Value",
        "reason": "Reason", "none_rejected": "No row rejected.", "row": "row",
        "tool": "Tool", "rulebook": "Rulebook", "inputs": "Sheets read", "rows": "rows",
        "location_note": "The bidders' location (postcode, distance to the place of performance) is not compared.",
    },
}


def _choice_label(name: str, code: str, lang: str) -> str:
    from procurement.parse._labels import LABELS

    labels = LABELS.get(name, {}).get(code)
    if labels is None:
        return code
    return labels[1] if lang == "en" else labels[0]


def fmt_value(name: str, value: object, lang: str) -> str:
    """One declared value as the page shows it, per field kind and language."""
    if value is None:
        return "—"
    f = FIELDS_BY_NAME.get(name)
    kind = f.kind if f else None
    if isinstance(value, list | tuple):
        return ", ".join(fmt_value(name, v, lang) for v in value)
    if kind in (Kind.ENUM, Kind.ENUM_SET):
        return _choice_label(name, str(value), lang)
    if kind is Kind.MONEY:
        return i18n.fmt_money(float(value), lang)  # type: ignore[arg-type]
    if kind is Kind.PERCENT:
        return i18n.fmt_percent(float(value), lang, 0 if float(value).is_integer() else 1)  # type: ignore[arg-type]
    if kind is Kind.DATE:
        day = value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
        return i18n.fmt_date(day, lang)
    if isinstance(value, bool):
        return ("yes" if value else "no") if lang == "en" else ("oui" if value else "non")
    if isinstance(value, int | float):
        number = float(value)
        return i18n.fmt_number(number, lang, 0 if number.is_integer() else 1)
    return str(value)


def _score(value: float | None, lang: str) -> str:
    return "—" if value is None else i18n.fmt_number(value, lang, 0)


def _header(name: str, lang: str) -> str:
    return FIELDS_BY_NAME[name].header(lang) if name in FIELDS_BY_NAME else name


def _summary_view(s: dict[str, Any], lang: str) -> dict[str, Any]:
    refs = []
    for ref in s["legal_ref"]:
        text = ref["text"] + (f", art. {ref['article']}" if ref.get("article") else "")
        refs.append({"text": text, "url": ref.get("url")})
    return {**s, "status_label": i18n.label(s["status"], lang), "kind_label": i18n.label(s["kind"], lang),
            "missing_labels": [_header(m, lang) for m in s["missing"]], "refs": refs}


def _bid_view(b: dict[str, Any], lang: str) -> dict[str, Any]:
    lacks = [{"label": _header(m["field"], lang), "rules": m["rules"], "blocking": True} for m in b["missing"]]
    blocking = {m["field"] for m in b["missing"]}
    lacks += [{"label": _header(n, lang), "rules": [], "blocking": False} for n in b["not_declared"]
              if n not in blocking]
    scores = b["scores"]
    return {
        "id": b["id"],
        "supplier": b["supplier"] or "",
        "where": _where(b["source"], lang),
        "failed": [_summary_view(f, lang) for f in b["failed"]],
        "met": b["met"],
        "lacks": lacks,
        "warnings": b["warnings"],
        "overall": _score(scores["overall"], lang),
        "completeness": "—" if scores["completeness"] is None else i18n.fmt_percent(100 * scores["completeness"], lang),
    }


def _where(source: dict[str, Any], lang: str) -> str:
    parts = [str(source.get("sheet") or source.get("file"))]
    if source.get("row"):
        parts.append(f"{WORDS[lang]['row']} {source['row']}")
    return " · ".join(parts)


def view_model(data: dict[str, Any]) -> dict[str, Any]:
    """check.json's data, formatted for the page: every string the template prints is made here."""
    lang = data["lang"]
    t = WORDS[lang]
    tenders = []
    for tender in data["tenders"]:
        d = tender["data"]
        comparison = tender["comparison"]
        bids = [_bid_view(b, lang) for b in tender["bids"]]
        rows_values = [
            {"label": _header(v["field"], lang),
             "cells": [{"text": fmt_value(v["field"], x, lang), "missing": x is None} for x in v["values"]]}
            for v in comparison["values"]
        ]
        rows_chantiers = [
            {"label": f"{c['chantier']}. {i18n.chantier_name(c['chantier'], lang)}",
             "cells": [{"text": _score(x, lang), "missing": x is None,
                        "level": None if x is None else ("good" if x >= 80 else "mid" if x >= 50 else "low")}
                       for x in c["scores"]]}
            for c in comparison["chantiers"]
        ]
        tenders.append({
            "id": tender["id"],
            "object": d.get("object", ""),
            "where": _where(tender["source"], lang),
            "facts": [(_header(n, lang), fmt_value(n, d.get(n), lang)) for n in TENDER_FACTS],
            "legal": [_summary_view(s, lang) for s in tender["legal"]],
            "indicators": [_summary_view(s, lang) for s in tender["indicators"]],
            "missing": [{"label": _header(m["field"], lang), "rules": ", ".join(m["rules"])}
                        for m in tender["missing"]],
            "warnings": tender["warnings"],
            "bids": bids,
            "rows_values": rows_values,
            "rows_chantiers": rows_chantiers,
            "has_bid_rules": bool(comparison["chantiers"]),
            "uncovered": ", ".join(str(c) for c in comparison["chantiers_without_indicator"]),
            "not_declared_any": ", ".join(_header(n, lang) for n in comparison["not_declared_by_any"]),
        })
    verdict = data["verdict"]
    failures = verdict["failures"]
    return {
        "lang": lang,
        "t": t,
        "notice": data["notice"],
        "meta": data["meta"],
        "summary": [
            (failures["legal"], t["legal_failures"], "fail" if failures["legal"] else "pass"),
            (failures["risk"], t["risk_failures"], "fail" if failures["risk"] else "pass"),
            (failures["kpi"], t["kpi_failures"], "info"),
            (verdict["tenders"], t["tenders"], "info"),
            (verdict["bids"], t["bids"], "info"),
            (verdict["rejected"], t["rejected"], "fail" if verdict["rejected"] else "info"),
            *([(verdict["waived"], t["waived"], "waived")] if "waivers" in data["meta"] else []),
        ],
        "exit_line": t["exit"].format(code=verdict["exit_status"], level=verdict["fail_on"]),
        "tenders": tenders,
        "unattached": [_bid_view(b, lang) for b in data["unattached_bids"]],
        "rejected": [{**r, "where": _where(r["source"], lang)} for r in data["rejected"]],
    }


def render_html(data: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("procurement", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("check.html").render(**view_model(data))


def write_check(result: CheckResult, out_dir: Path, lang: str = "fr") -> tuple[Path, Path]:
    """Write DIR/check.json and DIR/check.html (atomically); returns their paths."""
    from procurement.write.safe import atomic_path

    data = check_data(result, lang)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, html_path = out_dir / "check.json", out_dir / "check.html"
    with atomic_path(json_path) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    with atomic_path(html_path) as tmp:
        tmp.write_text(render_html(data), encoding="utf-8")
    return json_path, html_path


def summary_line(result: CheckResult, out_dir: Path, lang: str) -> str:
    f = result.failures()
    tenders, bids = len(result.tender_run.orders), len(result.bid_run.orders)
    rejected = len(result.tender_run.rejected) + len(result.bid_run.rejected)
    if lang == "en":
        waived = f", {result.waived()} finding(s) waived" if result.waivers is not None else ""
        return (f"{tenders} tender(s), {bids} bid(s), {rejected} row(s) rejected: {f['legal']} legal obligation(s) "
                f"not met, {f['risk']} risk(s), {f['kpi']} indicator(s) not met{waived}. "
                f"Page: {out_dir / 'check.html'}")
    waived = f", {result.waived()} constat(s) couvert(s) par une dérogation" if result.waivers is not None else ""
    return (f"{tenders} consultation(s), {bids} offre(s), {rejected} ligne(s) rejetée(s) : {f['legal']} obligation(s) "
            f"légale(s) non respectée(s), {f['risk']} risque(s), {f['kpi']} indicateur(s) non atteint(s){waived}. "
            f"Page : {out_dir / 'check.html'}")
