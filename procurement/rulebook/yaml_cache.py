"""The on-disk cache of parsed rulebooks, so that a `check` does not pay PyYAML's pure-Python parser again.

Kept apart from the safe loader (`yamlsafe`) because it is storage, not parsing: it never sees YAML, only
what `yamlsafe.parse_yaml` made of it (the data and the positions of its values and keys). `yamlsafe`
decides what an entry depends on (`_environment`, the name of the entry) and how many and how big
entries may be; this module keeps and checks the entries.

Why it can be trusted:
- an entry is what the pure-Python parser produced from exactly these bytes, with exactly this code: its
  name is the sha256 of the file's bytes, of the source of `yamlsafe` and of this module, of PyYAML's and
  Python's versions and of the format below. An edited rulebook, an upgraded PyYAML or a changed check
  reads the file again. A document is kept only if it reads back equal to what was parsed; errors are
  never kept.
- an entry is JSON (with a list of where the dates are), never pickle: reading one cannot run code.
  It is read with size limits and checked field by field; anything unexpected (truncated, malformed,
  another format, another file's entry) is ignored and the file is parsed, as if there were no cache.
  A well-formed edit of an entry is not detected: hence the next point.
- it lives in the user's cache directory ($XDG_CACHE_HOME, else ~/.cache)/procurement/rulebooks,
  which only the user can write: an entry is as trusted as the user's own rulebook files.
  PROCUREMENT_NO_CACHE=1 turns it off. A missing, read-only or full directory only costs the time.
- at most a given number of entries are kept, the least recently used are removed; writes are atomic.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

CACHE_FORMAT = 1

Path_ = tuple[str | int, ...]
Positions = dict[Path_, tuple[int, int]]  # a Locator's `values` or `keys`: path -> (line, column)


class _NotCacheable(Exception):
    pass


def cache_dir() -> Path | None:
    """Where entries are kept; None when turned off (PROCUREMENT_NO_CACHE) or no home is known."""
    if os.environ.get("PROCUREMENT_NO_CACHE", "") not in ("", "0"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):  # the XDG rule: a relative path is ignored
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):
            return None
    return Path(base) / "procurement" / "rulebooks"


def entry_path(environment: bytes, raw: bytes) -> Path | None:
    """The entry of these bytes parsed in this `environment`; None when there is no cache directory."""
    directory = cache_dir()
    if directory is None:
        return None
    return directory / f"{hashlib.sha256(environment + raw).hexdigest()}.json"


def get(entry: Path, max_bytes: int) -> tuple[Any, Positions, Positions] | None:
    """(data, value positions, key positions) kept in `entry`, or None: a miss is never an error."""
    try:
        with entry.open("rb") as handle:
            blob = handle.read(max_bytes + 1)
    except OSError:
        return None
    if len(blob) > max_bytes:
        return None
    try:
        found = _decode(json.loads(blob), entry.stem)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: kept when older entries are removed
    return found


def put(entry: Path, data: Any, values: Positions, keys: Positions, keep: int) -> None:
    """Keep a parse in `entry` if it reads back equal, then leave at most `keep` entries; failures cost nothing."""
    try:
        doc = _encode(data, values, keys, entry.stem)
        blob = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        again = _decode(json.loads(blob), entry.stem)
    except (_NotCacheable, ValueError, TypeError, UnicodeError, RecursionError):
        return
    if again is None or again[0] != data or again[1] != values or again[2] != keys:
        return  # would not read back equal (a NaN, say): parsed every time instead
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=entry.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
        os.replace(tmp, entry)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return
    _prune(entry.parent, keep)


def _prune(directory: Path, keep: int) -> None:
    """Keep the `keep` most recently used entries; remove temporary files an hour old."""
    try:
        entries = [(p.stat().st_mtime, p) for p in directory.iterdir() if p.suffix in (".json", ".tmp")]
    except OSError:
        return
    stale = time.time() - 3600
    temporary = [p for mtime, p in entries if p.suffix == ".tmp" and mtime < stale]
    kept = sorted((e for e in entries if e[1].suffix == ".json"), reverse=True)
    for path in temporary + [p for _, p in kept[keep:]]:
        with contextlib.suppress(OSError):
            path.unlink()


def _encode(data: Any, values: Positions, keys: Positions, key: str) -> dict[str, Any]:
    dates: list[list[Any]] = []

    def plain(value: Any, path: tuple[str | int, ...]) -> Any:
        kind = type(value)
        if kind is dict:
            if not all(type(k) is str for k in value):
                raise _NotCacheable
            return {k: plain(v, (*path, k)) for k, v in value.items()}
        if kind is list:
            return [plain(v, (*path, i)) for i, v in enumerate(value)]
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is dt.datetime or kind is dt.date:
            dates.append([list(path), kind.__name__, value.isoformat()])
            return None
        raise _NotCacheable

    # Positions as a tree: each path is its parent's row and one step (a key or an index), so that the
    # entry does not repeat every prefix; a key's path is the path of its value.
    rows: dict[Path_, int] = {}
    tree: list[list[Any]] = []
    for path, (line, col) in values.items():
        parent = rows.get(path[:-1], -2) if path else -1
        if parent == -2:
            raise _NotCacheable
        rows[path] = len(tree)
        tree.append([parent, path[-1] if path else None, line, col])
    if any(path not in rows for path in keys):
        raise _NotCacheable
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "data": plain(data, ()),
        "dates": dates,
        "values": tree,
        "keys": [[rows[path], line, col] for path, (line, col) in keys.items()],
    }


def _decode(doc: Any, key: str) -> tuple[Any, Positions, Positions] | None:
    """The document and positions of an entry, or None if anything is not exactly as `_encode` writes it."""
    if type(doc) is not dict or doc.get("format") != CACHE_FORMAT or doc.get("key") != key:
        return None
    data = doc["data"]
    for path, kind, text in doc["dates"]:
        value = {"date": dt.date, "datetime": dt.datetime}[kind].fromisoformat(text)
        if type(path) is not list or not _is_path(path):
            return None
        if not path:
            data = value
            continue
        parent = data
        for step in path[:-1]:
            parent = parent[step]
        if type(parent) not in (dict, list) or parent[path[-1]] is not None:
            return None
        parent[path[-1]] = value
    values: Positions = {}
    keys: Positions = {}
    paths: list[Path_] = []
    for parent, step, line, col in doc["values"]:
        if type(parent) is not int or type(line) is not int or type(col) is not int:
            return None
        if parent == -1 and step is None:
            path: Path_ = ()
        elif 0 <= parent < len(paths) and (type(step) is str or type(step) is int):
            path = (*paths[parent], step)
        else:
            return None
        paths.append(path)
        values[path] = (line, col)
    for row, line, col in doc["keys"]:
        if type(row) is not int or not 0 <= row < len(paths) or type(line) is not int or type(col) is not int:
            return None
        keys[paths[row]] = (line, col)
    return data, values, keys


def _is_path(path: list[Any]) -> bool:
    return all(type(step) is str or type(step) is int for step in path)
