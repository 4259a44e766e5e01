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
"""

from __future__ import annotations

import datetime as dt
import difflib
import fnmatch
import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from procurement.errors import InputError
from procurement.rulebook.select import matches as rule_matches
from procurement.rulebook.yamlsafe import Locator, YamlProblem, parse_yaml

WAIVED = "waived"
WAIVABLE = frozenset({"fail", "insufficient_data"})

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class WaiverEntry(BaseModel):
    """One waiver as written in the file."""

    model_config = ConfigDict(extra="forbid", strict=False, frozen=True)

    order: ShortText
    rule: ShortText
    justification: Text
    author: ShortText
    date: dt.date
    expires: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _text_only(cls, data: Any) -> Any:
        # YAML reads `order: 2025001` as a number and `order: 0123` as octal 83: refuse rather than guess.
        if isinstance(data, dict):
            for key in ("order", "rule", "justification", "author"):
                value = data.get(key)
                if value is not None and not isinstance(value, str):
                    raise ValueError(f"text:{key}:{value!r}")
            for key in ("date", "expires"):
                value = data.get(key)
                if isinstance(value, dt.datetime):
                    data = {**data, key: value.date()}
                elif value is not None and not isinstance(value, dt.date | str):
                    raise ValueError(f"date:{key}:{value!r}")
        return data

    @model_validator(mode="after")
    def _expires_after_date(self) -> WaiverEntry:
        if self.expires is not None and self.expires < self.date:
            raise ValueError("expires_before_date")
        return self


class WaiverFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    waivers: list[WaiverEntry]


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

    def matches(self, order_id: str, rule_id: str) -> bool:
        return rule_matches(self.rule, rule_id) and (
            order_id == self.entry.order or fnmatch.fnmatchcase(order_id, self.entry.order))

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
        for w in rep["expired"]:
            out.append(_t(lang, "expired", where=w["where"], order=w["order"], rule=w["rule"],
                          expires=w["expires"], n=w["would_match"]))
        for w in rep["not_yet_valid"]:
            out.append(_t(lang, "future", where=w["where"], order=w["order"], rule=w["rule"], date=w["date"],
                          n=w["would_match"]))
        for w in rep["stale"]:
            out.append(_t(lang, "stale", where=w["where"], order=w["order"], rule=w["rule"]))
        return out


_TEXTS = {
    "expired": ("{where}: dérogation {order} / {rule} expirée le {expires} : non appliquée "
                "({n} constat(s) concerné(s))",
                "{where}: waiver {order} / {rule} expired on {expires}: not applied ({n} finding(s) concerned)"),
    "future": ("{where}: dérogation {order} / {rule} datée du {date}, postérieure à la date du contrôle : "
               "non appliquée ({n} constat(s) concerné(s))",
               "{where}: waiver {order} / {rule} dated {date}, after the run's date: not applied "
               "({n} finding(s) concerned)"),
    "stale": ("{where}: dérogation {order} / {rule} sans effet : aucun constat non conforme ou incomplet "
              "ne correspond",
              "{where}: waiver {order} / {rule} has no effect: no failing or incomplete finding matches it"),
    "banner": ("Dérogation accordée par {author} le {date}{until} : {justification}",
               "Waived by {author} on {date}{until}: {justification}"),
    "until": (", valable jusqu'au {expires}", ", valid until {expires}"),
}


def _t(lang: str, key: str, **params: object) -> str:
    fr, en = _TEXTS[key]
    return (en if lang == "en" else fr).format(**params)


def run_date() -> dt.date:
    """The run's day: from SOURCE_DATE_EPOCH when set (reproducible runs), else today's date (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.datetime.now(dt.UTC).date()


# --- the wrapped finding --------------------------------------------------------------------------


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
        date = e.date.isoformat() if lang == "en" else e.date.strftime("%d/%m/%Y")
        until = ""
        if e.expires is not None:
            expires = e.expires.isoformat() if lang == "en" else e.expires.strftime("%d/%m/%Y")
            until = _t(lang, "until", expires=expires)
        return _t(lang, "banner", author=e.author, date=date, until=until, justification=e.justification)

    def message(self, lang: str = "fr") -> str:
        return f"{self.banner(lang)}. {self._finding.message(lang)}"

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


def apply_waivers(order: Any, findings: Sequence[Any], waivers: WaiverSet | Iterable[Waiver] | None,
                  today: dt.date) -> list[Any]:
    """The findings of one order, each failing or incomplete one covered by an active waiver wrapped.

    `order` is the Order (or its id). Findings are returned in the same order; none is removed. When
    `waivers` is a WaiverSet, matches are recorded in it for `WaiverSet.report`.
    """
    if not waivers:
        return list(findings)
    order_id = order if isinstance(order, str) else order.id
    pool = waivers.waivers if isinstance(waivers, WaiverSet) else tuple(waivers)
    record = waivers if isinstance(waivers, WaiverSet) else None
    candidates = [w for w in pool if w.order == order_id or fnmatch.fnmatchcase(order_id, w.order)]
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


# --- loading ---------------------------------------------------------------------------------------


def load_waivers(path: Path, rule_ids: Iterable[str] | None = None) -> WaiverSet:
    """Read and check a waiver file. With `rule_ids`, a waiver naming no known rule is an error too.

    Pass the ids of the whole rulebook (before --select / --ignore), so that a waiver for a rule left
    out of this run is not an error (it will be reported as stale).
    """
    shown = str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"fichier de dérogations illisible : {exc.strerror}",
                         f"cannot read the waivers file: {exc.strerror}", where=shown) from None
    return parse_waivers(raw, shown, rule_ids)


def parse_waivers(raw: bytes, shown: str, rule_ids: Iterable[str] | None = None) -> WaiverSet:
    try:
        data, locator, _ = parse_yaml(raw, shown)
    except YamlProblem as yp:
        where = f"{shown}:{yp.line}:{yp.col}" if yp.line else shown
        fr = yp.fr.replace("un rulebook ne contient", "un fichier de dérogations ne contient")
        en = yp.en.replace("a rulebook holds", "a waivers file holds")
        raise InputError(fr, en, where=where) from None
    except ValueError as exc:  # PyYAML builds 2026-13-01 as a date and fails without a position
        raise InputError(f"date impossible ({exc})", f"impossible date ({exc})",
                         where=_bad_date_where(raw, shown)) from None
    if isinstance(data, list):  # a bare list of waivers is accepted too
        data = {"waivers": data}
        locator = Locator(locator.file, {("waivers", *k): v for k, v in locator.values.items()},
                          {("waivers", *k): v for k, v in locator.keys.items()})
    if not isinstance(data, dict) or "waivers" not in data:
        raise InputError("un fichier de dérogations commence par « waivers: » suivi de la liste des dérogations",
                         "a waivers file starts with 'waivers:' followed by the list of waivers",
                         where=locator.where(()))
    if data["waivers"] is None:
        data = {**data, "waivers": []}
    try:
        model = WaiverFile.model_validate(data)
    except ValidationError as exc:
        raise _translate(exc, data, locator) from None
    waivers = tuple(
        Waiver(entry, i, locator.where(("waivers", i))) for i, entry in enumerate(model.waivers)
    )
    if rule_ids is not None:
        ids = list(rule_ids)
        families = sorted({i.split("-", 1)[0] for i in ids})
        for w in waivers:
            if not any(rule_matches(w.rule, i) for i in ids):
                hint = difflib.get_close_matches(w.rule, [*ids, *families], n=1)
                raise InputError(
                    f"règle « {w.entry.rule} » inconnue du référentiel"
                    + (f" (vouliez-vous dire « {hint[0]} » ?)" if hint else ""),
                    f"rule '{w.entry.rule}' is not in the rulebook" + (f" (did you mean '{hint[0]}'?)" if hint else ""),
                    where=locator.where(("waivers", w.index, "rule")))
    return WaiverSet(waivers, shown, hashlib.sha256(raw).hexdigest())


_YAML_DATE = re.compile(r"(?<![\w.-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w.:-])")


def _bad_date_where(raw: bytes, shown: str) -> str:
    """file:line:col of the first impossible YYYY-MM-DD in the text (what made PyYAML fail)."""
    for n, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), 1):
        for m in _YAML_DATE.finditer(line):
            try:
                dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                return f"{shown}:{n}:{m.start() + 1}"
    return shown


_FIELDS = ("order", "rule", "justification", "author", "date", "expires")


def _translate(exc: ValidationError, data: dict, locator: Locator) -> InputError:
    """The first pydantic error as one French/English line at its file:line:col."""
    # An unknown key first: a typo ("justifcation") also makes the real key look missing.
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    more_fr = f" (et {len(errors) - 1} autre(s) problème(s))" if len(errors) > 1 else ""
    more_en = f" (and {len(errors) - 1} other problem(s))" if len(errors) > 1 else ""
    kind, msg = err["type"], str(err.get("msg", ""))
    key = str(loc[-1]) if loc else ""
    where = locator.where(loc)
    if kind == "extra_forbidden":
        hint = difflib.get_close_matches(key, _FIELDS if len(loc) > 2 else ("waivers",), n=1)
        fr = f"clé inconnue « {key} »" + (f" (vouliez-vous dire « {hint[0]} » ?)" if hint else "")
        en = f"unknown key '{key}'" + (f" (did you mean '{hint[0]}'?)" if hint else "")
        where = locator.where(loc, key=True)
    elif kind == "missing":
        fr, en = f"clé « {key} » manquante", f"missing key '{key}'"
        where = locator.where(loc[:-1])
    elif kind in ("string_too_short",):
        fr, en = f"« {key} » ne peut pas être vide", f"'{key}' cannot be empty"
    elif kind in ("string_too_long",):
        fr, en = f"« {key} » est trop long", f"'{key}' is too long"
    elif kind.startswith("date") or (key in ("date", "expires") and kind != "value_error"):
        fr = f"« {key} » : date attendue au format AAAA-MM-JJ (ex. 2026-01-15)"
        en = f"'{key}': a date is expected, as YYYY-MM-DD (e.g. 2026-01-15)"
    elif kind == "value_error" and "text:" in msg:
        k = msg.split("text:", 1)[1].split(":", 1)[0]
        fr = f"« {k} » doit être un texte entre guillemets (YAML a lu un nombre ou autre chose) : « {k}: \"…\" »"
        en = f"'{k}' must be quoted text (YAML read a number or something else): '{k}: \"...\"'"
        where = locator.where((*loc, k))
    elif kind == "value_error" and "date:" in msg:
        k = msg.split("date:", 1)[1].split(":", 1)[0]
        fr = f"« {k} » : date attendue au format AAAA-MM-JJ (ex. 2026-01-15)"
        en = f"'{k}': a date is expected, as YYYY-MM-DD (e.g. 2026-01-15)"
        where = locator.where((*loc, k))
    elif kind == "value_error" and "expires_before_date" in msg:
        fr, en = "« expires » est antérieure à « date »", "'expires' is before 'date'"
        where = locator.where((*loc, "expires"))
    elif len(loc) == 2 and kind in ("model_type", "dict_type"):
        fr = "chaque dérogation est une table de clés : order, rule, justification, author, date (expires)"
        en = "each waiver is a mapping of keys: order, rule, justification, author, date (expires)"
    elif loc == ("waivers",) or kind in ("list_type", "model_type", "dict_type"):
        fr = "« waivers » doit être une liste d'entrées (order, rule, justification, author, date)"
        en = "'waivers' must be a list of entries (order, rule, justification, author, date)"
    else:
        fr = en = msg
    return InputError(fr + more_fr, en + more_en, where=where)
