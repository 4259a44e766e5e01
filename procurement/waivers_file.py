"""Reading a waiver file: safe YAML, every key checked, any problem one `file:line:col: message` line.

Waivers are written by hand by auditors, so a typo or a YAML surprise (`order: 0123` read as octal)
must be refused with a message that points at the place, never guessed at or shown as a traceback.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints, ValidationError, model_validator

from procurement.errors import InputError
from procurement.i18n import counted
from procurement.rulebook.select import matches as rule_matches
from procurement.rulebook.yamlsafe import Locator, YamlProblem, parse_yaml
from procurement.waivers_set import Waiver, WaiverSet

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
        fr = yp.fr.replace("un référentiel ne contient", "un fichier de dérogations ne contient")
        en = yp.en.replace("a rulebook holds", "a waivers file holds")
        raise InputError(fr, en, where=where) from None  # an impossible date (2026-13-01) too, at its place
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


_FIELDS = ("order", "rule", "justification", "author", "date", "expires")


def _translate(exc: ValidationError, data: dict, locator: Locator) -> InputError:
    """The first pydantic error as one French/English line at its file:line:col."""
    # An unknown key first: a typo ("justifcation") also makes the real key look missing.
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    err = errors[0]
    loc = tuple(p for p in err["loc"] if p not in ("function-after", "function-before"))
    more = len(errors) - 1
    more_fr = f" (et {counted(more, 'autre problème', 'autres problèmes', 'fr')})" if more else ""
    more_en = f" (and {counted(more, 'other problem', 'other problems', 'en')})" if more else ""
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
