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

The nodes are composed by libyaml when PyYAML has it (`_fast_root`), and our constructor reads them:
PyYAML's pure-Python composer took 0.29 s on the Métropole's rulebook (247 kB), a quarter of a `check`;
libyaml takes 0.04 s. Where the two could read a text otherwise (aliases, tags, tabs, errors...), the
pure-Python composer reads it, so that the data, the positions and the messages are the same with or
without libyaml (tests/test_yaml_fast_path.py compares them on random texts).

`read_yaml(..., cache=True)` keeps what it read, in JSON, in the user's cache directory (read back in
0.01 s instead of 0.06 s on the same rulebook). See `yaml_cache` for why it can be trusted, and "The
cache" below for what this module decides of it.
"""

from __future__ import annotations

import errno
import functools
import hashlib
import os  # noqa: F401 - the tests patch `yamlsafe.os.replace` to make the cache's writes (yaml_cache) fail
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from procurement.errors import os_reason
from procurement.rulebook import yaml_cache

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
                                  f"la clé « {raw} » n'est pas un texte pour YAML : mettez-la entre guillemets",
                                  f"key {raw!r} is not text to YAML: quote it")
            if key in seen:
                first = seen[key]
                raise YamlProblem(line, col, f"clé « {key} » en double (déjà ligne {first})",
                                  f"duplicate key '{key}' (already on line {first})")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


for _tag in ("binary", "set", "omap", "pairs"):
    _Loader.add_constructor(f"tag:yaml.org,2002:{_tag}", _refuse_tag)


def _timestamp(loader: yaml.SafeLoader, node: Node) -> Any:
    """A date as PyYAML reads it, or a problem at its place: « 2026-13-20 » looks like a date to YAML's
    resolver, and PyYAML's constructor then raised a bare ValueError, which stopped `rules validate` with a
    traceback."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)  # type: ignore[arg-type]
    except ValueError as exc:
        mark = node.start_mark
        raise YamlProblem(mark.line + 1, mark.column + 1,
                          f"date impossible « {node.value} » (mois ou jour hors du calendrier) : écrivez AAAA-MM-JJ",
                          f"impossible date '{node.value}' ({exc}): write YYYY-MM-DD") from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)

_OCTAL = re.compile(r"[-+]?0[0-7_]+")  # YAML 1.1's octal integers: 0123 is 83


def _int(loader: yaml.SafeLoader, node: Node) -> Any:
    """An integer, or a problem at its place when YAML would read it in octal: an unquoted code with a
    leading zero (« 01234 », « 03 ») became another number, and the loader's advice then quoted that
    number (« write '668' », docs review). Nothing in a rulebook, a waivers file or a mapping is octal."""
    if _OCTAL.fullmatch(node.value):
        mark = node.start_mark
        number = yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]
        raise YamlProblem(mark.line + 1, mark.column + 1,
                          f"« {node.value} » sans guillemets est pour YAML le nombre octal {number} : écrivez "
                          f"'{node.value}' (un code entre guillemets garde ses zéros de tête)",
                          f"unquoted '{node.value}' is the octal number {number} to YAML: write '{node.value}' "
                          "(a quoted code keeps its leading zeros)")
    return yaml.SafeLoader.construct_yaml_int(loader, node)  # type: ignore[arg-type]


_Loader.add_constructor("tag:yaml.org,2002:int", _int)


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


_CLoader = getattr(yaml, "CSafeLoader", None) if getattr(yaml, "__with_libyaml__", False) else None
# What libyaml reads otherwise than PyYAML (found by comparing the two on random texts): tabs, a BOM
# within the text, tags (an empty `!`), line breaks other than LF and CRLF, a block scalar's header
# followed by `#`; and within [ ] or { }, plain values holding one of `_FLOW_STOPS` (see `_shared`).
_NOT_SHARED = ("\t", "\ufeff", "!", "\x85", "\u2028", "\u2029")
_BLOCK_HEADER_COMMENT = re.compile(r"[|>][-+0-9]*#")
_FLOW_STOPS = "?:@`#"


def _fast_root(text: str) -> Node | None:
    """The document's nodes as libyaml composes them, 8 times faster than PyYAML's pure-Python composer
    (0.04 s instead of 0.29 s on the Métropole's rulebook, most of a first `check`); the constructor that
    reads them stays ours. None, and the pure-Python composer decides, whenever the two could differ in
    what they report: libyaml absent, any error (its messages are worded otherwise), any alias (the budget
    of `_Loader.compose_node` counts them as they are read, with the position of the one too many),
    or what the two read differently (`_NOT_SHARED`)."""
    if _CLoader is None or any(c in text for c in _NOT_SHARED) or _BLOCK_HEADER_COMMENT.search(text):
        return None
    loader = _CLoader(text)
    try:
        root = loader.get_single_node()
    except (yaml.YAMLError, RecursionError):
        return None
    finally:
        loader.dispose()
    return None if root is None or not _shared(root) else root


def _shared(root: Node) -> bool:
    """Whether PyYAML would give the same nodes at the same places: no node reached twice (an alias, or a
    recursive one), no empty plain value (libyaml places it where the next line starts, PyYAML where the
    key ends), and no plain value within [ ] or { } holding a character PyYAML stops at there."""
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, in_flow = stack.pop()
        if id(node) in seen:
            return False
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            if not node.style and (not node.value or (in_flow and any(c in node.value for c in _FLOW_STOPS))):
                return False  # plain: style None in PyYAML, "" in libyaml
        elif isinstance(node, MappingNode):
            flow = in_flow or bool(node.flow_style)
            for key_node, value_node in node.value:
                stack += ((key_node, flow), (value_node, flow))
        elif isinstance(node, SequenceNode):
            flow = in_flow or bool(node.flow_style)
            stack += ((item, flow) for item in node.value)
    return True


def _unreadable(exc: OSError) -> YamlProblem:
    """In the user's language: the system's text (exc.strerror) is English even in a French message."""
    if exc.errno == errno.ENOENT:
        return YamlProblem(0, 0, "fichier introuvable", "file not found", code="file")
    fr, en = os_reason(exc)
    return YamlProblem(0, 0, f"fichier illisible : {fr}", f"cannot read file: {en}", code="file")


def read_yaml(path: Path, display: str, *, cache: bool = False) -> tuple[Any, Locator, bytes]:
    """Parse one file safely: (data, locator, raw bytes). Raises YamlProblem with a position.

    `cache`: reuse what an earlier run read from the same bytes, and keep what this one reads (see
    "The cache"); errors are never kept, so a file that fails is read, and reported, every time.
    """
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _unreadable(exc) from None
    if size > MAX_BYTES:
        raise YamlProblem(0, 0, f"fichier trop gros ({size} octets > 5 Mo)", f"file too large ({size} bytes > 5 MB)",
                          code="file")
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise _unreadable(exc) from None
    if not cache or len(raw) > MAX_BYTES:
        return parse_yaml(raw, display)
    entry = _cache_entry(raw)
    found = yaml_cache.get(entry, CACHE_MAX_BYTES) if entry is not None else None
    if found is not None:
        return found[0], Locator(display, found[1], found[2]), raw
    data, locator, raw = parse_yaml(raw, display)
    if entry is not None:
        yaml_cache.put(entry, data, locator.values, locator.keys, CACHE_ENTRIES)
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
    fast = _fast_root(text)
    loader = _Loader(text)
    locator = Locator(display)
    try:
        root = fast if fast is not None else loader.get_single_node()
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
            f"étiquette YAML « {tag} » refusée : un référentiel ne contient que textes, nombres, dates, listes "
            "et tables",
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
# The entries, and why they can be trusted, are in `yaml_cache`. Left here is what follows from the parser:
# which code decides what a parse gives (the name of an entry), how big an entry of a file under MAX_BYTES
# may be, and how many are kept. `read_yaml` looks these names up in this module at each call, so that they
# (and `parse_yaml`) can be replaced here, as the tests do.

CACHE_ENTRIES = 32
CACHE_MAX_BYTES = 8 * MAX_BYTES  # an entry is about twice its YAML file (the positions)


@functools.cache
def _environment() -> bytes | None:
    """What a parsed document depends on besides the file: the code that parses it (this module) and that
    keeps and reads it back (`yaml_cache`), PyYAML, Python, the entry format. A change to either module, a
    new check or another encoding, must not reuse what the old code kept."""
    try:
        sources = [Path(name).read_bytes() for name in (__file__, yaml_cache.__file__)]
    except OSError:
        return None
    head = f"{yaml_cache.CACHE_FORMAT}|{yaml.__version__}|{sys.version_info[0]}.{sys.version_info[1]}|"
    return hashlib.sha256(head.encode("ascii") + b"".join(hashlib.sha256(s).digest() for s in sources)).digest()


def _cache_entry(raw: bytes) -> Path | None:
    environment = _environment()
    return None if environment is None else yaml_cache.entry_path(environment, raw)
