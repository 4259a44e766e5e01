"""OCDS (Open Contracting Data Standard): release packages, record packages and JSON Lines.

Accepted inputs, told apart by their keys, not by the file name:
- a release package `{"releases": [...]}`, a record package `{"records": [...]}`, a single release or
  record, or a bare JSON list of them;
- JSON Lines (`.jsonl`, `.ndjson`, or any file holding one JSON value per line): each line a release, a
  record, or a package. A line that is not JSON or not OCDS is a rejected row; the others are read.

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
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from procurement.errors import InputError
from procurement.model import Rejection, Source, Warning_
from procurement.read.base import Cell, InputInfo, RawRecord, ReadOptions
from procurement.read.decp_common import Holder, check_size, co_contractors_warning, fold, is_blank, looks_like_test
from procurement.read.decp_common import warning as decp_warning
from procurement.read.decp_json import _DETECT as _DECP_DETECT
from procurement.read.decp_json import _decode, max_depth

MAX_DEPTH = 100  # OCDS releases nest about 8 levels; extensions add a few
_DETECT = re.compile(rb'"(?:releases|records)"\s*:\s*\[|"ocid"\s*:\s*"')
# Package metadata without releases or records (an empty package, as decp-rama's 002 fixture).
_DETECT_PACKAGE = re.compile(rb'"publishedDate"\s*:')
_PACKAGE_KEYS = {"publishedDate", "publisher", "uri", "version", "license", "publicationPolicy", "extensions"}
_DAYS_PER_MONTH = 365.25 / 12
_SKIPPED_AWARDS = {"unsuccessful", "cancelled"}
_SIRET_SCHEMES = {"frrcs", "frsiret", "siret", "frsirene", "sirene", "frinsee"}
_CPV_SCHEMES = {"cpv"}
_SCALES = {"micro": "PME", "sme": "PME", "small": "PME", "medium": "PME", "selfemployed": "PME", "large": "GE"}
_METHODS = {"direct": "sans publicité", "limited": "sans publicité"}
_STRATEGIES = {
    "awardcriteria": "criterion",
    "contractperformanceconditions": "clause",
    "technicalspecifications": "clause",
    "reservedparticipation": "reserved",
}
_ENV_CRITERION = re.compile(
    r"environ|[ée]colog|carbon|co2|[ée]mission|climat|d[ée]chet|waste|[ée]nerg|recycl|circula|biodivers|"
    r"pollution|cycle de vie|life.?cycle|bas carbone|low.?carbon|green",
    re.IGNORECASE,
)
_PROCEDURE_LABELS: frozenset[str] | None = None


# --- loading ----------------------------------------------------------------------------------------


def _json_error(exc: json.JSONDecodeError, where: str, line: int | None = None) -> InputError:
    lineno = exc.lineno if line is None else line
    return InputError(
        f"JSON illisible ligne {lineno}, colonne {exc.colno} ({exc.msg}) : fichier tronqué ou mal formé ?",
        f"unreadable JSON at line {lineno}, column {exc.colno} ({exc.msg}): truncated or malformed file?",
        where=where)


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=lambda c: None if c == "NaN" else float(c))


def _load(path: Path, options: ReadOptions) -> tuple[list[tuple[str, Any]] | Any, str, bool]:
    """(value, encoding, is_json_lines). For JSON Lines the value is [(line label, value or error)]."""
    where = str(path)
    check_size(path, options.max_bytes)
    data = path.read_bytes()
    text, encoding = _decode(data)
    depth = max_depth(data if encoding != "utf-16" else text.encode("utf-8"))
    del data
    if depth > MAX_DEPTH:
        raise InputError(
            f"JSON imbriqué sur {depth} niveaux (limite {MAX_DEPTH}) : ce n'est pas un fichier OCDS",
            f"JSON nested {depth} levels deep (limit {MAX_DEPTH}): this is not an OCDS file", where=where)
    stripped = text.lstrip()
    decoder = json.JSONDecoder(parse_constant=lambda c: None if c == "NaN" else float(c))
    try:
        value, end = decoder.raw_decode(stripped)
    except json.JSONDecodeError as exc:
        first_line = stripped.split("\n", 1)[0]
        if "\n" in stripped.strip() and first_line.strip().startswith("{"):
            # JSON Lines whose first line is broken: say so with the line's own number.
            try:
                _loads(first_line)
            except json.JSONDecodeError as exc2:
                raise _json_error(exc2, where, 1) from None
        raise _json_error(exc, where) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise InputError("JSON trop imbriqué", "JSON nested too deeply", where=where) from None
    if not stripped[end:].strip():
        return value, encoding, False
    # More JSON after the first value: JSON Lines (one value per line; blank lines ignored).
    del value
    first = stripped.split("\n", 1)[0]
    try:
        _loads(first)
    except json.JSONDecodeError:
        # Not one value per line: a JSON document followed by something else (concatenated or damaged).
        leading = text[: len(text) - len(stripped)].count("\n")
        line = leading + stripped[:end].count("\n") + 1
        raise InputError(
            f"données en trop après le JSON, ligne {line} : fichier concaténé ou abîmé ?",
            f"extra data after the JSON value, line {line}: concatenated or damaged file?", where=where) from None
    lines: list[tuple[str, Any]] = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            lines.append((f"line {n}", _loads(line)))
        except json.JSONDecodeError as exc:
            lines.append((f"line {n}", exc))
    return lines, encoding, True


# --- shapes -----------------------------------------------------------------------------------------


def _kind(value: Any) -> str | None:
    """'release', 'record', 'release_package', 'record_package' or None."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("records"), list):
        return "record_package"
    if "ocid" in value:
        return "record" if "releases" in value or "compiledRelease" in value else "release"
    if isinstance(value.get("releases"), list):
        return "release_package"
    return None


def _not_ocds(value: Any, where: str) -> InputError:
    if isinstance(value, dict):
        keys = ", ".join(list(map(str, value))[:5]) or "aucune"
        found_fr, found_en = f"un objet de clés {keys}", f"an object with keys {keys}"
    else:
        found_fr = found_en = type(value).__name__
    return InputError(
        "ce JSON n'est pas un fichier OCDS : attendu un paquet de releases (« releases »), un paquet de "
        "records (« records »), une release ou un record (« ocid »), ou des lignes JSON de ceux-ci ; "
        f"trouvé {found_fr}",
        "this JSON is not an OCDS file: expected a release package ('releases'), a record package "
        f"('records'), a release or a record ('ocid'), or JSON Lines of these; found {found_en}", where=where)


class _Item:
    """One thing to turn into orders: a group of releases of one ocid, a record, or a bad entry."""

    __slots__ = ("bad", "label", "ocid", "paths", "record", "releases")

    def __init__(self, ocid: str | None, label: str):
        self.ocid = ocid
        self.label = label
        self.releases: list[tuple[str, dict]] = []  # (path, release)
        self.record: tuple[str, dict] | None = None
        self.bad: tuple[str, str, str, str, str | None] | None = None  # (path, code, fr, en, value)


def _bad(path: str, code: str, fr: str, en: str, value: Any = None) -> _Item:
    item = _Item(None, path)
    item.bad = (path, code, fr, en, None if value is None else str(value)[:80])
    return item


def _collect(value: Any, lines: bool, where: str, notes: dict[str, int]) -> list[_Item]:
    """Every release grouped by ocid (in order of first appearance), records and bad entries, in file order."""
    items: list[_Item] = []
    groups: dict[str, _Item] = {}

    def add_release(release: Any, path: str) -> None:
        notes["releases"] += 1
        if not isinstance(release, dict):
            if isinstance(release, str):  # a linked release (URL) outside a record: nothing to read
                items.append(_bad(path, "ocds_linked_release",
                                  "release publiée par lien (URL) seulement : son contenu n'est pas dans le fichier",
                                  "release given as a link (URL) only: its content is not in the file", release))
            else:
                items.append(_bad(path, "not_a_release", "élément qui n'est pas une release OCDS",
                                  "item that is not an OCDS release", release))
            return
        ocid = release.get("ocid")
        if is_blank(ocid) or not isinstance(ocid, str | int):
            items.append(_bad(path, "ocds_no_ocid",
                              "release sans « ocid » : impossible de la rattacher à une procédure",
                              "release without 'ocid': it cannot be tied to a contracting process"))
            return
        key = str(ocid).strip()
        group = groups.get(key)
        if group is None:
            group = groups[key] = _Item(key, path)
            items.append(group)
        group.releases.append((path, release))

    def add_record(record: Any, path: str) -> None:
        notes["records"] += 1
        ocid = record.get("ocid") if isinstance(record, dict) else None
        if not isinstance(record, dict) or is_blank(ocid):
            items.append(_bad(path, "not_a_record", "élément qui n'est pas un record OCDS (« ocid » manquant)",
                              "item that is not an OCDS record ('ocid' missing)"))
            return
        item = _Item(str(ocid).strip(), path)
        item.record = (path, record)
        items.append(item)

    def add(value: Any, path: str, top: bool) -> bool:
        kind = _kind(value)
        prefix = f"{path}." if path else ""
        if kind == "release_package":
            for i, r in enumerate(value["releases"]):
                add_release(r, f"{prefix}releases[{i}]")
        elif kind == "record_package":
            for i, r in enumerate(value["records"]):
                add_record(r, f"{prefix}records[{i}]")
        elif kind == "release":
            add_release(value, path or "release")
        elif kind == "record":
            add_record(value, path or "record")
        elif isinstance(value, list) and top and not lines:
            if value and not any(_kind(v) for v in value[:50]):
                return False
            for i, v in enumerate(value):
                if _kind(v) in ("release", "record"):
                    add(v, f"[{i}]", False)
                else:
                    items.append(_bad(f"[{i}]", "not_a_release", "élément qui n'est pas une release ni un record OCDS",
                                      "item that is neither an OCDS release nor a record", v))
        else:
            return False
        return True

    if not lines:
        if isinstance(value, dict) and "publisher" in value and set(value) <= _PACKAGE_KEYS | {"$schema", "_id"}:
            raise InputError("paquet OCDS sans « releases » ni « records » : rien à lire",
                             "OCDS package without 'releases' or 'records': nothing to read", where=where)
        if not add(value, "", True):
            raise _not_ocds(value, where)
        return items
    recognised = 0
    for label, v in value:
        if isinstance(v, json.JSONDecodeError):
            items.append(_bad(label, "bad_json_line",
                              f"ligne JSON illisible, colonne {v.colno} ({v.msg})",
                              f"unreadable JSON line, column {v.colno} ({v.msg})"))
        elif add(v, label, False):
            recognised += 1
        else:
            items.append(_bad(label, "not_ocds_line",
                              "ligne qui n'est ni une release, ni un record, ni un paquet OCDS",
                              "line that is neither an OCDS release, record nor package", v))
    if not recognised:
        raise _not_ocds(value[0][1] if value and not isinstance(value[0][1], Exception) else None, where)
    return items


# --- the OCDS merge routine (compiled release) -----------------------------------------------------


def _merge(target: dict, src: dict) -> dict:
    """Merge `src` into a copy-on-write `target`, per the OCDS merge routine (no versioned history)."""
    for key, value in src.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = _merge(dict(current) if isinstance(current, dict) else {}, value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            current = target.get(key)
            merged: list[dict] = list(current) if isinstance(current, list) else []
            index = {str(v.get("id")): i for i, v in enumerate(merged) if isinstance(v, dict)}
            for v in value:
                i = index.get(str(v["id"]))
                if i is None:
                    index[str(v["id"])] = len(merged)
                    merged.append(_merge({}, v))
                else:
                    merged[i] = _merge(dict(merged[i]), v)
            target[key] = merged
        else:
            target[key] = value
    return target


def _moment(value: Any) -> tuple[int, str]:
    """A sort key for release dates: UTC instant when readable (offsets differ), else the text."""
    if isinstance(value, str) and value.strip():
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return (1, value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=dt.UTC)
        return (1, moment.astimezone(dt.UTC).isoformat())
    return (0, "")


def compile_releases(releases: list[dict]) -> dict:
    """The compiled release of one ocid: releases applied oldest first (by `date`, then file order)."""
    ordered = sorted(releases, key=lambda r: _moment(r.get("date")))
    compiled: dict = {}
    for r in ordered:
        compiled = _merge(compiled, {k: v for k, v in r.items() if k not in ("id", "tag")})
    compiled["tag"] = ["compiled"]
    return compiled


# --- small accessors --------------------------------------------------------------------------------


def _d(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _l(value: Any) -> list:
    return value if isinstance(value, list) else []


def _text(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _show_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _procedure_known(text: str) -> bool:
    from procurement.parse import ParseError, parse_choice

    try:
        return parse_choice("procedure", text) is not None
    except ParseError:
        return False


def _siret(org: dict) -> tuple[str, Any] | None:
    """(relative path, id) of the first SIRET-like identifier of an organisation."""
    candidates = [("identifier", org.get("identifier"))]
    candidates += [(f"additionalIdentifiers[{i}]", x) for i, x in enumerate(_l(org.get("additionalIdentifiers")))]
    for rel, ident in candidates:
        ident = _d(ident)
        value = ident.get("id")
        if is_blank(value) or not isinstance(value, str | int):
            continue
        digits = re.sub(r"\s+", "", str(value))
        scheme = ident.get("scheme")
        if re.fullmatch(r"\d{14}", digits) and (is_blank(scheme) or fold(scheme) in _SIRET_SCHEMES):
            return f"{rel}.id", value
    return None


def _country(address: dict) -> tuple[str, Any] | None:
    for key in ("country", "countryName"):
        if not is_blank(address.get(key)):
            return key, address[key]
    return None


def _is_france(value: Any) -> bool:
    from procurement.reference import countries

    return countries.country_code(str(value)) == "FR"


def _warn(code: str, fr: str, en: str, *, field: str | None = None, column: str | None = None,
          value: Any = None) -> Warning_:
    return Warning_(code=code, field=field, column=column, value=None if value is None else str(value)[:200],
                    message_fr=fr, message_en=en)


# --- one compiled release -> orders ------------------------------------------------------------------


class _Release:
    """A compiled release with its path, and the lookups every order of it shares."""

    def __init__(self, release: dict, base: str):
        self.r = release
        self.base = base
        self.ocid = _show_id(release.get("ocid"))
        self.tender = _d(release.get("tender"))
        self.parties: dict[str, tuple[int, dict]] = {}
        for i, p in enumerate(_l(release.get("parties"))):
            if isinstance(p, dict) and not is_blank(p.get("id")):
                self.parties.setdefault(_show_id(p["id"]), (i, p))
        self.awards: dict[str, tuple[int, dict]] = {}
        for i, a in enumerate(_l(release.get("awards"))):
            if isinstance(a, dict) and not is_blank(a.get("id")):
                self.awards.setdefault(_show_id(a["id"]), (i, a))
        self.lots: dict[str, tuple[int, dict]] = {}
        for i, lot in enumerate(_l(self.tender.get("lots"))):
            if isinstance(lot, dict) and not is_blank(lot.get("id")):
                self.lots.setdefault(_show_id(lot["id"]), (i, lot))

    def path(self, rel: str) -> str:
        return f"{self.base}.{rel}" if self.base else rel

    def org(self, ref: Any, rel: str) -> tuple[dict, str]:
        """An organisation reference resolved in `parties` (OCDS 1.1), else the inline object (1.0)."""
        ref = _d(ref)
        if not is_blank(ref.get("id")):
            found = self.parties.get(_show_id(ref["id"]))
            if found is not None:
                i, party = found
                merged = {**ref, **{k: v for k, v in party.items() if not is_blank(v)}}
                return merged, f"parties[{i}]"
        return ref, rel

    def buyer(self) -> tuple[dict, str] | None:
        if isinstance(self.r.get("buyer"), dict):
            return self.org(self.r["buyer"], "buyer")
        for i, p in enumerate(_l(self.r.get("parties"))):
            if isinstance(p, dict) and "buyer" in _l(p.get("roles")):
                return p, f"parties[{i}]"
        if isinstance(self.tender.get("procuringEntity"), dict):
            return self.org(self.tender["procuringEntity"], "tender.procuringEntity")
        return None


class _Unit:
    """One order being built: cells and warnings, with paths relative to the release."""

    def __init__(self, rel: _Release, columns: dict[str, str]):
        self.rel = rel
        self.cells: dict[str, Cell] = {}
        self.warnings: list[Warning_] = []
        self._columns = columns

    def put(self, field: str, rel_path: str, value: Any, *, note: str = "") -> bool:
        if is_blank(value) or field in self.cells:
            return False
        self.cells[field] = Cell(self.rel.path(rel_path) + note, value)
        self._columns.setdefault(re.sub(r"\[[^\]]*\]", "", rel_path), field)
        return True

    def warn(self, code: str, fr: str, en: str, *, field: str | None = None, rel_path: str | None = None,
             value: Any = None) -> None:
        column = self.rel.path(rel_path) if rel_path else None
        self.warnings.append(_warn(code, fr, en, field=field, column=column, value=value))


def _amount(unit: _Unit, value: Any, rel_path: str) -> bool:
    """Put value.amount when in EUR; warn otherwise. True when the value object held an amount."""
    value = _d(value)
    amount = value.get("amount")
    if is_blank(amount):
        return False
    currency = value.get("currency")
    if isinstance(currency, str) and currency.strip().upper() == "EUR":
        unit.put("amount", f"{rel_path}.amount", amount)
    elif is_blank(currency):
        unit.warn("currency_missing", "montant sans devise (value.currency) : ignoré, le montant reste inconnu",
                  "amount without a currency (value.currency): ignored, the amount stays unknown",
                  field="amount", rel_path=f"{rel_path}.amount", value=amount)
    else:
        unit.warn("foreign_currency",
                  f"montant en {currency} : non converti, le montant reste inconnu (seuils et règles en euros HT)",
                  f"amount in {currency}: not converted, the amount stays unknown (thresholds and rules are in "
                  "euros excl. VAT)", field="amount", rel_path=f"{rel_path}.amount", value=f"{amount} {currency}")
    return True


def _duration(unit: _Unit, period: Any, rel_path: str) -> None:
    period = _d(period)
    days = period.get("durationInDays")
    if isinstance(days, int | float) and not isinstance(days, bool) and math.isfinite(days) and days >= 0:
        months = max(1, round(days / _DAYS_PER_MONTH)) if days > 0 else 0
        unit.put("duration_months", f"{rel_path}.durationInDays", months, note=f" ({_show_id(days)} j / 30,44)")
        return
    start, end = _date_part(period.get("startDate")), _date_part(period.get("endDate"))
    if start and end:
        try:
            days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days + 1
        except ValueError:
            return
        if days > 0:
            unit.put("duration_months", f"{rel_path}.startDate-endDate", max(1, round(days / _DAYS_PER_MONTH)),
                     note=f" ({days} j / 30,44)")


def _date_part(value: Any) -> str | None:
    return value[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None


def _cpv(unit: _Unit, sources: list[tuple[Any, str]]) -> None:
    """The first CPV classification of the items of the contract, award, then tender; else tender.classification."""
    for items, rel in sources:
        for i, item in enumerate(_l(items)):
            item = _d(item)
            cls = [("classification", item.get("classification"))]
            extra = _l(item.get("additionalClassifications"))
            cls += [(f"additionalClassifications[{j}]", c) for j, c in enumerate(extra)]
            for crel, c in cls:
                c = _d(c)
                if isinstance(c.get("scheme"), str) and fold(c["scheme"]) in _CPV_SCHEMES and not is_blank(c.get("id")):
                    unit.put("cpv", f"{rel}[{i}].{crel}.id", c["id"])
                    return
    c = _d(unit.rel.tender.get("classification"))
    if isinstance(c.get("scheme"), str) and fold(c["scheme"]) in _CPV_SCHEMES and not is_blank(c.get("id")):
        unit.put("cpv", "tender.classification.id", c["id"])


def _organisation_holder(org: dict, rel: str) -> Holder:
    ident = _d(org.get("identifier"))
    name = org.get("name") if not is_blank(org.get("name")) else ident.get("legalName")
    return Holder(ident.get("id"), ident.get("scheme"), name, f"{rel}.identifier.id", f"{rel}.identifier.scheme",
                  f"{rel}.name")


def _supplier(unit: _Unit, refs: list, refs_rel: str) -> None:
    orgs = [unit.rel.org(ref, f"{refs_rel}[{i}]") for i, ref in enumerate(refs) if isinstance(ref, dict)]
    if not orgs:
        return
    org, rel = orgs[0]
    name = org.get("name") if not is_blank(org.get("name")) else _d(org.get("identifier")).get("legalName")
    unit.put("supplier_name", f"{rel}.name" if not is_blank(org.get("name")) else f"{rel}.identifier.legalName", name)
    siret = _siret(org)
    if siret:
        unit.put("supplier_siret", f"{rel}.{siret[0]}", siret[1])
    address = _d(org.get("address"))
    country = _country(address)
    if country:
        unit.put("supplier_country", f"{rel}.address.{country[0]}", country[1])
    postcode = address.get("postalCode")
    if not is_blank(postcode):
        if country is None or _is_france(country[1]):
            unit.put("supplier_postcode", f"{rel}.address.postalCode", postcode)
        else:
            unit.warn("postcode_foreign",
                      f"code postal « {postcode} » d'un fournisseur situé hors de France ({country[1]}) : "
                      "non lu comme un code postal français",
                      f"postcode '{postcode}' of a supplier outside France ({country[1]}): not read as a French "
                      "postcode", field="supplier_postcode", rel_path=f"{rel}.address.postalCode", value=postcode)
    scale = _d(org.get("details")).get("scale")
    if not is_blank(scale):
        label = _SCALES.get(fold(scale))
        if label:
            unit.put("supplier_size", f"{rel}.details.scale", label, note=f" ({scale})")
        else:
            unit.warn("scale_unknown", f"taille d'entreprise « {scale} » inconnue (details.scale) : ignorée",
                      f"unknown company size '{scale}' (details.scale): ignored", field="supplier_size",
                      rel_path=f"{rel}.details.scale", value=scale)
    if len(orgs) > 1:
        holders = [_organisation_holder(o, r) for o, r in orgs]
        unit.warnings.append(co_contractors_warning(holders, unit.rel.path(holders[1].id_column)))


def _related_lots(rel: _Release, award: dict | None, award_rel: str | None) -> list[tuple[str, dict]]:
    """The lots an award is for (relatedLots, else its items' relatedLot), or the tender's only lot."""
    ids: list[str] = []
    if award is not None:
        ids = [_show_id(x) for x in _l(award.get("relatedLots")) if not is_blank(x)]
        if not ids:
            ids = [_show_id(_d(i).get("relatedLot")) for i in _l(award.get("items")) if
                   not is_blank(_d(i).get("relatedLot"))]
    if not ids and len(rel.lots) == 1:
        ids = list(rel.lots)
    out = []
    for lot_id in dict.fromkeys(ids):
        found = rel.lots.get(lot_id)
        if found is not None:
            out.append((f"tender.lots[{found[0]}]", found[1]))
    return out


def _sustainability(unit: _Unit, holders: list[tuple[str, dict]], env_criterion: str | None = None) -> None:
    """env/social considerations and innovative from the sustainability extension of the tender and lots.

    `env_criterion` is the path of a weighted award criterion about the environment (breakdown extension).
    """
    env: dict[str, str] = {"criterion": env_criterion} if env_criterion else {}
    social: dict[str, str] = {}
    unmapped: list[str] = []
    declared_none = []
    innovative = None
    for rel, holder in holders:
        entries = _l(holder.get("sustainability"))
        if holder.get("hasSustainability") is False and not entries:
            declared_none.append(f"{rel}.hasSustainability")
        for i, entry in enumerate(entries):
            entry = _d(entry)
            path = f"{rel}.sustainability[{i}]"
            goal = entry.get("goal") if isinstance(entry.get("goal"), str) else ""
            family = goal.split(".", 1)[0].strip().lower()
            strategies = [s for s in _l(entry.get("strategies")) if isinstance(s, str)]
            if goal.strip() == "economic.innovativePurchase" and innovative is None:
                innovative = f"{path}.goal"
            target = env if family == "environmental" else social if family == "social" else None
            if target is None:
                if strategies and family != "economic":
                    unmapped.append(f"{goal or '(sans objectif)'}: {', '.join(strategies)}")
                continue
            if not strategies:
                unmapped.append(f"{goal}: —")
            for s in strategies:
                code = _STRATEGIES.get(fold(s))
                if code is None or (code == "reserved" and target is env):
                    unmapped.append(f"{goal}: {s}")
                    continue
                target.setdefault(code, f"{path}.strategies")
    for field, found in (("env_considerations", env), ("social_considerations", social)):
        if found:
            first = next(iter(found.values()))
            unit.put(field, first, sorted(found), note=" (sustainability)")
    if declared_none and not env and not social and not unmapped:
        unit.put("env_considerations", declared_none[0], ["none"], note=" = false")
        unit.put("social_considerations", declared_none[0], ["none"], note=" = false")
    if innovative:
        unit.put("innovative", innovative, True, note=" = economic.innovativePurchase")
    if unmapped:
        shown = "; ".join(dict.fromkeys(unmapped))
        unit.warn("sustainability_unmapped",
                  f"extension sustainability : objectif ou stratégie sans équivalent dans les considérations DECP "
                  f"(clause, critère, marché réservé), non retenu : {shown}",
                  f"sustainability extension: goal or strategy with no equivalent among the DECP considerations "
                  f"(clause, criterion, reserved contract), not used: {shown}",
                  field="env_considerations", rel_path=holders[0][0] + ".sustainability" if holders else None,
                  value=shown)


def _criteria_weights(unit: _Unit, holders: list[tuple[str, dict]]) -> str | None:
    """price_weight and env_weight from the award criteria breakdown extension.

    Returns the path of the environmental criterion when one has a weight above 0, else None.
    """
    for rel, holder in reversed(holders):  # the lot's own criteria win over the tender's
        ac = holder.get("awardCriteria")
        if not isinstance(ac, dict):
            continue
        criteria = [(i, c) for i, c in enumerate(_l(ac.get("criteria"))) if isinstance(c, dict)]
        if not criteria:
            continue
        weights: list[tuple[int, dict, float | None, str | None]] = []
        for i, c in criteria:
            w, unit_kind = None, None
            for n in _l(c.get("numbers")):
                n = _d(n)
                code = n.get("weight")
                number = n.get("number")
                if isinstance(code, str) and isinstance(number, int | float) and not isinstance(number, bool):
                    family = re.match(r"percentage|decimal|points", code)
                    if family:
                        w, unit_kind = float(number), family.group(0)
                        break
            weights.append((i, c, w, unit_kind))
        kinds = {k for _, _, w, k in weights if w is not None}
        if len(kinds) != 1:
            continue
        kind = kinds.pop()
        complete = all(w is not None for _, _, w, _ in weights)
        if kind == "points":
            if not complete:
                continue
            total = sum(w for _, _, w, _ in weights if w is not None)
            if total <= 0:
                continue
            scale = 100.0 / total
        else:
            scale = 100.0 if kind == "decimal" else 1.0
        base = f"{rel}.awardCriteria.criteria"
        price = [(i, w) for i, c, w, _ in weights if w is not None and fold(c.get("type") or "") == "price"]
        if price:
            unit.put("price_weight", f"{base}[{price[0][0]}].numbers", round(sum(w for _, w in price) * scale, 4),
                     note=" (type price)")
        env = [(i, w) for i, c, w, _ in weights
               if w is not None and _ENV_CRITERION.search(f"{c.get('name') or ''} {c.get('description') or ''}")]
        env_path = None
        if env:
            weight = round(sum(w for _, w in env) * scale, 4)
            unit.put("env_weight", f"{base}[{env[0][0]}].numbers", weight, note=" (critère environnemental)")
            env_path = f"{base}[{env[0][0]}]" if weight > 0 else None
        elif complete:
            unit.put("env_weight", base, 0, note=" (aucun critère environnemental)")
        text = "; ".join(
            str(c.get("name") or c.get("type") or "?") + ("" if w is None else f" {_show_id(round(w * scale, 2))} %")
            for _, c, w, _ in weights)
        unit.put("award_criteria", base, text)
        return env_path
    basis = holders[0][1].get("awardCriteria") if holders else None
    if isinstance(basis, str):
        if basis == "priceOnly":
            unit.put("price_weight", "tender.awardCriteria", 100, note=" = priceOnly")
            unit.put("env_weight", "tender.awardCriteria", 0, note=" = priceOnly")
        elif basis == "qualityOnly":
            unit.put("price_weight", "tender.awardCriteria", 0, note=" = qualityOnly")
    return None


def _procedure(unit: _Unit, tender: dict) -> None:
    details = tender.get("procurementMethodDetails")
    if isinstance(details, str) and details.strip() and _procedure_known(details):
        unit.put("procedure", "tender.procurementMethodDetails", details)
        return
    method = tender.get("procurementMethod")
    if not isinstance(method, str) or not method.strip():
        return
    label = _METHODS.get(method.strip())
    if label:
        unit.put("procedure", "tender.procurementMethod", label, note=f" ({method})")
    elif method.strip() in ("open", "selective"):
        shown = method + (f" / {details.strip()[:80]}" if isinstance(details, str) and details.strip() else "")
        unit.warn("procedure_ambiguous",
                  f"procédure OCDS « {shown} » : ne dit pas laquelle des procédures françaises (appel d'offres, "
                  "procédure adaptée, négociée...) a été suivie ; procédure laissée inconnue",
                  f"OCDS procedure '{shown}' does not say which French procedure (open tender, adapted procedure, "
                  "negotiated...) was followed; procedure left unknown",
                  field="procedure", rel_path="tender.procurementMethod", value=shown)


def _offers(unit: _Unit, lots: list[tuple[str, dict]]) -> None:
    tender = unit.rel.tender
    lot_ids = {_show_id(lot.get("id")) for _, lot in lots}
    for i, stat in enumerate(_l(_d(unit.rel.r.get("bids")).get("statistics"))):
        stat = _d(stat)
        if stat.get("measure") != "bids" or is_blank(stat.get("value")):
            continue
        related = stat.get("relatedLot")
        if (lot_ids and not is_blank(related) and _show_id(related) in lot_ids) or (
                is_blank(related) and len(unit.rel.lots) <= 1):
            unit.put("offers_received", f"bids.statistics[{i}].value", stat["value"])
            return
    if len(unit.rel.lots) <= 1:  # with several lots, the tender's count is not the lot's
        unit.put("offers_received", "tender.numberOfTenderers", tender.get("numberOfTenderers"))


def _object(unit: _Unit, lots: list[tuple[str, dict]], candidates: list[tuple[str, Any]]) -> None:
    tender = unit.rel.tender
    title = _text(tender.get("title"))
    if len(lots) == 1 and _text(lots[0][1].get("title")):
        lot_rel, lot = lots[0]
        if title and lot["title"].strip() not in title:
            unit.put("object", f"tender.title + {lot_rel}.title", f"{title.strip()} — {lot['title'].strip()}")
        else:
            unit.put("object", f"{lot_rel}.title", lot["title"])
        return
    for rel_path, value in [("tender.title", title), *candidates]:
        if _text(value):
            unit.put("object", rel_path, value)
            return


def _common(unit: _Unit, lots: list[tuple[str, dict]]) -> None:
    rel, tender = unit.rel, unit.rel.tender
    found = rel.buyer()
    if found is not None:
        org, org_rel = found
        name_key = "name" if not is_blank(org.get("name")) else None
        if name_key:
            unit.put("buyer_name", f"{org_rel}.name", org["name"])
        else:
            unit.put("buyer_name", f"{org_rel}.identifier.legalName", _d(org.get("identifier")).get("legalName"))
        siret = _siret(org)
        if siret:
            unit.put("buyer_siret", f"{org_rel}.{siret[0]}", siret[1])
    period = _d(tender.get("tenderPeriod"))
    unit.put("launch_date", "tender.tenderPeriod.startDate", period.get("startDate"))
    unit.put("launch_date", "tender.datePublished", tender.get("datePublished"))
    unit.put("publication_date", "date", rel.r.get("date"))
    _procedure(unit, tender)
    holders = [("tender", tender), *lots]
    env_criterion = _criteria_weights(unit, holders)
    _sustainability(unit, holders, env_criterion)
    unit.put("award_criteria", "tender.awardCriteriaDetails", tender.get("awardCriteriaDetails"))
    if rel.lots:
        unit.put("lots", "tender.lots", len(rel.lots), note=" (nombre)")
    _offers(unit, lots)
    techniques = _d(tender.get("techniques"))
    if techniques.get("hasFrameworkAgreement") is True:
        unit.put("nature", "tender.techniques.hasFrameworkAgreement", "Accord-cadre", note=" = true")


def _lot_items(rel: _Release, lots: list[tuple[str, dict]]) -> list:
    """tender.items, those of other lots blanked (indices stay the file's): items without relatedLot stay."""
    items = _l(rel.tender.get("items"))
    if not lots:
        return items
    ids = {_show_id(lot.get("id")) for _, lot in lots}
    return [it if is_blank(_d(it).get("relatedLot")) or _show_id(_d(it)["relatedLot"]) in ids else None
            for it in items]


def _units(rel: _Release, columns: dict[str, str], notes: dict[str, int]) -> list[tuple[str, str, _Unit]]:
    """(order id, path, unit) for each contract, award without contract, or consultation (lot)."""
    out: list[tuple[str, str, _Unit]] = []
    tender = rel.tender

    def make_id(raw: Any) -> str:
        shown = _show_id(raw)
        return shown if shown.startswith(rel.ocid) else f"{rel.ocid}/{shown}"

    used_awards: set[str] = set()
    for i, contract in enumerate(_l(rel.r.get("contracts"))):
        if not isinstance(contract, dict):
            continue
        crel = f"contracts[{i}]"
        award_id = contract.get("awardID", contract.get("awardId"))
        award, arel = None, None
        if not is_blank(award_id) and _show_id(award_id) in rel.awards:
            j, award = rel.awards[_show_id(award_id)]
            arel = f"awards[{j}]"
            used_awards.add(_show_id(award_id))
        unit = _Unit(rel, columns)
        cid = contract.get("id")
        oid = make_id(cid) if not is_blank(cid) else make_id(f"contract-{i + 1}")
        unit.put("id", f"{crel}.id" if not is_blank(cid) else crel, oid)
        lots = _related_lots(rel, award, arel)
        _object(unit, lots, [(f"{arel}.title", _d(award).get("title")), (f"{crel}.title", contract.get("title")),
                             ("tender.description", tender.get("description")),
                             (f"{arel}.description", _d(award).get("description")),
                             (f"{crel}.description", contract.get("description"))])
        _common(unit, lots)
        unit.put("nature", crel, "Marché", note=" (contracts[])")
        unit.put("notification_date", f"{crel}.dateSigned", contract.get("dateSigned"))
        if award is not None:
            unit.put("notification_date", f"{arel}.date", award.get("date"))
        if not _amount(unit, contract.get("value"), f"{crel}.value") and award is not None:
            _amount(unit, award.get("value"), f"{arel}.value")
        _duration(unit, contract.get("period"), f"{crel}.period")
        if award is not None:
            _duration(unit, award.get("contractPeriod"), f"{arel}.contractPeriod")
        suppliers = _l(contract.get("suppliers"))
        if suppliers:
            _supplier(unit, suppliers, f"{crel}.suppliers")
        elif award is not None:
            _supplier(unit, _l(award.get("suppliers")), f"{arel}.suppliers")
        _cpv(unit, [(contract.get("items"), f"{crel}.items"), (_d(award).get("items"), f"{arel}.items"),
                    (_lot_items(rel, lots), "tender.items")])
        _place(unit, [(contract.get("items"), f"{crel}.items"), (_d(award).get("items"), f"{arel}.items"),
                      (_lot_items(rel, lots), "tender.items")])
        out.append((oid, crel, unit))
    for key, (j, award) in rel.awards.items():
        if key in used_awards:
            continue
        if isinstance(award.get("status"), str) and award["status"] in _SKIPPED_AWARDS:
            notes["awards_skipped"] += 1
            continue
        arel = f"awards[{j}]"
        unit = _Unit(rel, columns)
        oid = make_id(award["id"])
        unit.put("id", f"{arel}.id", oid)
        lots = _related_lots(rel, award, arel)
        _object(unit, lots, [(f"{arel}.title", award.get("title")), ("tender.description", tender.get("description")),
                             (f"{arel}.description", award.get("description"))])
        _common(unit, lots)
        unit.put("nature", arel, "Marché", note=" (awards[])")
        unit.put("notification_date", f"{arel}.date", award.get("date"))
        _amount(unit, award.get("value"), f"{arel}.value")
        _duration(unit, award.get("contractPeriod"), f"{arel}.contractPeriod")
        _supplier(unit, _l(award.get("suppliers")), f"{arel}.suppliers")
        _cpv(unit, [(award.get("items"), f"{arel}.items"), (_lot_items(rel, lots), "tender.items")])
        _place(unit, [(award.get("items"), f"{arel}.items"), (_lot_items(rel, lots), "tender.items")])
        out.append((oid, arel, unit))
    if out or not tender:
        return out
    # A consultation: the tender itself, or each of its lots.
    lots = [(f"tender.lots[{i}]", lot) for _, (i, lot) in rel.lots.items()] or [(None, None)]
    for lot_rel, lot in lots:
        unit = _Unit(rel, columns)
        if lot is None:
            oid = rel.ocid
            unit.put("id", "ocid", oid)
            lot_list: list[tuple[str, dict]] = []
        else:
            assert lot_rel is not None
            oid = make_id(lot["id"])
            unit.put("id", f"{lot_rel}.id", oid)
            lot_list = [(lot_rel, lot)]
        _object(unit, lot_list, [("tender.description", tender.get("description"))])
        _common(unit, lot_list)
        if lot is None:
            _amount(unit, tender.get("value"), "tender.value")
        else:
            _amount(unit, lot.get("value"), f"{lot_rel}.value")
        _duration(unit, (lot or {}).get("contractPeriod") or tender.get("contractPeriod"),
                  f"{lot_rel}.contractPeriod" if lot and lot.get("contractPeriod") else "tender.contractPeriod")
        items = _lot_items(rel, lot_list)
        _cpv(unit, [(items, "tender.items")])
        _place(unit, [(items, "tender.items")])
        notes["consultations"] += 1
        out.append((oid, lot_rel or "tender", unit))
    return out


def _place(unit: _Unit, sources: list[tuple[Any, str]]) -> None:
    """Place of performance: a French postcode of the items' delivery address, or tender.deliveryAddresses."""
    candidates: list[tuple[str, dict]] = []
    for items, rel in sources:
        for i, item in enumerate(_l(items)):
            item = _d(item)
            if isinstance(item.get("deliveryAddress"), dict):
                candidates.append((f"{rel}[{i}].deliveryAddress", item["deliveryAddress"]))
            loc = _d(item.get("deliveryLocation"))
            if isinstance(loc.get("address"), dict):
                candidates.append((f"{rel}[{i}].deliveryLocation.address", loc["address"]))
    for i, a in enumerate(_l(unit.rel.tender.get("deliveryAddresses"))):
        if isinstance(a, dict):
            candidates.append((f"tender.deliveryAddresses[{i}]", a))
    for rel, address in candidates:
        postcode = address.get("postalCode")
        country = _country(address)
        if not is_blank(postcode) and (country is None or _is_france(country[1])):
            unit.put("place_code", f"{rel}.postalCode", postcode)
            unit.put("place_type", f"{rel}.postalCode", "Code postal", note=" (postalCode)")
            return


# --- the reader --------------------------------------------------------------------------------------


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
        value, encoding, lines = _load(path, options)
        notes = {"releases": 0, "records": 0, "compiled": 0, "awards_skipped": 0, "consultations": 0}
        items = _collect(value, lines, str(path), notes)
        del value
        info.notes += [f"encoding:{encoding}", f"ocds_format:{'jsonl' if lines else 'json'}"]
        columns: dict[str, str] = {}
        contracts = 0
        for item in items:
            if item.bad is not None:
                info.rows_read += 1
                where, code, fr, en, shown = item.bad
                yield Rejection(source=Source(file=path.name, path=where, row=info.rows_read), code=code,
                                column=where, value=shown, message_fr=fr, message_en=en)
                continue
            release, base, problem = self._compiled(item, notes)
            if release is None:
                info.rows_read += 1
                fr, en = problem
                yield Rejection(source=Source(file=path.name, path=base, row=info.rows_read), code="ocds_no_release",
                                column=base, message_fr=fr, message_en=en)
                continue
            rel = _Release(release, base)
            units = _units(rel, columns, notes)
            if not units:
                info.rows_read += 1
                yield Rejection(
                    source=Source(file=path.name, path=base, row=info.rows_read), code="ocds_nothing_to_check",
                    column=base, value=rel.ocid,
                    message_fr="procédure sans marché, attribution ni consultation (tender) : rien à évaluer",
                    message_en="contracting process without contract, award or tender: nothing to check")
                continue
            for _, upath, unit in units:
                info.rows_read += 1
                contracts += 1
                source = Source(file=path.name, path=rel.path(upath), row=info.rows_read)
                obj = unit.cells.get("object")
                if obj is not None and looks_like_test(obj.value):
                    unit.warnings.append(decp_warning("test_record", field="object", column=obj.column,
                                                      value=obj.value, objet=obj.value))
                yield RawRecord(source=source, cells=unit.cells, warnings=unit.warnings)
            item.releases = []
            item.record = None
        info.notes += [f"{k}:{v}" for k, v in notes.items()] + [f"orders:{contracts}"]
        info.columns = dict(columns)

    @staticmethod
    def _compiled(item: _Item, notes: dict[str, int]) -> tuple[dict | None, str, tuple[str, str]]:
        """(compiled release or None, base path, (fr, en) problem when None)."""
        if item.record is not None:
            rpath, record = item.record
            compiled = record.get("compiledRelease")
            if isinstance(compiled, dict):
                return compiled, f"{rpath}.compiledRelease", ("", "")
            embedded = [r for r in _l(record.get("releases")) if isinstance(r, dict) and "ocid" in r]
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
