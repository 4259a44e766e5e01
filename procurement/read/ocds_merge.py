"""The OCDS merge routine: the releases of one ocid compiled into one release.

A publisher may send a process as many releases (tender, award, contract, amendments); the rules read
the state they add up to, computed as the standard says so that two tools agree on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def _is_id_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and "id" in v for v in value)


def _index_of(items: list) -> dict[str, int]:
    """Ids compared as text (1 and "1" are one object); of equal ids the last wins, so duplicates merge where
    they always did."""
    return {str(v.get("id")): i for i, v in enumerate(items) if isinstance(v, dict)}


class _Compiler:
    """Merges into containers it created itself in place, and copies the releases' own before changing them.

    The releases are never changed (a list kept as given, and its objects, stay the caller's), while
    one process published as n releases costs O(n), not O(n²): each array merged by id keeps its
    `{id: position}` index from one release to the next instead of copying the array and rebuilding it.
    Nothing outside `compile_releases` sees the compiled release before it is finished.
    """

    def __init__(self) -> None:
        # id(container) -> (container, its index when a list): holding the container keeps its id unique.
        self._own: dict[int, tuple[Any, dict[str, int] | None]] = {}

    def _mine(self, obj: Any) -> bool:
        found = self._own.get(id(obj))
        return found is not None and found[0] is obj

    def new_dict(self, source: Any = None) -> dict:
        made = dict(source) if isinstance(source, dict) else {}
        self._own[id(made)] = (made, None)
        return made

    def adopt(self, target: dict) -> None:
        """Take `target` itself as ours (changed in place), not what it holds."""
        self._own[id(target)] = (target, None)

    def _dict_for(self, current: Any) -> dict:
        return current if isinstance(current, dict) and self._mine(current) else self.new_dict(current)

    def _list_for(self, current: Any) -> tuple[list, dict[str, int]]:
        found = self._own.get(id(current))
        if found is not None and found[0] is current and found[1] is not None:
            return current, found[1]
        made: list = list(current) if isinstance(current, list) else []
        index = _index_of(made)
        self._own[id(made)] = (made, index)
        return made, index

    def merge(self, target: dict, src: dict) -> dict:
        """Merge `src` into `target` (a dict of ours), per the OCDS merge routine (no versioned history)."""
        for key, value in src.items():
            if value is None:
                target.pop(key, None)
            elif isinstance(value, dict):
                target[key] = self.merge(self._dict_for(target.get(key)), value)
            elif _is_id_list(value):
                target[key] = self._merge_list(target.get(key), value)
            else:
                target[key] = value
        return target

    def _merge_list(self, current: Any, value: list[dict]) -> list:
        merged, index = self._list_for(current)
        changed = False
        for v in value:
            key = str(v["id"])
            i = index.get(key)
            if i is None:
                index[key] = len(merged)
                merged.append(self.merge(self.new_dict(), v))
                i = len(merged) - 1
            else:
                merged[i] = self.merge(self._dict_for(merged[i]), v)
            # An id merged into another shape ({"a": null} loses its key): the index read anew, as if rebuilt.
            changed = changed or str(merged[i].get("id")) != key
        if changed:
            index.clear()
            index.update(_index_of(merged))
        return merged


def merge(target: dict, src: dict) -> dict:
    """Merge `src` into a copy-on-write `target`, per the OCDS merge routine (no versioned history)."""
    compiler = _Compiler()
    compiler.adopt(target)
    return compiler.merge(target, src)


def moment(value: Any) -> tuple[int, str]:
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
    ordered = sorted(releases, key=lambda r: moment(r.get("date")))
    compiler = _Compiler()
    compiled = compiler.new_dict()
    for r in ordered:
        compiler.merge(compiled, {k: v for k, v in r.items() if k not in ("id", "tag")})
    compiled["tag"] = ["compiled"]
    return compiled
