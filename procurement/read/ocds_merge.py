"""The OCDS merge routine: the releases of one ocid compiled into one release.

A publisher may send a process as many releases (tender, award, contract, amendments); the rules read
the state they add up to, computed as the standard says so that two tools agree on it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def merge(target: dict, src: dict) -> dict:
    """Merge `src` into a copy-on-write `target`, per the OCDS merge routine (no versioned history)."""
    for key, value in src.items():
        if value is None:
            target.pop(key, None)
        elif isinstance(value, dict):
            current = target.get(key)
            target[key] = merge(dict(current) if isinstance(current, dict) else {}, value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) and "id" in v for v in value):
            current = target.get(key)
            merged: list[dict] = list(current) if isinstance(current, list) else []
            index = {str(v.get("id")): i for i, v in enumerate(merged) if isinstance(v, dict)}
            for v in value:
                i = index.get(str(v["id"]))
                if i is None:
                    index[str(v["id"])] = len(merged)
                    merged.append(merge({}, v))
                else:
                    merged[i] = merge(dict(merged[i]), v)
            target[key] = merged
        else:
            target[key] = value
    return target


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
    compiled: dict = {}
    for r in ordered:
        compiled = merge(compiled, {k: v for k, v in r.items() if k not in ("id", "tag")})
    compiled["tag"] = ["compiled"]
    return compiled
