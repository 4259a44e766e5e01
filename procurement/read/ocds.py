"""OCDS (Open Contracting Data Standard): release packages, record packages and JSON Lines.

Accepted inputs, told apart by their keys, not by the file name:
- a release package `{"releases": [...]}`, a record package `{"records": [...]}`, a single release or
  record, or a bare JSON list of them;
- JSON Lines (`.jsonl`, `.ndjson`, or any file holding one JSON value per line): each line a release, a
  record, or a package. A line that is not JSON or not OCDS is a rejected row; the others are read. The
  row of an order or a rejection is then the file's line (of its first release, for releases compiled
  from several lines), as a CSV's is; in a JSON document it is the item's rank.

What one order is (one row of the run, counted in `info.rows_read`):
- the releases of one `ocid` are first compiled into one compiled release (the OCDS merge routine:
  newest release wins field by field, arrays of objects with `id` merged by id, `null` removes a field);
  a record gives its `compiledRelease` (or, lacking it, its embedded releases compiled);
- then one order per `contracts[]` entry; plus one per `awards[]` entry that no contract refers to
  (awards marked unsuccessful or cancelled are skipped and counted in `info.notes`);
- a process with neither contract nor award is a consultation: one order per tender lot, or one for the
  tender when it has no lots. A process with nothing to evaluate is a rejected row.

Ids: the contract (award, lot) id when it already starts with the ocid (French DECP conversions), else
`<ocid>/<id>`; a consultation without lots is `<ocid>`.

Mapping (docs/ocds.md has the full table and the reasons):
- buyer: `buyer` (resolved in `parties`), else the party with role buyer, else `tender.procuringEntity`;
  a SIRET only when the identifier's scheme is FR-RCS / SIRET-like, or absent, with 14 digits;
- supplier: the contract's `suppliers` (contract suppliers extension), else its award's; the first is
  the supplier, the others are named in a warning; postcode read only when the country is France or
  not given (a Mexican 01210 is not Ferney-Voltaire); `details.scale` micro/sme/small/medium -> PME,
  large -> GE;
- amounts: `value.amount` in EUR only; another currency, or none, leaves the amount unknown with a
  warning (no conversion). Contract value, else award value; tender value for a consultation;
- dates: `tender.tenderPeriod.startDate` (else `tender.datePublished`) -> launch_date; contract
  `dateSigned`, else award `date` -> notification_date; the release `date` -> publication_date;
- procedure: `procurementMethodDetails` when it names a procedure we know; else `direct` and `limited`
  -> sans publicité; `open` and `selective` are left unknown with a warning (open may be an appel
  d'offres ouvert or an open MAPA, selective any of four procedures: a guess could pass a legal rule);
- sustainability extension (`tender` and the order's lot): `goal` environmental.* / social.* with
  `strategies` awardCriteria -> criterion, contractPerformanceConditions and technicalSpecifications ->
  clause, reservedParticipation -> reserved (social only); selectionCriteria, marginOfPreference, the
  GPP criteria sets and goals without strategy are not mapped and named in a warning;
  `hasSustainability: false` -> none for both; economic.innovativePurchase -> innovative;
- award criteria breakdown extension: price weight (type price) and environmental weight (criteria
  whose name or description speaks of the environment), from percentages, decimals or points;
  `tender.awardCriteria` priceOnly -> price weight 100 and environmental weight 0.

Like the DECP reader, values are handed on as the file gives them (numbers, ISO dates with time zone,
"38950000-9"); `procurement.parse` reads them. The few values computed here say so in their column:
durations in months from days, procedure from procurementMethod, considerations from the extension.

The reader is split by idea: `ocds_load` (file shapes), `ocds_merge` (compiled release), `ocds_orders`
(what one order is), `ocds_fields` and `ocds_sustainability` (the mapping), `ocds_release` (shared).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from procurement.carriage import OCDS
from procurement.model import Rejection, Source
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_common import looks_like_test
from procurement.read.decp_common import warning as decp_warning
from procurement.read.decp_json import _DETECT as _DECP_DETECT
from procurement.read.ocds_load import Item, collect, load
from procurement.read.ocds_merge import compile_releases as compile_releases
from procurement.read.ocds_orders import orders_of
from procurement.read.ocds_release import Release, list_of

_DETECT = re.compile(rb'"(?:releases|records)"\s*:\s*\[|"ocid"\s*:\s*"')
# Package metadata without releases or records (an empty package, as decp-rama's 002 fixture).
_DETECT_PACKAGE = re.compile(rb'"publishedDate"\s*:')


class OcdsReader:
    name = "ocds"

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if not text.startswith((b"{", b"[")):
            return False
        if _DETECT.search(text) is not None:
            return True
        # An empty package: publisher metadata and nothing else (never a DECP file).
        return (text.startswith(b"{") and _DECP_DETECT.search(text) is None
                and _DETECT_PACKAGE.search(text) is not None and b'"publisher"' in text)

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]:
        value, encoding, lines = load(path, options)
        notes = {"releases": 0, "records": 0, "compiled": 0, "awards_skipped": 0, "consultations": 0}
        items = collect(value, lines, str(path), notes)
        del value
        info.notes += [f"encoding:{encoding}", f"ocds_format:{'jsonl' if lines else 'json'}"]
        columns: dict[str, str] = {}
        contracts = 0
        name = options.file_label or path.name

        def source(item: Item, at: str) -> Source:  # called once info.rows_read counts the row
            return Source(file=name, path=at, row=item.line or info.rows_read)

        for item in items:
            if item.bad is not None:
                info.rows_read += 1
                where, code, fr, en, shown = item.bad
                yield Rejection(source=source(item, where), code=code,
                                column=where, value=shown, message_fr=fr, message_en=en)
                continue
            release, base, problem = self._compiled(item, notes)
            if release is None:
                info.rows_read += 1
                fr, en = problem
                yield Rejection(source=source(item, base), code="ocds_no_release",
                                column=base, message_fr=fr, message_en=en)
                continue
            rel = Release(release, base)
            units = orders_of(rel, columns, notes)
            if not units:
                info.rows_read += 1
                yield Rejection(
                    source=source(item, base), code="ocds_nothing_to_check",
                    column=base, value=rel.ocid,
                    message_fr="procédure sans marché, attribution ni consultation (tender) : rien à évaluer",
                    message_en="contracting process without contract, award or tender: nothing to check")
                continue
            for _, upath, unit in units:
                info.rows_read += 1
                contracts += 1
                here = source(item, rel.path(upath))
                obj = unit.cells.get("object")
                if obj is not None and looks_like_test(obj.value):
                    unit.warnings.append(decp_warning("test_record", field="object", column=obj.column,
                                                      value=obj.value, objet=obj.value))
                yield RawRecord(source=here, cells=unit.cells, warnings=unit.warnings, uncarried=OCDS)
            item.releases = []
            item.record = None
        info.notes += [f"{k}:{v}" for k, v in notes.items()] + [f"orders:{contracts}"]
        info.columns = dict(columns)

    @staticmethod
    def _compiled(item: Item, notes: dict[str, int]) -> tuple[dict | None, str, tuple[str, str]]:
        """(compiled release or None, base path, (fr, en) problem when None)."""
        if item.record is not None:
            rpath, record = item.record
            compiled = record.get("compiledRelease")
            if isinstance(compiled, dict):
                return compiled, f"{rpath}.compiledRelease", ("", "")
            embedded = [r for r in list_of(record.get("releases")) if isinstance(r, dict) and "ocid" in r]
            if embedded:
                notes["compiled"] += 1
                return compile_releases(embedded), f"{rpath}.releases", ("", "")
            return None, rpath, (
                "record sans « compiledRelease » et dont les releases ne sont que des liens : rien à lire",
                "record without 'compiledRelease' whose releases are only links: nothing to read")
        if len(item.releases) == 1:
            rpath, release = item.releases[0]
            return release, rpath, ("", "")
        notes["compiled"] += 1
        return compile_releases([r for _, r in item.releases]), f"releases[ocid={item.ocid}]", ("", "")
