"""What every part of the OCDS mapping works on: a compiled release and the order being built from it.

The accessors tolerate the wrong JSON type anywhere (a publisher's `"lots": {}`), so that a malformed
branch only leaves fields unknown instead of rejecting the whole process.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from procurement.model import Warning_
from procurement.read.base import Cell
from procurement.read.decp_common import is_blank


def dict_of(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def list_of(value: Any) -> list:
    return value if isinstance(value, list) else []


def text_of(value: Any) -> str | None:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def show_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _warn(code: str, fr: str, en: str, *, field: str | None = None, column: str | None = None,
          value: Any = None) -> Warning_:
    return Warning_(code=code, field=field, column=column, value=None if value is None else str(value)[:200],
                    message_fr=fr, message_en=en)


class FirstByLot:
    """The first entry of a list that `hit` accepts, for each `relatedLot`: built once per release.

    Every order of a process looks in the same tender items and bid statistics for its own lots; one
    pass over the list lets each order ask O(its lots) instead of walking the list (n lots, n contracts).
    """

    def __init__(self, entries: list, hit: Callable[[Any], Any]):
        self.any: tuple[int, Any] | None = None
        self.by_lot: dict[str | None, tuple[int, Any]] = {}
        for i, entry in enumerate(entries):
            found = hit(entry)
            if found is None:
                continue
            related = dict_of(entry).get("relatedLot")
            if self.any is None:
                self.any = (i, found)
            self.by_lot.setdefault(None if is_blank(related) else show_id(related), (i, found))

    def first(self, lot_ids: Iterable[str], unrelated: bool) -> tuple[int, Any] | None:
        """The earliest hit of these lots, and of the entries without relatedLot when `unrelated`."""
        hits = [self.by_lot[lot_id] for lot_id in lot_ids if lot_id in self.by_lot]
        if unrelated and None in self.by_lot:
            hits.append(self.by_lot[None])
        return min(hits, key=lambda h: h[0], default=None)


_UNSET: Any = object()


class Release:
    """A compiled release with its path, and the lookups every order of it shares."""

    def __init__(self, release: dict, base: str):
        self.r = release
        self.base = base
        self.ocid = show_id(release.get("ocid"))
        self.tender = dict_of(release.get("tender"))
        self.parties: dict[str, tuple[int, dict]] = {}
        for i, p in enumerate(list_of(release.get("parties"))):
            if isinstance(p, dict) and not is_blank(p.get("id")):
                self.parties.setdefault(show_id(p["id"]), (i, p))
        self.awards: dict[str, tuple[int, dict]] = {}
        for i, a in enumerate(list_of(release.get("awards"))):
            if isinstance(a, dict) and not is_blank(a.get("id")):
                self.awards.setdefault(show_id(a["id"]), (i, a))
        self.lots: dict[str, tuple[int, dict]] = {}
        for i, lot in enumerate(list_of(self.tender.get("lots"))):
            if isinstance(lot, dict) and not is_blank(lot.get("id")):
                self.lots.setdefault(show_id(lot["id"]), (i, lot))
        self._buyer: tuple[dict, str] | None = _UNSET
        self._firsts: dict[str, FirstByLot] = {}

    def path(self, rel: str) -> str:
        return f"{self.base}.{rel}" if self.base else rel

    def org(self, ref: Any, rel: str) -> tuple[dict, str]:
        """An organisation reference resolved in `parties` (OCDS 1.1), else the inline object (1.0)."""
        ref = dict_of(ref)
        if not is_blank(ref.get("id")):
            found = self.parties.get(show_id(ref["id"]))
            if found is not None:
                i, party = found
                merged = {**ref, **{k: v for k, v in party.items() if not is_blank(v)}}
                return merged, f"parties[{i}]"
        return ref, rel

    def first_by_lot(self, name: str, entries: Any, hit: Callable[[Any], Any]) -> FirstByLot:
        """The `FirstByLot` of `entries` under `name`, built on the first order that asks for it."""
        found = self._firsts.get(name)
        if found is None:
            found = self._firsts[name] = FirstByLot(list_of(entries), hit)
        return found

    def buyer(self) -> tuple[dict, str] | None:
        """The same for every order: found once, not once per order (parties may be thousands)."""
        if self._buyer is _UNSET:
            self._buyer = self._find_buyer()
        return self._buyer

    def _find_buyer(self) -> tuple[dict, str] | None:
        if isinstance(self.r.get("buyer"), dict):
            return self.org(self.r["buyer"], "buyer")
        for i, p in enumerate(list_of(self.r.get("parties"))):
            if isinstance(p, dict) and "buyer" in list_of(p.get("roles")):
                return p, f"parties[{i}]"
        if isinstance(self.tender.get("procuringEntity"), dict):
            return self.org(self.tender["procuringEntity"], "tender.procuringEntity")
        return None


class Unit:
    """One order being built: cells and warnings, with paths relative to the release."""

    def __init__(self, rel: Release, columns: dict[str, str]):
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
