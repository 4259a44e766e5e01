"""Safe YAML reading that remembers where every value was written.

Why a SafeLoader subclass and these limits: a rulebook may come from another service or be pasted
from a mail; reading it must never run code or exhaust the machine. So:
- only the safe constructors, and of those only text, numbers, booleans, null, dates, lists and
  mappings: `!!python/object`, `!!binary`, `!!set` and any custom tag are refused with their place;
- aliases are allowed within a small budget, and the document, with aliases expanded, may not exceed
  a node budget nor a nesting depth (the "billion laughs" bomb is a few lines of aliases that expand
  to 10^9 nodes; a recursive alias nests forever);
- duplicate keys are an error (YAML silently keeps the last one, which would hide a rule's condition),
  merge keys `<<` are refused, and keys must be text (`yes:` would be read as the boolean true);
- files over 5 MB are refused before parsing.

Every mapping value and key gets its line and column (1-based) in a `Locator`, keyed by its path
from the root (`('rules', 3, 'require', 'value')`), so errors found later, by pydantic or by the
compiler, can say `rules/x.yaml:42:7`.

`read_yaml(..., cache=True)` keeps what it read, in JSON, in the user's cache directory: PyYAML's
pure-Python parser takes 0.25 s on the Métropole's rulebook (180 kB), a quarter of a `check`. See
"The cache" below for why it can be trusted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

MAX_BYTES = 5 * 1024 * 1024
MAX_ALIASES = 50
MAX_NODES = 200_000
MAX_DEPTH = 64  # real rulebooks nest about 12 levels; a recursive alias nests forever

Path_ = tuple[str | int, ...]


class YamlProblem(Exception):
    def __init__(self, line: int, col: int, fr: str, en: str, code: str = "yaml"):
        super().__init__(en)
        self.line, self.col, self.fr, self.en, self.code = line, col, fr, en, code


@dataclass
class Locator:
    """Where each value and key of one file was written."""

    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_ = (), *, key: bool = False) -> str:
        """'file:line:col' of the value (or key) at `path`, else of its nearest known ancestor."""
        if key and path in self.keys:
            line, col = self.keys[path]
            return f"{self.file}:{line}:{col}"
        p = tuple(path)
        while p not in self.values and p:
            p = p[:-1]
        if p in self.values:
            line, col = self.values[p]
            return f"{self.file}:{line}:{col}"
        return self.file


def _refuse_tag(loader: yaml.SafeLoader, node: Node) -> Any:
    raise ConstructorError(None, None, f"tag {node.tag}", node.start_mark)


class _Loader(yaml.SafeLoader):
    """SafeLoader with an alias budget, duplicate-key and merge-key refusal, text keys only."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.aliases = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            self.aliases += 1
            if self.aliases > MAX_ALIASES:
                mark = self.peek_event().start_mark
                raise YamlProblem(
                    mark.line + 1, mark.column + 1,
                    f"plus de {MAX_ALIASES} alias YAML (*ancre) : refusé",
                    f"more than {MAX_ALIASES} YAML aliases (*anchor): refused",
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:  # type: ignore[override]
        seen: dict[str, Any] = {}
        for key_node, _ in node.value:
            line, col = key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise YamlProblem(line, col, "les clés de fusion « << » ne sont pas acceptées : écrivez les clés",
                                  "merge keys '<<' are not accepted: write the keys out")
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raw = getattr(key_node, "value", "?")
                raise YamlProblem(line, col,
                                  f"la clé {raw!r} n'est pas un texte pour YAML : mettez-la entre guillemets",
                                  f"key {raw!r} is not text to YAML: quote it")
            if key in seen:
                first = seen[key]
                raise YamlProblem(line, col, f"clé « {key} » en double (déjà ligne {first})",
                                  f"duplicate key '{key}' (already on line {first})")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def _index(root: Node, locator: Locator) -> None:
    """Record positions; count nodes with aliases expanded (a recursive alias never ends: refused too)."""
    stack: list[tuple[Node, Path_]] = [(root, ())]
    count = 0
    while stack:
        node, path = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise YamlProblem(1, 1, f"document trop grand une fois les alias développés (> {MAX_NODES} nœuds)",
                              f"document too large once aliases are expanded (> {MAX_NODES} nodes)")
        if len(path) > MAX_DEPTH:
            raise YamlProblem(node.start_mark.line + 1, node.start_mark.column + 1,
                              f"YAML imbriqué sur plus de {MAX_DEPTH} niveaux (alias récursif ?)",
                              f"YAML nested more than {MAX_DEPTH} levels deep (recursive alias?)")
        locator.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, ScalarNode) else str(len(path))
                locator.keys.setdefault((*path, key), (key_node.start_mark.line + 1, key_node.start_mark.column + 1))
                stack.append((value_node, (*path, key)))
        elif isinstance(node, SequenceNode):
            stack.extend((item, (*path, i)) for i, item in enumerate(node.value))


def read_yaml(path: Path, display: str, *, cache: bool = False) -> tuple[Any, Locator, bytes]:
    """Parse one file safely: (data, locator, raw bytes). Raises YamlProblem with a position.

    `cache`: reuse what an earlier run read from the same bytes, and keep what this one reads (see
    "The cache"); errors are never kept, so a file that fails is read, and reported, every time.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise YamlProblem(0, 0, f"fichier illisible : {exc.strerror}", f"cannot read file: {exc.strerror}",
                          code="file") from None
    if size > MAX_BYTES:
        raise YamlProblem(0, 0, f"fichier trop gros ({size} octets > 5 Mo)", f"file too large ({size} bytes > 5 MB)",
                          code="file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise YamlProblem(0, 0, f"fichier illisible : {exc.strerror}", f"cannot read file: {exc.strerror}",
                          code="file") from None
    if not cache or len(raw) > MAX_BYTES:
        return parse_yaml(raw, display)
    entry = _cache_entry(raw)
    found = _cache_get(entry, display) if entry is not None else None
    if found is not None:
        return found[0], found[1], raw
    data, locator, raw = parse_yaml(raw, display)
    if entry is not None:
        _cache_put(entry, data, locator)
    return data, locator, raw


def parse_yaml(raw: bytes, display: str) -> tuple[Any, Locator, bytes]:
    """Parse YAML bytes safely (same checks as `read_yaml`); `display` names the source in messages."""
    if len(raw) > MAX_BYTES:
        raise YamlProblem(0, 0, f"texte trop gros ({len(raw)} octets > 5 Mo)",
                          f"text too large ({len(raw)} bytes > 5 MB)", code="file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise YamlProblem(0, 0, f"le fichier n'est pas en UTF-8 (octet {exc.start})",
                          f"file is not UTF-8 (byte {exc.start})", code="file") from None
    loader = _Loader(text)
    locator = Locator(display)
    try:
        root = loader.get_single_node()
        if root is None:
            raise YamlProblem(1, 1, "fichier vide", "empty file")
        _index(root, locator)
        data = loader.construct_document(root)
    except ConstructorError as exc:
        mark = exc.problem_mark
        tag = (exc.problem or "").removeprefix("could not determine a constructor for the ")
        tag = tag.removeprefix("tag ").replace("tag:yaml.org,2002:", "!!").strip("'\"")
        raise YamlProblem(
            mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
            f"étiquette YAML « {tag} » refusée : un rulebook ne contient que textes, nombres, dates, listes et tables",
            f"YAML tag '{tag}' refused: a rulebook holds only text, numbers, dates, lists and mappings",
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        detail = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise YamlProblem(mark.line + 1 if mark else 0, mark.column + 1 if mark else 0,
                          f"syntaxe YAML : {detail}", f"YAML syntax: {detail}") from None
    except yaml.YAMLError as exc:
        raise YamlProblem(0, 0, f"YAML illisible : {exc}", f"unreadable YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(0, 0, "YAML trop profondément imbriqué", "YAML nested too deeply") from None
    finally:
        loader.dispose()
    return data, locator, raw


# ---------------------------------------------------------------------------------------------------------
# The cache
# ---------------------------------------------------------------------------------------------------------
#
# Why it can be trusted:
# - an entry is what the pure-Python parser above produced from exactly these bytes, with exactly this
#   module: its name is the sha256 of the file's bytes, of this module's source, of PyYAML's and
#   Python's versions and of the format below. An edited rulebook, an upgraded PyYAML or a changed
#   check reads the file again. A document is kept only if it reads back equal to what was parsed;
#   errors are never kept.
# - an entry is JSON (with a list of where the dates are), never pickle: reading one cannot run code.
#   It is read with size limits and checked field by field; anything unexpected (truncated, malformed,
#   another format, another file's entry) is ignored and the file is parsed, as if there were no cache.
#   A well-formed edit of an entry is not detected: hence the next point.
# - it lives in the user's cache directory ($XDG_CACHE_HOME, else ~/.cache)/procurement/rulebooks,
#   which only the user can write: an entry is as trusted as the user's own rulebook files.
#   PROCUREMENT_NO_CACHE=1 turns it off. A missing, read-only or full directory only costs the time.
# - at most CACHE_ENTRIES entries are kept, the least recently used are removed; writes are atomic.

CACHE_FORMAT = 1
CACHE_ENTRIES = 32
CACHE_MAX_BYTES = 8 * MAX_BYTES  # an entry is about twice its YAML file (the positions)


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


@functools.cache
def _environment() -> bytes | None:
    """What a parsed document depends on besides the file: this module, PyYAML, Python, the format."""
    try:
        source = Path(__file__).read_bytes()
    except OSError:
        return None
    head = f"{CACHE_FORMAT}|{yaml.__version__}|{sys.version_info[0]}.{sys.version_info[1]}|"
    return hashlib.sha256(head.encode("ascii") + source).digest()


def _cache_entry(raw: bytes) -> Path | None:
    directory, environment = cache_dir(), _environment()
    if directory is None or environment is None:
        return None
    return directory / f"{hashlib.sha256(environment + raw).hexdigest()}.json"


def _cache_get(entry: Path, display: str) -> tuple[Any, Locator] | None:
    try:
        with entry.open("rb") as handle:
            blob = handle.read(CACHE_MAX_BYTES + 1)
    except OSError:
        return None
    if len(blob) > CACHE_MAX_BYTES:
        return None
    try:
        found = _decode(json.loads(blob), entry.stem, display)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(entry)  # recently used: kept when older entries are removed
    return found


def _cache_put(entry: Path, data: Any, locator: Locator) -> None:
    try:
        doc = _encode(data, locator, entry.stem)
        blob = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        again = _decode(json.loads(blob), entry.stem, locator.file)
    except (_NotCacheable, ValueError, TypeError, UnicodeError, RecursionError):
        return
    if again is None or again[0] != data or again[1] != locator:
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
    _prune(entry.parent)


def _prune(directory: Path) -> None:
    """Keep the CACHE_ENTRIES most recently used entries; remove temporary files an hour old."""
    try:
        entries = [(p.stat().st_mtime, p) for p in directory.iterdir() if p.suffix in (".json", ".tmp")]
    except OSError:
        return
    stale = time.time() - 3600
    temporary = [p for mtime, p in entries if p.suffix == ".tmp" and mtime < stale]
    kept = sorted((e for e in entries if e[1].suffix == ".json"), reverse=True)
    for path in temporary + [p for _, p in kept[CACHE_ENTRIES:]]:
        with contextlib.suppress(OSError):
            path.unlink()


def _encode(data: Any, locator: Locator, key: str) -> dict[str, Any]:
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
    values: list[list[Any]] = []
    for path, (line, col) in locator.values.items():
        parent = rows.get(path[:-1], -2) if path else -1
        if parent == -2:
            raise _NotCacheable
        rows[path] = len(values)
        values.append([parent, path[-1] if path else None, line, col])
    if any(path not in rows for path in locator.keys):
        raise _NotCacheable
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "data": plain(data, ()),
        "dates": dates,
        "values": values,
        "keys": [[rows[path], line, col] for path, (line, col) in locator.keys.items()],
    }


def _decode(doc: Any, key: str, display: str) -> tuple[Any, Locator] | None:
    """The document and locator of an entry, or None if anything is not exactly as `_encode` writes it."""
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
    locator = Locator(display)
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
        locator.values[path] = (line, col)
    for row, line, col in doc["keys"]:
        if type(row) is not int or not 0 <= row < len(paths) or type(line) is not int or type(col) is not int:
            return None
        locator.keys[paths[row]] = (line, col)
    return data, locator


def _is_path(path: list[Any]) -> bool:
    return all(type(step) is str or type(step) is int for step in path)
