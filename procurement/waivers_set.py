"""The waivers of one file, ready to match, and the record of what they matched during a run.

The record is what lets the end of a run tell the auditor which waivers expired (with the findings they
would have waived) and which matched nothing, so that a waiver file does not silently go out of date.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procurement.i18n import counted, fmt_date
from procurement.parse.codes import parse_code

if TYPE_CHECKING:
    from procurement.waivers_file import WaiverEntry

WAIVED = "waived"
WAIVABLE = frozenset({"fail", "insufficient_data"})


@dataclass(frozen=True, slots=True)
class Waiver:
    """A waiver ready to match: the entry, its place in the file and its normalised selectors."""

    entry: WaiverEntry
    index: int  # 0-based position in the file
    where: str  # "file:line:col" of the entry

    @property
    def order(self) -> str:
        return self.entry.order

    @property
    def rule(self) -> str:
        return self.entry.rule.upper()

    def state(self, today: dt.date) -> str:
        """'active', 'expired' (past its expires date) or 'not_yet_valid' (dated after `today`)."""
        if self.entry.date > today:
            return "not_yet_valid"
        if self.entry.expires is not None and self.entry.expires < today:
            return "expired"
        return "active"

    def to_dict(self) -> dict[str, Any]:
        e = self.entry
        return {"order": e.order, "rule": e.rule, "justification": e.justification, "author": e.author,
                "date": e.date.isoformat(), "expires": e.expires.isoformat() if e.expires else None,
                "where": self.where}


class WaiverIndex:
    """Waivers by the order id they name, in file order: an exact id is one look-up, and a pattern
    (* ? [) is tried only on the ids that begin with its literal head ("BC25-" of "BC25-0*") or end with
    its literal tail ("-2024" of "*-2024"), whichever is longer. Every waiver tried on every order made a
    file of one waiver per order quadratic (4,000 orders: 14.5 s spent matching), and a file of one
    pattern per order stayed so (2,000 patterns on 4,000 orders: see docs/performance.md). Only patterns
    with neither (`*`, `*x*`) are tried on every order."""

    __slots__ = ("_by_head", "_by_tail", "_everywhere", "_exact", "waivers")

    def __init__(self, waivers: Iterable[Waiver]):
        self.waivers = tuple(waivers)
        self._exact: dict[str, list[tuple[int, Waiver, str]]] = {}
        # Length of an anchor -> anchor -> the patterns with it: an id has one head and one tail of each
        # length, so an order costs one look-up per length, not one match per pattern.
        self._by_head: dict[int, dict[str, list[tuple[int, Waiver, str]]]] = {}
        self._by_tail: dict[int, dict[str, list[tuple[int, Waiver, str]]]] = {}
        self._everywhere: list[tuple[int, Waiver, str]] = []
        for k, w in enumerate(self.waivers):
            # As ids are read: without their spaces (parse_code), so « AO 2026 lot 2 » names the order the
            # report shows as AO2026lot2; it named none, and the waiver was « sans effet » (docs review).
            pattern = parse_code(w.entry.order) or w.entry.order
            item = (k, w, pattern)
            head, tail = _anchors(pattern)
            if head is None:
                self._exact.setdefault(pattern, []).append(item)
            elif len(tail) > len(head):
                self._by_tail.setdefault(len(tail), {}).setdefault(tail, []).append(item)
            elif head:
                self._by_head.setdefault(len(head), {}).setdefault(head, []).append(item)
            else:
                self._everywhere.append(item)

    def __bool__(self) -> bool:
        return bool(self.waivers)

    def __iter__(self):
        return iter(self.waivers)

    def candidates(self, order_id: str) -> list[Waiver]:
        """The waivers naming `order_id` (itself, or a pattern matching it), in file order."""
        found = self._exact.get(order_id, [])
        tried = [item for length, heads in self._by_head.items() for item in heads.get(order_id[:length], ())]
        if self._by_tail:
            n = len(order_id)
            tried += [item for length, tails in self._by_tail.items() if length <= n
                      for item in tails.get(order_id[n - length:], ())]
        tried += self._everywhere
        if tried:
            match = fnmatch.fnmatchcase
            found = found + [item for item in tried if item[2] == order_id or match(order_id, item[2])]
            found.sort(key=lambda item: item[0])
        return [w for _, w, _ in found]


def _anchors(pattern: str) -> tuple[str | None, str]:
    """(head, tail) of a glob: what every id it matches begins with (the text before its first * ? or [)
    and ends with (the text after its last *, when no ? or [ follows); head None for a plain id. An id
    equal to the pattern's own text (a waiver naming "BC[1]" literally) begins and ends with them too."""
    cut = min((i for i in (pattern.find(c) for c in "*?[") if i >= 0), default=-1)
    if cut < 0:
        return None, ""
    star = pattern.rfind("*")
    rest = pattern[star + 1:] if star >= 0 else ""
    tail = rest if star >= 0 and not any(c in rest for c in "?[]") else ""
    return pattern[:cut], tail


@dataclass(slots=True)
class WaiverSet:
    """The waivers of one file and what they matched during a run.

    `apply_waivers` records each match here, so that at the end of a run `report()` can list the
    waivers that expired (with what they would have waived) and those that matched nothing.
    """

    waivers: tuple[Waiver, ...]
    path: str = ""
    sha256: str = ""
    applied: dict[int, int] = field(default_factory=dict)  # waiver index -> findings waived
    blocked: dict[int, int] = field(default_factory=dict)  # expired / not yet valid -> findings matched
    _index: WaiverIndex | None = field(default=None, repr=False, compare=False)

    def index(self) -> WaiverIndex:
        if self._index is None or self._index.waivers is not self.waivers:
            self._index = WaiverIndex(self.waivers)
        return self._index

    def __iter__(self):
        return iter(self.waivers)

    def __len__(self) -> int:
        return len(self.waivers)

    def report(self, today: dt.date) -> dict[str, Any]:
        """JSON-ready summary for the run's meta: applied counts, expired, not yet valid and stale waivers."""
        applied, expired, future, stale = [], [], [], []
        for w in self.waivers:
            state = w.state(today)
            if state == "active":
                n = self.applied.get(w.index, 0)
                (applied if n else stale).append({**w.to_dict(), "findings": n})
            else:
                item = {**w.to_dict(), "would_match": self.blocked.get(w.index, 0)}
                (expired if state == "expired" else future).append(item)
        return {
            "file": self.path, "sha256": self.sha256, "today": today.isoformat(),
            "count": len(self.waivers), "findings_waived": sum(self.applied.values()),
            "applied": applied, "expired": expired, "not_yet_valid": future, "stale": stale,
        }

    def messages(self, today: dt.date, lang: str = "fr") -> list[str]:
        """One line per waiver that needs attention (expired, not yet valid, stale), for the console."""
        rep = self.report(today)
        out = []

        def concerned(n: int) -> str:  # "0 constat concerné", "0 findings concerned"
            return counted(n, *_CONCERNED["en" if lang == "en" else "fr"], lang)

        def day(text: str) -> str:  # 31/12/2025 in French, 2025-12-31 in English, as every other date
            return fmt_date(dt.date.fromisoformat(text), lang)

        for w in rep["expired"]:
            out.append(waiver_text(lang, "expired", where=w["where"], order=w["order"], rule=w["rule"],
                                   expires=day(w["expires"]), findings=concerned(w["would_match"])))
        for w in rep["not_yet_valid"]:
            out.append(waiver_text(lang, "future", where=w["where"], order=w["order"], rule=w["rule"],
                                   date=day(w["date"]), findings=concerned(w["would_match"])))
        for w in rep["stale"]:
            out.append(waiver_text(lang, "stale", where=w["where"], order=w["order"], rule=w["rule"]))
        return out


# (singular, plural) of the findings a waiver not applied would have covered; French 0 and 1 take the singular
_CONCERNED = {"fr": ("constat concerné", "constats concernés"), "en": ("finding concerned", "findings concerned")}
_TEXTS = {
    "expired": ("{where}: dérogation {order} / {rule} expirée le {expires} : non appliquée ({findings})",
                "{where}: waiver {order} / {rule} expired on {expires}: not applied ({findings})"),
    "future": ("{where}: dérogation {order} / {rule} datée du {date}, postérieure à la date du contrôle : "
               "non appliquée ({findings})",
               "{where}: waiver {order} / {rule} dated {date}, after the run's date: not applied ({findings})"),
    "stale": ("{where}: dérogation {order} / {rule} sans effet : aucun constat non conforme ou incomplet "
              "ne correspond",
              "{where}: waiver {order} / {rule} has no effect: no failing or incomplete finding matches it"),
    # the date before the author, whose own text often holds a comma: « par M. Dupont, Direction de la
    # commande publique le 12/03/2026 » read as if the date belonged to the direction
    "banner": ("Dérogation accordée le {date} par {author}{until} : {justification}",
               "Waived on {date} by {author}{until}: {justification}"),
    "until": (", valable jusqu'au {expires}", ", valid until {expires}"),
}


def waiver_text(lang: str, key: str, **params: object) -> str:
    fr, en = _TEXTS[key]
    return (en if lang == "en" else fr).format(**params)
