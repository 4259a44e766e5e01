"""DECP JSON: the 2019 format (`{"marches": [...]}`) and the 2024 format (`{"marches": {"marche": [...],
"contrat-concession": [...]}}`), plus a bare list of marchés and producers' flat dotted keys ("acheteur.id").

One record is one row: `info.rows_read` counts marchés and concessions, each record's Source has its JSON
path (`marches.marche[12]`, 0-based as in JSON) and its 1-based position in the file as `row`, and each
cell's column is the path of the value the user would open (`marches.marche[3].modifications[0].
modification.montant` when a modification set the current amount). Values are passed through as JSON
gives them (numbers, strings, booleans, the wrapped considerations dicts); `procurement.parse` reads them.

What the reader decides (notes §8.6): the current montant / valeurGlobale, dureeMois and titulaires are
the initial ones replaced by each modification in id (else date, else document) order (a concession's
`dateDebutExecution` is read as it is: no modification carries one, and DECP-02 judges it); the first
titulaire is the supplier, its id a SIRET only when `typeIdentifiant` says so; the nature comes from
`techniques` / `idAccordCadre` in 2024 (a marker or "Sans objet" there is no accord-cadre); NaN literals are
blanks, and a marker ("NC"), a placeholder amount (0) or a duration of 0 months or less in a
modification keeps the earlier value; control characters in strings are read.

Versions (2019 format only): the versions of one marché published as records of their own are one
contract (`decp_versions.py`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from procurement.carriage import DECP
from procurement.errors import InputError
from procurement.model import Rejection, Source, Warning_
from procurement.read.base import Cell, InputInfo, RawRecord, ReadOptions
from procurement.read.decp_common import (
    FractionCell,
    date_sort_key,
    derive_nature,
    fold,
    is_blank,
    looks_like_test,
    no_framework,
    not_given,
    note_modified,
    placeholder_modification,
    placeholder_warning,
    warning,
)
from procurement.read.decp_holders import (
    Holder,
    co_contractors_warning,
    distinct,
    holder_modified_warning,
    supplier_cells,
)
from procurement.read.decp_versions import fold_versions, versions
from procurement.read.json_safe import nan_as_none, not_this_format, read_checked, too_deep, unreadable

MAX_DEPTH = 200
_LOOKUP = object()
_LISTS = ("marche", "contrat-concession")
_DETECT = re.compile(rb'"(?:marches|marche|contrat-concession)"\s*:\s*[\[{]')
_DETECT_LIST = re.compile(rb'"(?:acheteur|acheteur\.id|codeCPV|titulaires|dateNotification|autoriteConcedante)"\s*:')
# A key with a leading or trailing space or tab, e.g. `"nom ":`.
_LOOSE_KEY = re.compile(rb'[ \t]"\s*:|[{,]\s*"[ \t]')
_RECORD_KEYS = {"id", "acheteur", "acheteur.id", "codeCPV", "objet", "montant", "titulaires", "autoriteConcedante"}
_FRACTIONS = {"origin_france", "origin_eu"}  # 0-1 by the DECP schema: see FractionCell

# Top-level keys read as they are: (field, key).
_SIMPLE = (
    ("object", "objet"), ("procedure", "procedure"), ("cpv", "codeCPV"),
    ("publication_date", "datePublicationDonnees"), ("execution_start_date", "dateDebutExecution"),
    ("env_considerations", "considerationsEnvironnementales"),
    ("social_considerations", "considerationsSociales"), ("origin_france", "origineFrance"),
    ("origin_eu", "origineUE"), ("offers_received", "offresRecues"), ("innovative", "marcheInnovant"),
    ("framework_id", "idAccordCadre"),
)
# For info.columns: the DECP key behind each field.
_KEYS_OF = {
    "id": "id", "buyer_siret": "acheteur.id", "buyer_name": "acheteur.nom", "nature": "nature",
    "amount": "montant", "duration_months": "dureeMois", "notification_date": "dateNotification",
    "place_code": "lieuExecution.code", "place_type": "lieuExecution.typeCode",
    "supplier_siret": "titulaires.id", "supplier_name": "titulaires.denominationSociale",
    "supplier_country": "titulaires.id", **{f: k for f, k in _SIMPLE},
}


def _lookup(d: dict, key: str) -> object:
    """d[key]; keys with stray spaces ('nom ', 'code ') were stripped at load time when the file had any."""
    return d.get(key)


def _strip_keys(value: object) -> object:
    if isinstance(value, dict):
        return {k.strip() if isinstance(k, str) else k: _strip_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_keys(v) for v in value]
    return value


def _get(rec: dict, dotted: str) -> object:
    """A value by dotted path, nested (`acheteur: {id}`) or flat (`"acheteur.id"`)."""
    head, _, rest = dotted.partition(".")
    inner = _lookup(rec, head) if rest else None
    value = _lookup(inner, rest) if isinstance(inner, dict) else None
    return value if value is not None else _lookup(rec, dotted)


def _int(value: object) -> int | None:
    s = str(value).strip() if isinstance(value, (int, str)) and not isinstance(value, bool) else ""
    return int(s) if s.isdigit() else None


def _unwrap(value: object, path: str, wrappers: tuple[str, ...]) -> Iterator[tuple[str, dict]]:
    """(path, object) of each item of a DECP list, however the producer wrapped it.

    2024 wraps every item in a singular key, 2019 does not, and converters from the XML form give
    `{"modification": [...]}` or `{"modification": {...}}` for the list itself (notes §2, §8.6.6):
    [{w: {...}}], {w: [...]}, {w: {...}}, [{...}], [[{...}]] and mixes of them all yield the same items.
    """
    if isinstance(value, list):
        for i, x in enumerate(value):
            yield from _unwrap(x, f"{path}[{i}]", wrappers)
    elif isinstance(value, dict):
        for wrapper in wrappers:
            if isinstance(value.get(wrapper), (dict, list)):
                yield from _unwrap(value[wrapper], f"{path}.{wrapper}", wrappers)
                return
        yield path, value


def _holders(value: object, path: str) -> list[Holder]:
    """Titulaires however wrapped (see _unwrap), or concessionnaires."""
    out: list[Holder] = []
    for p, v in _unwrap(value, path, ("titulaire", "concessionnaire")):
        ident, name = _lookup(v, "id"), _lookup(v, "denominationSociale")
        if is_blank(name):
            name = _lookup(v, "nom")
        if not is_blank(ident) or not is_blank(name):
            out.append(Holder(ident, _lookup(v, "typeIdentifiant"), name,
                              f"{p}.id", f"{p}.typeIdentifiant", f"{p}.denominationSociale"))
    return out


def _modifications(rec: dict, base: str) -> list[tuple[str, dict]]:
    """The modifications however wrapped (see _unwrap), in id, else date, else file order."""
    found = []
    for j, (p, m) in enumerate(_unwrap(rec.get("modifications"), f"{base}.modifications", ("modification",))):
        if m:
            date = date_sort_key(m.get("dateNotificationModification") or m.get("dateSignatureModification")
                                 or m.get("datePublicationDonneesModification"))
            found.append((_int(m.get("id")), date, j, p, m))
    if all(f[0] is not None for f in found):
        found.sort(key=lambda f: (f[0], f[1], f[2]))
    else:
        found.sort(key=lambda f: (f[1], f[2]))
    return [(p, m) for _, _, _, p, m in found]


def _load(path: Path, options: ReadOptions) -> tuple[object, str]:
    where = str(path)
    data, text, encoding = read_checked(path, options.max_bytes, MAX_DEPTH, "un fichier DECP", "a DECP file")
    loose_keys = _LOOSE_KEY.search(data) is not None
    del data
    try:
        # NaN is what pandas exports write for "unknown"; strict=False accepts control characters.
        value = json.loads(text, strict=False, parse_constant=nan_as_none)
    except json.JSONDecodeError as exc:
        raise unreadable(exc, where) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise too_deep(where) from None
    if loose_keys:  # rare (marches-securises' "nom "): normalise every key once rather than probe each time
        value = _strip_keys(value)
    return value, encoding


def _not_decp(value: object, where: str) -> InputError:
    return not_this_format(
        value,
        "ce JSON n'est pas un fichier DECP : attendu un objet avec la clé « marches » (liste au format 2019, "
        "ou objet avec « marche » et/ou « contrat-concession » au format 2024), ou une liste de marchés",
        "this JSON is not a DECP file: expected an object with a 'marches' key (a list in the 2019 format, "
        "or an object with 'marche' and/or 'contrat-concession' in the 2024 format), or a list of marchés", where)


def _record_lists(value: object, where: str) -> tuple[str, list[tuple[str, bool | None, list]]]:
    """(format, [(path prefix, is_concession or None = per record, records)])."""
    if isinstance(value, dict):
        inner = value.get("marches")
        if isinstance(inner, list):
            return "2019", [("marches", None, inner)]
        prefix = "marches."
        if inner is None and any(k in value for k in _LISTS):
            inner, prefix = value, ""
        if isinstance(inner, dict) and any(k in inner for k in _LISTS):
            lists = []
            for key, items in inner.items():
                if key in _LISTS:
                    items = [items] if isinstance(items, dict) else items if isinstance(items, list) else []
                    lists.append((prefix + key, key == "contrat-concession", items))
            return "2024", lists
    elif isinstance(value, list) and (
        not value or any(isinstance(r, dict) and _RECORD_KEYS & r.keys() for r in value[:20])
    ):
        return "list", [("", None, value)]
    raise _not_decp(value, where)


def _kind_and_buyer(rec: dict, concession: bool | None) -> tuple[bool, str]:
    """What a version must share with the others of its contract besides its id's stem and objet."""
    kind = _is_concession(rec) if concession is None else concession
    return kind, re.sub(r"\D", "", str(_get(rec, "acheteur.id") or _get(rec, "autoriteConcedante.id") or ""))


def _is_concession(rec: dict) -> bool:
    kind = rec.get("_type")
    if isinstance(kind, str) and kind.strip():
        return "concession" in fold(kind)
    return isinstance(rec.get("autoriteConcedante"), dict) and "acheteur" not in rec


class DecpJsonReader:
    name = "decp-json"

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if text.startswith(b"{"):
            return _DETECT.search(text) is not None
        if text.startswith(b"["):
            return _DETECT_LIST.search(text) is not None
        return False

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]:
        value, encoding = _load(path, options)
        fmt, lists = _record_lists(value, str(path))
        info.notes += [f"encoding:{encoding}", f"decp_format:{fmt}"]
        seen: dict[tuple[bool, str, str], str] = {}
        fields_seen: set[str] = set()
        counts = {False: 0, True: 0}
        for prefix, concession, items in lists:
            first_row = info.rows_read + 1
            latest = versions(items, partial(_kind_and_buyer, concession=concession)) if fmt == "2019" else {}
            earlier = {j for older in latest.values() for j, _ in older}
            # The first version of each, and where each earlier version was: they are let go before their
            # latest version is read when they come first in the file.
            folded = {k: (items[v[0][0]], [(f"{prefix}[{j}]", n) for j, n in v]) for k, v in latest.items()}
            for i, rec in enumerate(items):
                info.rows_read += 1
                if i in earlier:  # folded into its latest version, which names its row
                    items[i] = None
                    continue
                where = f"{prefix}[{i}]"
                merged = tuple(first_row + j for j, _ in latest.get(i, ()))
                source = Source(file=options.file_label or path.name, path=where, row=info.rows_read,
                                merged_rows=merged)
                if not isinstance(rec, dict):
                    yield Rejection(source=source, code="not_a_record", column=where,
                                    value=None if rec is None else str(rec)[:80],
                                    message_fr="élément de la liste qui n'est pas un objet marché",
                                    message_en="list item that is not a contract object")
                    continue
                items[i] = None  # let the parsed record go once read: memory stays flat
                is_concession = _is_concession(rec) if concession is None else concession
                counts[is_concession] += 1
                record = _record(rec, where, source, is_concession, seen)
                if i in folded:
                    fold_versions(record, rec, *folded.pop(i), is_concession)
                fields_seen.update(record.cells)
                yield record
        info.notes += [f"marches:{counts[False]}", f"concessions:{counts[True]}"]
        info.columns = {_KEYS_OF[f]: f for f in _KEYS_OF if f in fields_seen}


def _record(rec: dict, base: str, source: Source, concession: bool,
            seen: dict[tuple[bool, str, str], str]) -> RawRecord:
    cells: dict[str, Cell] = {}
    warnings: list[Warning_] = []

    def put(field: str, key: str, value: object = _LOOKUP) -> Cell | None:
        value = _get(rec, key) if value is _LOOKUP else value
        if is_blank(value):
            return None
        cells[field] = (FractionCell if field in _FRACTIONS else Cell)(f"{base}.{key}", value)
        return cells[field]

    put("id", "id")
    party = "autoriteConcedante" if concession else "acheteur"
    put("buyer_siret", f"{party}.id") or put("buyer_siret", "acheteur.id")
    put("buyer_name", f"{party}.nom") or put("buyer_name", "acheteur.nom")
    for field, key in _SIMPLE:
        put(field, key)
    if "framework_id" in cells and no_framework(cells["framework_id"].value):
        del cells["framework_id"]  # "NC", "Sans objet": no accord-cadre, so no marché subséquent
    dates = ("dateSignature", "dateNotification") if concession else ("dateNotification", "dateSignature")
    put("notification_date", dates[0]) or put("notification_date", dates[1])

    nature = Cell(f"{base}.nature", rec["nature"]) if not is_blank(rec.get("nature")) else None
    techniques = rec.get("techniques")
    tech = Cell(f"{base}.techniques", json.dumps(techniques, ensure_ascii=False)) if techniques else None
    derived = derive_nature(nature, tech, cells.get("framework_id"), concession)
    if derived is not None:
        cells["nature"] = derived

    place = _get(rec, "lieuExecution")
    if isinstance(place, dict):
        put("place_code", "lieuExecution.code", _lookup(place, "code"))
        put("place_type", "lieuExecution.typeCode", _lookup(place, "typeCode"))
    elif isinstance(place, (str, int)):
        put("place_code", "lieuExecution", place)
    for key in ("lieuExecution.code", "lieuExecution.typeCode"):  # flat dotted keys
        field = "place_code" if key.endswith("code") else "place_type"
        if field not in cells:
            put(field, key)

    # Initial values, then each modification replaces what it carries (notes §3: "new values").
    amount_keys = ("valeurGlobale", "montant") if concession else ("montant", "valeurGlobale")
    holders_key = "concessionnaires" if concession else "titulaires"
    amount = put("amount", amount_keys[0]) or put("amount", amount_keys[1])
    duration = put("duration_months", "dureeMois")
    if is_blank(rec.get(holders_key)):
        holders_key = "titulaires"
    holders = distinct(_holders(rec.get(holders_key), f"{base}.{holders_key}"))
    initial = {"amount": amount, "duration_months": duration}
    first_holder = holders[0] if holders else None
    mods = _modifications(rec, base)
    for p, m in mods:
        for field, keys in (("amount", amount_keys), ("duration_months", ("dureeMois",))):
            for key in keys:
                if not not_given(m.get(key)):  # a modification's "NC" changes nothing
                    if placeholder_modification(field.split("_")[0], m[key]):  # nor does its 0
                        warnings.append(placeholder_warning(Cell(f"{p}.{key}", m[key]), cells.get(field), field))
                    else:
                        cells[field] = Cell(f"{p}.{key}", m[key])
                    break
        new = distinct(_holders(m.get(holders_key), f"{p}.{holders_key}"))
        if new:
            holders = new
    if mods:
        for field in ("amount", "duration_months"):
            if field in cells and cells[field] is not initial[field]:
                w = note_modified(cells, field, initial[field], cells[field], len(mods))
                if w:
                    warnings.append(w)
        if w := holder_modified_warning(first_holder, holders, len(mods)):
            warnings.append(w)

    if holders:
        cells.update(supplier_cells(holders[0]))
        if len(holders) > 1:
            warnings.append(co_contractors_warning(holders))

    if looks_like_test(rec.get("objet")):
        warnings.append(warning("test_record", field="object", column=f"{base}.objet", value=rec["objet"],
                                objet=rec["objet"]))
    if "id" in cells and not not_given(cells["id"].value):  # « NC » is no contract's id: placeholder_id says so
        key = (concession, re.sub(r"\D", "", str(cells.get("buyer_siret", Cell("", "")).value)),
               str(cells["id"].value).strip())
        if key in seen:
            warnings.append(warning("duplicate_id", field="id", column=cells["id"].column,
                                    value=cells["id"].value, first=seen[key]))
        else:
            seen[key] = base
    return RawRecord(source=source, cells=cells, warnings=warnings, uncarried=DECP)  # no key for bidders' figures

