"""A DECP table's rows while they are grouped into contracts: the Ministry's markers, the version flags,
one contract's state, and the folding of superseded versions into their contract's latest.

Apart from the reader (`decp_tabular.py`) so that each stays short; see its docstring for the grouping.
"""

from __future__ import annotations

from procurement.read.decp_versions import superseded_into

_TRUE = {"oui", "true", "vrai", "1", "yes"}
_FALSE = {"non", "false", "faux", "0", "no"}
_MARKER_START = frozenset("MCI \t")


def clean_marker(value: object, kept: bool = False) -> tuple[object, bool]:
    """(value, INX?) with the Ministry's markers read: MQ/CDL -> None (`kept` for an amount, an id), 'INX x' -> 'x'."""
    if isinstance(value, str) and value[:1] in _MARKER_START:
        s = value.strip()
        if s in ("MQ", "CDL"):
            return s if kept else None, False
        if s.startswith("INX "):
            return s[4:].strip(), True
    return value, False


def read_flag(value: object) -> int | None:
    """A yes/no column (`donneesActuelles`): 1, 0, or None when it says neither."""
    f = str(value).strip().lower() if value is not None else ""
    return 1 if f in _TRUE else 0 if f in _FALSE else None


class Group:
    """One contract while its rows are being read: only what the final order needs."""

    __slots__ = ("amounts", "cur", "cur_key", "first", "folded", "holders", "init", "init_key", "last_amount",
                 "merged", "mod_amount", "mod_duration", "mod_holders", "mod_key", "skipped", "versions")

    def __init__(self, number: int, vkey: tuple, row: tuple):
        self.first = number
        self.merged: list[int] = []
        self.cur_key = self.init_key = vkey
        self.cur = self.init = (number, row)
        self.holders: list[tuple] = []  # (row number, slot, id, type, name) of the current version's titulaires
        self.amounts: set[str] = set()
        self.mod_amount: tuple[tuple, int, object] | None = None  # (version, row number, value)
        self.mod_duration: tuple[tuple, int, object] | None = None
        # (row number, column, id, type, name) of the titulaires the latest modification (version mod_key) names.
        self.mod_holders: list[tuple[int, int, object, object, object]] = []
        self.mod_key: tuple | None = None
        self.last_amount: tuple[tuple, int, object] | None = None  # latest version's montant not a placeholder
        self.skipped: dict[str, tuple[int, object]] = {}  # first placeholder / unreadable titulaires ignored
        self.versions = {vkey}
        self.folded: list[tuple[int, str]] = []  # (first row, id) of earlier versions folded in


def fold_superseded(groups: dict[tuple, Group], fields: dict[str, int], current: int | None) -> dict[tuple, Group]:
    """Earlier versions marked superseded folded into their contract's latest (`decp_versions.superseded_into`):
    their rows become its merged rows, their earliest row its initial version."""
    keys = list(groups)
    items = [_identity(g, fields, current) for g in groups.values()]
    for old, new in superseded_into(items).items():
        g, into = groups.pop(keys[old]), groups[keys[new]]
        into.merged += [g.first, *g.merged]
        into.versions |= g.versions
        into.folded.append((g.first, items[old][1].strip()))
        if g.init_key < into.init_key:
            into.init_key, into.init = g.init_key, g.init
    return groups


def _identity(g: Group, fields: dict[str, int], current: int | None) -> tuple[str, str, object, bool]:
    """(buyer id, id, objet, marked superseded) of a contract's current version."""
    row = g.cur[1]

    def cell(c: int | None) -> object:
        return clean_marker(row[c])[0] if c is not None and c < len(row) else None

    return (str(cell(fields.get("buyer_siret")) or "").strip(), str(cell(fields.get("id")) or ""),
            cell(fields.get("object")), read_flag(cell(current)) == 0)
