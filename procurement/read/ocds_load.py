"""OCDS files to releases grouped by ocid: the file shapes, JSON Lines, and what cannot be read.

Kept apart from the mapping because here nothing is known about contracts yet: the question is only
which values of the file are releases or records, and which are rejected rows (a broken JSON line, a
release without ocid), so that one bad line does not lose the rest of a JSON Lines file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from procurement.errors import InputError
from procurement.read.base import ReadOptions
from procurement.read.decp_common import is_blank
from procurement.read.json_safe import nan_as_none, not_this_format, read_checked, too_deep, unreadable

MAX_DEPTH = 100  # OCDS releases nest about 8 levels; extensions add a few
_PACKAGE_KEYS = {"publishedDate", "publisher", "uri", "version", "license", "publicationPolicy", "extensions"}


def _loads(text: str) -> Any:
    return json.loads(text, parse_constant=nan_as_none)


def _broken_first_line(text: str, start: int, where: str) -> InputError | None:
    """JSON Lines whose first line is broken, said at that line: the document's own error would point into
    the next line. Told apart from a pretty-printed document cut short, whose first line (« { ») is broken
    too but whose error position is the right one, by the next line: in JSON Lines it is a whole object."""
    line_start = text.rfind("\n", 0, start) + 1
    first, _, rest = text[line_start:].partition("\n")
    following = next((line for line in rest.split("\n") if line.strip()), None)
    if following is None:
        return None
    try:
        if not isinstance(_loads(following), dict):
            return None
    except json.JSONDecodeError:
        return None
    try:
        _loads(first)
    except json.JSONDecodeError as exc:
        return unreadable(exc, where, text.count("\n", 0, start) + 1)
    return None


def load(path: Path, options: ReadOptions) -> tuple[list[tuple[str, Any]] | Any, str, bool]:
    """(value, encoding, is_json_lines). For JSON Lines the value is [(line number, value or error)]."""
    where = str(path)
    data, text, encoding = read_checked(path, options.max_bytes, MAX_DEPTH, "un fichier OCDS", "an OCDS file")
    del data
    start = len(text) - len(text.lstrip())  # decoded from there, so that errors give the file's line and column
    decoder = json.JSONDecoder(parse_constant=nan_as_none)
    try:
        value, end = decoder.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        raise _broken_first_line(text, start, where) or unreadable(exc, where) from None
    except RecursionError:  # pragma: no cover - the depth check comes first
        raise too_deep(where) from None
    if not text[end:].strip():
        return value, encoding, False
    # More JSON after the first value: JSON Lines (one value per line; blank lines ignored).
    del value
    try:
        _loads(text[start:].split("\n", 1)[0])
    except json.JSONDecodeError:
        # Not one value per line: a JSON document followed by something else (concatenated or damaged).
        line = text.count("\n", 0, end) + 1
        raise InputError(
            f"données en trop après le JSON, ligne {line} : fichier concaténé ou abîmé ?",
            f"extra data after the JSON value, line {line}: concatenated or damaged file?", where=where) from None
    lines: list[tuple[int, Any]] = []
    for n, line in enumerate(text.split("\n"), 1):  # numbered as the decoder's errors are: "\n" only
        if not line.strip():
            continue
        try:
            lines.append((n, _loads(line)))
        except json.JSONDecodeError as exc:
            lines.append((n, exc))
    return lines, encoding, True


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
    return not_this_format(
        value,
        "ce JSON n'est pas un fichier OCDS : attendu un paquet de releases (« releases »), un paquet de "
        "records (« records »), une release ou un record (« ocid »), ou des lignes JSON de ceux-ci",
        "this JSON is not an OCDS file: expected a release package ('releases'), a record package "
        "('records'), a release or a record ('ocid'), or JSON Lines of these", where)


class Item:
    """One thing to turn into orders: a group of releases of one ocid, a record, or a bad entry."""

    __slots__ = ("bad", "label", "line", "ocid", "paths", "record", "releases")

    def __init__(self, ocid: str | None, label: str):
        self.ocid = ocid
        self.label = label
        # In JSON Lines, the file's line it was read from (its first release's): the row users look up, as
        # a CSV row is; a rank among the file's items pointed at another line.
        self.line: int | None = None
        self.releases: list[tuple[str, dict]] = []  # (path, release)
        self.record: tuple[str, dict] | None = None
        self.bad: tuple[str, str, str, str, str | None] | None = None  # (path, code, fr, en, value)


def _bad(path: str, code: str, fr: str, en: str, value: Any = None) -> Item:
    item = Item(None, path)
    item.bad = (path, code, fr, en, None if value is None else str(value)[:80])
    return item


def collect(value: Any, lines: bool, where: str, notes: dict[str, int]) -> list[Item]:
    """Every release grouped by ocid (in order of first appearance), records and bad entries, in file order."""
    items: list[Item] = []
    groups: dict[str, Item] = {}

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
            group = groups[key] = Item(key, path)
            items.append(group)
        group.releases.append((path, release))

    def add_record(record: Any, path: str) -> None:
        notes["records"] += 1
        ocid = record.get("ocid") if isinstance(record, dict) else None
        if not isinstance(record, dict) or is_blank(ocid):
            items.append(_bad(path, "not_a_record", "élément qui n'est pas un record OCDS (« ocid » manquant)",
                              "item that is not an OCDS record ('ocid' missing)"))
            return
        item = Item(str(ocid).strip(), path)
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
    for n, v in value:
        label, before = f"line {n}", len(items)
        if isinstance(v, json.JSONDecodeError):
            items.append(_bad(label, "bad_json_line",
                              f"ligne {n} : JSON illisible, colonne {v.colno} ({v.msg})",
                              f"line {n}: unreadable JSON, column {v.colno} ({v.msg})"))
        elif add(v, label, False):
            recognised += 1
        else:
            items.append(_bad(label, "not_ocds_line",
                              f"ligne {n} : ni une release, ni un record, ni un paquet OCDS",
                              f"line {n}: neither an OCDS release, record nor package", v))
        for item in items[before:]:
            item.line = n
    if not recognised:
        raise _not_ocds(value[0][1] if value and not isinstance(value[0][1], Exception) else None, where)
    return items
