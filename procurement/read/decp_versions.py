"""The versions of one 2019-format marché, published as records of their own, read as ONE contract.

Why: the id of a 2019-format marché is the year, the buyer's internal number and a 2-digit modification
number ('00' initially, '01' after a first modification...: arrêté du 14 avril 2017 and schema v1.5, notes
§4), and producers (PES Marché) publish each version as a record of its own. Scored one by one, a
contract was counted, and its amount added, once per version (Ville de Dunkerque's 208 230,34 € five
times in samples/decp-2019-pes-extrait.json). Records of one buyer, one kind (marché or concession) and
one objet whose ids differ only in those two last digits are one contract: the latest version is read,
the earlier ones are folded into it (its Source's `merged_rows`, a `versions_merged` warning). The objet
must be the same, and so must the holders: buyers who number contracts sequentially ('202190002',
'202190003', Région Bretagne) break the convention, and two such contracts may share an objet (two lots of
« Faucardage », two fuel-card contracts of SDIS du Nord, '2018178' and '2018179', notified the same day). A
version keeps its contract's titulaires unless a modification changes them, so records whose titulaires
(or concessionnaires) share no id are two contracts, whatever their ids say; folded, the second was lost
and its amount taken for the first's initial one. The 2024 format has no such convention (modifications
stay inside the record).

DECP tables (decp.info's consolidated export, the decp-table-schema CSV) hold those versions as rows of
their own, under ids of their own, the earlier ones marked `donneesActuelles` false: both were counted,
the earlier with a warning only. A version so marked is folded into the latest version of the same
buyer, id stem and objet that the table holds and does not mark (`superseded_into`); only the marked
ones, since a 2022-format id may end in two digits by chance, and a table mixes the formats.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from procurement.read.base import Cell, RawRecord
from procurement.read.decp_common import fold, is_blank, not_given, placeholder_amount, same_value, warning

# A 2019-format id: year, internal number (1-10 characters), modification number (2 digits).
_VERSIONED_ID = re.compile(r"^(\d{4}.{1,10})(\d{2})$", re.DOTALL)


def _contracts(entries: Iterable[tuple[int, tuple, object, object]]) -> list[list[tuple[str, int]]]:
    """The versions of each contract, (modification number, index), from (index, owner, id, objet) of each
    record: same owner (kind and buyer, or buyer), id stem and objet. A record with an id outside the
    convention, no buyer or no objet belongs to none."""
    groups: dict[tuple, list[tuple[str, int]]] = {}
    for i, owner, ident, objet in entries:
        m = _VERSIONED_ID.match(str(ident).strip()) if isinstance(ident, str | int) else None
        if m is None or not owner[-1] or is_blank(objet) or not fold(objet):
            continue
        groups.setdefault((owner, m.group(1), fold(objet)), []).append((m.group(2), i))
    return list(groups.values())


def _holders(rec: dict) -> frozenset[str]:
    """The ids of a record's titulaires or concessionnaires, digits only (« 532 216 404 00024 »), else their
    folded names; empty when it names none."""
    out = set()
    for key in ("titulaires", "concessionnaires"):
        holders = rec.get(key)
        if isinstance(holders, dict):  # {"titulaire": [...]}, as some producers wrap the list
            holders = next(iter(holders.values()), None)
        for h in holders if isinstance(holders, list) else ():
            h = h.get("titulaire", h) if isinstance(h, dict) else h
            if not isinstance(h, dict):
                continue
            ident = re.sub(r"\W", "", str(h.get("id") or "")) or fold(str(h.get("denominationSociale") or ""))
            if ident:
                out.add(ident.upper())
    return frozenset(out)


Members = list[tuple[str, int]]  # (modification number, index) of each version


def _by_holders(members: Members, holders: Callable[[int], frozenset[str]]) -> list[Members]:
    """`members` of one stem and objet split into contracts: a version joins the first contract one of whose
    versions shares a holder with it. A version naming none joins the contract when there is one only, and
    stands alone beside several: which one it belongs to, nothing says."""
    named: list[tuple[Members, set[str]]] = []
    unnamed = []
    for member in sorted(members):
        own = holders(member[1])
        home = next((c for c in named if not own.isdisjoint(c[1])), None) if own else None
        if not own:
            unnamed.append(member)
        elif home is None:
            named.append(([member], set(own)))
        else:
            home[0].append(member)
            home[1].update(own)
    if len(named) <= 1:
        return [(named[0][0] if named else []) + unnamed]
    return [c[0] for c in named] + [[m] for m in unnamed]


def versions(items: list, kind_and_buyer: Callable[[dict], tuple[bool, str]]) -> dict[int, list[tuple[int, str]]]:
    """Index of each contract's latest version -> (index, modification number) of each of its earlier
    versions, the first version first. `kind_and_buyer(record)`: concession or not, and the buyer's id."""
    latest: dict[int, list[tuple[int, str]]] = {}
    groups = _contracts((i, kind_and_buyer(rec), rec.get("id"), rec.get("objet"))
                        for i, rec in enumerate(items) if isinstance(rec, dict))
    for members in (m for group in groups for m in _by_holders(group, lambda i: _holders(items[i]))):
        top = max(suffix for suffix, _ in members)
        if all(suffix == top for suffix, _ in members):
            continue  # one version, maybe published twice: copies are the pipeline's business
        kept = next(i for suffix, i in members if suffix == top)
        latest[kept] = sorted(((i, suffix) for suffix, i in members if suffix != top), key=lambda x: (x[1], x[0]))
    return latest


def fold_versions(record: RawRecord, rec: dict, first: dict, earlier: list[tuple[str, str]],
                  concession: bool) -> None:
    """The latest version `rec`, read as `record`, stands for the contract: warn of the `earlier` versions
    ((path, modification number), the first version first) folded into it, and keep the first version's
    amount as the initial one when the versions changed it (the value at launch, which the threshold rules
    judge), unless the record's own modifications already set it."""
    ident = str(rec.get("id")).strip()
    record.warnings.append(warning(
        "versions_merged", field="id", column=f"{record.source.path}.id", value=ident, base=ident[:-2],
        latest=ident[-2:], older=", ".join(n for _, n in earlier), where=", ".join(p for p, _ in earlier)))
    key = "valeurGlobale" if concession else "montant"
    initial = first.get(key)
    current = record.cells.get("amount")
    if "initial_amount" in record.cells or current is None or not_given(initial) or placeholder_amount(initial):
        return
    if not same_value(initial, current.value):
        record.cells["initial_amount"] = Cell(f"{earlier[0][0]}.{key}", initial)


def superseded_into(items: list[tuple[str, str, object, bool]]) -> dict[int, int]:
    """For table rows grouped by contract, given (buyer id, id, objet, marked superseded) of each group:
    index of each marked group -> index of the group that replaces it, the version of the highest
    modification number of its contract, when the table holds it unmarked (else it is left as it is)."""
    marked = {i for i, item in enumerate(items) if item[3]}
    into: dict[int, int] = {}
    for members in _contracts((i, (buyer,), ident, objet) for i, (buyer, ident, objet, _) in enumerate(items)):
        top, kept = max(members)
        if kept not in marked:
            into.update((i, kept) for suffix, i in members if i in marked and suffix < top)
    return into
