"""One run's results.json, streamed and reduced to what a comparison needs.

A monthly follow-up compares runs of thousands of orders: each order is parsed, reduced to its key,
one status letter per rule, its scores and a digest of its data, then dropped, so memory does not grow
with the file's size. The data of the orders whose digest changed are read again afterwards
(`data_of`), only for those orders: an amount corrected without any verdict moving is still a change
the follow-up must show.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from procurement.diff_groups import group_brief, group_key
from procurement.errors import InputError
from procurement.order_identity import DUPLICATE_ORDER

RESULTS = "results.json"
CHANTIERS = tuple(range(1, 9))
STATUS_CODES = {"pass": "P", "fail": "F", "insufficient_data": "I", "not_applicable": "N", "waived": "W"}
CODE_STATUS = {v: k for k, v in STATUS_CODES.items()}
ABSENT = "-"  # the rule is not in this run's rulebook (or not in this order's findings)
# A rule with several findings on one order (RISK-02, one per group) is compared by its worst: the last one
# read stood for all, so a waived group could hide a failing one.
_SEVERITY = {"F": 5, "?": 4, "I": 3, "W": 2, "P": 1, "N": 0, ABSENT: -1}
EPSILON = 1e-9
_STREAMED = {"orders", "rejected", "directory_rejected", "portfolio"}
DATA_DETAIL_LIMIT = 10_000  # orders whose changed fields are read again and listed; the others are counted


class JsonStream:
    """A JSON text read in chunks: values are decoded one at a time with `raw_decode`."""

    def __init__(self, fh: TextIO, where: str, chunk: int = 1 << 18):
        self.fh, self.where, self.chunk = fh, where, chunk
        self.buf, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self, size: int | None = None) -> bool:
        data = self.fh.read(size or self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"« {char} » attendu, trouvé « {found or 'fin du fichier'} »",
                             f"expected '{char}', found '{found or 'end of file'}'")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        size = self.chunk
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._more(size):
                    raise self.error(f"JSON illisible ({exc.msg})", f"unreadable JSON ({exc.msg})") from None
                size *= 2  # a large value: read more at a time, so that re-parsing stays rare
                continue
            except RecursionError:  # the decoder recurses per level: a value nested 100,000 deep
                raise self.error("JSON trop profondément imbriqué", "JSON nested too deep") from None
            if end == len(self.buf) and not self.eof and self._more(size):
                continue  # a number may continue in the next chunk
            self.pos = end
            return value

    def error(self, fr: str, en: str) -> InputError:
        return InputError(f"results.json illisible : {fr} — fichier tronqué ou d'une autre version ?",
                          f"unreadable results.json: {en} — truncated file or another version?", where=self.where)


def _no_results(directory: Path) -> InputError:
    """A folder scored without the json format (its other outputs are there) needs `--format json`, not a
    first run."""
    where = str(directory)
    others = sorted(p.name for p in directory.glob("*") if p.name in SCORE_OUTPUTS) if directory.is_dir() else []
    if others:
        return InputError(
            f"pas de {RESULTS} dans {directory} (il contient {', '.join(others)}) : diff lit {RESULTS}, "
            f"relancez « procurement score FICHIERS --out {directory} » avec le format json (par défaut, "
            f"ou --format json)",
            f"no {RESULTS} in {directory} (it holds {', '.join(others)}): diff reads {RESULTS}, run "
            f"“procurement score FILES --out {directory}” again with the json format (the default, or "
            f"--format json)", where=where)
    return InputError(
        f"pas de {RESULTS} dans {directory} : lancez d'abord « procurement score FICHIERS --out {directory} »",
        f"no {RESULTS} in {directory}: run “procurement score FILES --out {directory}” first", where=where)


# What `procurement score` writes besides results.json: their presence says the folder is a run's.
SCORE_OUTPUTS = frozenset({"results.csv", "results.jsonl", "results.xlsx", "report.html", "summary.html"})


def iter_results(path: Path) -> Iterator[tuple[str, Any]]:
    """('meta', dict), then ('order', dict) for each order, ('rejected', count), ('group', dict) for each
    group of possible splitting... in file order."""
    where = str(path)
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise _no_results(path.parent) from None
    except OSError as exc:
        raise InputError(f"{RESULTS} illisible : {exc.strerror}", f"cannot read {RESULTS}: {exc.strerror}",
                         where=where) from None
    with fh:
        s = JsonStream(fh, where)
        try:
            s.expect("{")
            while s.peek() != "}":
                key = s.value()
                if not isinstance(key, str):
                    raise s.error("clé attendue", "key expected")
                s.expect(":")
                if key in _STREAMED and s.peek() == "[":
                    s.expect("[")
                    n = 0
                    while s.peek() != "]":
                        item = s.value()
                        n += 1
                        if key == "orders":
                            yield "order", item
                        elif key == "portfolio":
                            yield "group", item
                        if s.peek() == ",":
                            s.expect(",")
                    s.expect("]")
                    if key not in ("orders", "portfolio"):
                        yield key, n
                else:
                    yield key, s.value()
                if s.peek() == ",":
                    s.expect(",")
            s.expect("}")
        except UnicodeDecodeError:
            raise InputError(f"{RESULTS} n'est pas en UTF-8", f"{RESULTS} is not UTF-8", where=where) from None


@dataclass(slots=True)
class OrderRow:
    key: str
    id: str
    label: str  # object, else supplier: what the user recognises the order by
    where: str  # file and row or JSON path
    statuses: str  # one letter per rule of the run's `rules` list (see STATUS_CODES), "-" when absent
    overall: float | None
    by_chantier: tuple[float | None, ...]
    data: int = 0  # digest of the order's data (`data_digest`): equal digests, equal data
    copy: bool = False  # a later copy of an order (`duplicate_order`), which the summary counts once


@dataclass
class RunSummary:
    """What the diff needs from one run."""

    dir: Path
    meta: dict[str, Any]
    rules: list[str] = field(default_factory=list)
    orders: dict[str, OrderRow] = field(default_factory=dict)
    rejected: int = 0
    groups: dict[tuple, dict[str, Any]] = field(default_factory=dict)  # RISK-02's, by `diff_groups.group_key`

    def status(self, row: OrderRow, rule: str, index: dict[str, int] | None = None) -> str | None:
        i = (index or {r: n for n, r in enumerate(self.rules)}).get(rule)
        if i is None or i >= len(row.statuses):
            return None
        return CODE_STATUS.get(row.statuses[i])


def shorten(text: Any, limit: int = 90) -> str:
    s = " ".join(str(text).split()) if text is not None else ""
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _where(source: dict) -> str:
    parts = [str(source.get("file") or "")]
    if source.get("sheet"):
        parts.append(str(source["sheet"]))
    if source.get("row"):
        parts.append(f"#{source['row']}")
    elif source.get("path"):
        parts.append(str(source["path"]))
    return " · ".join(p for p in parts if p)


def _score(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_run(directory: Path) -> RunSummary:
    """Stream DIR/results.json into a RunSummary (orders keyed by buyer and id)."""
    path = directory / RESULTS
    run = RunSummary(directory, {})
    index: dict[str, int] = {}
    seen: Counter[str] = Counter()
    for kind, value in iter_results(path):
        if kind == "meta" and isinstance(value, dict):
            run.meta = value
            # The rules the run evaluated, whether or not an order has a finding of them (RISK-02 names
            # only the orders of its groups): a batch without a group did not remove it.
            for rule in value.get("rules") or {}:
                if isinstance(rule, str) and rule not in index:
                    index[rule] = len(run.rules)
                    run.rules.append(rule)
        elif kind == "order" and isinstance(value, dict):
            row = _row(value, index, run.rules, seen)
            run.orders[row.key] = row
        elif kind == "rejected" and isinstance(value, int):
            run.rejected = value
        elif kind == "group" and isinstance(value, dict):
            run.groups[group_key(value)] = group_brief(value)
    if not run.meta:
        raise InputError(f"{RESULTS} sans bloc « meta » : ce n'est pas un résultat de procurement score",
                         f"{RESULTS} without a 'meta' block: not a procurement score result", where=str(path))
    # Pad status strings of orders read before a rule first appeared (rulebooks are the same for all
    # orders of a run, so this only happens with findings missing from some orders).
    width = len(run.rules)
    for row in run.orders.values():
        if len(row.statuses) < width:
            row.statuses = row.statuses.ljust(width, ABSENT)
    return run


def order_key(order: dict, seen: Counter[str]) -> str:
    """(buyer, id), then the occurrence for an id met again for the same buyer (`#2`, `#3`): the same
    on every pass over a file, since `seen` counts in file order."""
    data = order.get("data") if isinstance(order.get("data"), dict) else {}
    buyer = str(data.get("buyer_siret") or data.get("buyer_name") or "")
    base = f"{buyer}\x1f{order.get('id', '')}"
    seen[base] += 1
    return base if seen[base] == 1 else f"{base}#{seen[base]}"


def data_digest(data: Any) -> int:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def data_of(directory: Path, keys: set[str]) -> dict[str, dict[str, Any]]:
    """The data of the orders of these keys, read again from DIR/results.json (one order at a time)."""
    found: dict[str, dict[str, Any]] = {}
    path = directory / RESULTS
    if not keys or not path.is_file():
        return found
    seen: Counter[str] = Counter()
    for kind, value in iter_results(path):
        if kind == "order" and isinstance(value, dict):
            key = order_key(value, seen)
            if key in keys:
                data = value.get("data")
                found[key] = data if isinstance(data, dict) else {}
    return found


def _row(order: dict, index: dict[str, int], rules: list[str], seen: Counter[str]) -> OrderRow:
    oid = str(order.get("id", ""))
    data = order.get("data") if isinstance(order.get("data"), dict) else {}
    key = order_key(order, seen)
    letters = [ABSENT] * len(rules)
    for f in order.get("findings") or ():
        if not isinstance(f, dict) or "rule" not in f:
            continue
        rule = str(f["rule"])
        i = index.get(rule)
        if i is None:
            i = index[rule] = len(rules)
            rules.append(rule)
            letters.append(ABSENT)
        code = STATUS_CODES.get(str(f.get("status")), "?")
        if _SEVERITY[code] > _SEVERITY[letters[i]]:
            letters[i] = code
    scores = order.get("scores") if isinstance(order.get("scores"), dict) else {}
    by = scores.get("by_chantier") if isinstance(scores.get("by_chantier"), dict) else {}
    label = data.get("object") or data.get("supplier_name") or ""
    copy = any(isinstance(w, dict) and w.get("code") == DUPLICATE_ORDER for w in order.get("warnings") or ())
    return OrderRow(key=key, id=oid, label=shorten(label), where=_where(order.get("source") or {}),
                    statuses="".join(letters), overall=_score(scores.get("overall")),
                    by_chantier=tuple(_score(by.get(str(c))) for c in CHANTIERS), data=data_digest(data),
                    copy=copy)
