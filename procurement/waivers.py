"""Waivers: exceptions an auditor accepted, written down with who, when, why and until when.

A waiver file (`--waivers FILE`, YAML) lists the findings a buyer or auditor has examined and accepted:

    waivers:
      - order: "BC25-0*"            # an order id, or a glob pattern (* ? [..]) over ids
        rule: ENV-10                # a rule id, or a prefix as --select takes it (ENV, ENV-1)
        justification: Marché de maintenance reconduit, critère impossible à ajouter en cours d'exécution.
        author: M. Dupont (DCP)
        date: 2026-01-15            # when the exception was granted
        expires: 2026-12-31         # optional: last day the waiver applies

Why findings are wrapped rather than dropped: an accepted exception must stay visible. A waived finding
keeps its rule, evidence and original verdict; its status becomes "waived" and every message says who
accepted it and why, so any writer that prints a finding's message shows the justification, even one
written before waivers existed.

What is waived: only fail and insufficient_data findings (a pass needs no exception). A waiver applies
from its `date` to its `expires` date included; an expired waiver (or one dated after the run's day)
waives nothing and is reported, with the findings it would have matched, so the auditor renews or drops
it. A waiver that matched nothing at all is reported as stale. When several waivers match a finding, the
first in the file applies. The run's day (`today`) is the caller's: `run_date()` reads SOURCE_DATE_EPOCH,
so a run can be reproduced byte for byte.

Reading the file: safe YAML only (the rulebook's loader: no tags, no merge keys, no duplicate keys,
alias and size budgets), every key checked by pydantic (`extra="forbid"`), and any problem reported as
one line `file:line:col: message` (InputError, exit status 2).

Split by idea: `waivers_file` reads and checks the file, `waivers_set` holds the waivers and what they
matched during a run, and this module applies them to an order's findings (what the workers import).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from typing import Any

from procurement.i18n import fmt_date
from procurement.rulebook.select import matches as rule_matches
from procurement.waivers_file import WaiverEntry as WaiverEntry
from procurement.waivers_file import WaiverFile as WaiverFile
from procurement.waivers_file import load_waivers as load_waivers
from procurement.waivers_file import parse_waivers as parse_waivers
from procurement.waivers_set import WAIVABLE, WAIVED, Waiver, WaiverIndex, WaiverSet, waiver_text

SENTENCE_ENDS = (".", "!", "?", "…")


def run_date() -> dt.date:
    """The run's day: from SOURCE_DATE_EPOCH when set (reproducible runs), else today's date (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


class WaivedFinding:
    """A finding an active waiver covers: everything is the original's except the status and messages.

    `status` is "waived", `original_status` the engine's verdict (fail or insufficient_data), `waiver`
    the `Waiver`. Messages start with who accepted the exception and why, then the original message.
    """

    __slots__ = ("_finding", "original_status", "waiver")

    def __init__(self, finding: Any, waiver: Waiver):
        self._finding = finding
        self.original_status: str = finding.status
        self.waiver = waiver

    @property
    def status(self) -> str:
        return WAIVED

    @property
    def finding(self) -> Any:
        """The engine's finding, untouched."""
        return self._finding

    def __getattr__(self, name: str) -> Any:
        # Only called for names not found on this class: rule, compiled, kind, severity, chantiers,
        # weight, evidence, missing, measures, order_id, value()...
        return getattr(self._finding, name)

    def banner(self, lang: str = "fr") -> str:
        e = self.waiver.entry
        date = fmt_date(e.date, lang)
        until = ""
        if e.expires is not None:
            expires = fmt_date(e.expires, lang)
            until = waiver_text(lang, "until", expires=expires)
        return waiver_text(lang, "banner", author=e.author, date=date, until=until, justification=e.justification)

    def message(self, lang: str = "fr", label: Any = None) -> str:
        """`label`: how the original message names a missing field (`engine.Finding.message`)."""
        banner = self.banner(lang).rstrip()
        # a justification that ends its own sentence (« …note DCP-2025-118. ») takes no second period
        end = " " if banner.endswith(SENTENCE_ENDS) else ". "
        original = self._finding.message(lang, label) if label is not None else self._finding.message(lang)
        return f"{banner}{end}{original}"

    @property
    def message_fr(self) -> str:
        return self.message("fr")

    @property
    def message_en(self) -> str:
        return self.message("en")

    def waived_dict(self) -> dict[str, Any]:
        e = self.waiver.entry
        return {
            "justification": e.justification,
            "author": e.author,
            "date": e.date.isoformat(),
            "expires": e.expires.isoformat() if e.expires else None,
            "original_status": self.original_status,
            "waiver": {"order": e.order, "rule": e.rule, "where": self.waiver.where},
        }

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out = self._finding.to_dict(lang)
        out["status"] = WAIVED
        out["message_fr"] = self.message("fr")
        out["message_en"] = self.message("en")
        if lang is not None:
            out["message"] = self.message(lang)
        out["waived"] = self.waived_dict()
        return out

    def __repr__(self) -> str:
        return f"WaivedFinding({self.order_id!r}, {self.rule}, {self.original_status} -> waived)"


def apply_waivers(order: Any, findings: Sequence[Any], waivers: WaiverSet | WaiverIndex | Iterable[Waiver] | None,
                  today: dt.date) -> list[Any]:
    """The findings of one order, each failing or incomplete one covered by an active waiver wrapped.

    `order` is the Order (or its id). Findings are returned in the same order; none is removed. When
    `waivers` is a WaiverSet, matches are recorded in it for `WaiverSet.report`.
    """
    if not waivers:
        return list(findings)
    order_id = order if isinstance(order, str) else order.id
    record = waivers if isinstance(waivers, WaiverSet) else None
    index = waivers.index() if isinstance(waivers, WaiverSet) else (
        waivers if isinstance(waivers, WaiverIndex) else WaiverIndex(waivers))
    candidates = index.candidates(order_id)
    if not candidates:
        return list(findings)
    states = {w.index: w.state(today) for w in candidates}
    out: list[Any] = []
    for f in findings:
        if f.status not in WAIVABLE:
            out.append(f)
            continue
        chosen = None
        for w in candidates:
            if not rule_matches(w.rule, f.rule):
                continue
            if states[w.index] != "active":
                if record is not None:
                    record.blocked[w.index] = record.blocked.get(w.index, 0) + 1
                continue
            chosen = w
            break
        if chosen is None:
            out.append(f)
            continue
        if record is not None:
            record.applied[chosen.index] = record.applied.get(chosen.index, 0) + 1
        out.append(WaivedFinding(f, chosen))
    return out
