"""Which rulebook fields an input format cannot carry: the difference between « not given » and « not
givable ».

Why: a buyer's workbook can hold every field (a missing column is one the buyer can add), so an empty
declared-emissions cell is a fact the rulebook may judge: the figure was not collected. The essential
data (DECP) and OCDS have no place for it at all: every contract would fail for a figure its publisher
could not publish. Readers of those formats say so on each record (`Uncarried`), the order keeps it,
and the operator `reported` (procurement/rulebook/operators.py) reads it: unknown, not false, when the
format cannot carry the field. `present` / `absent` do not look at it: « no declared figure, use the
estimate » (CARB-01) is as true on DECP as anywhere.

The lists name the values only a bidder or a supplier declares (docs/rules.md, rulebook conventions);
other fields these formats lack (a launch date, award criteria' weights) stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass

# Declared by the bidder or the supplier, and in none of the DECP formats (2019 and 2022+ JSON, the
# tables of decp.info and the Ministry) nor in OCDS (its sustainability extension gives considerations
# only, read as env_considerations / social_considerations).
SUPPLIER_DECLARED = frozenset({
    "declared_emissions", "intermediaries", "delivery_km", "insertion_hours", "organic_share", "egalim_share",
    "meat_fish_egalim_share", "recycled_share",
})


@dataclass(frozen=True, slots=True)
class Uncarried:
    """The fields a record's input format cannot carry, and that format's name as messages give it."""

    format: str  # "DECP", "OCDS"
    fields: frozenset[str]

    def __reduce__(self) -> tuple:
        # A format's full list travels as its name: the spool keeps one per order.
        if self.fields == SUPPLIER_DECLARED:
            return uncarried, (self.format,)
        return uncarried, (self.format, tuple(sorted(self.fields)))


_KEPT: dict[tuple, Uncarried] = {}


def uncarried(format: str, fields: tuple[str, ...] | frozenset[str] | None = None) -> Uncarried:
    """The `Uncarried` of a format (all of SUPPLIER_DECLARED unless `fields` says less), one object per
    value in a process: an input's records share it."""
    names = SUPPLIER_DECLARED if fields is None else frozenset(fields)
    key = (format, names)
    found = _KEPT.get(key)
    if found is None:
        found = _KEPT[key] = Uncarried(format, names)
    return found


def less_columns(base: Uncarried, columns: object) -> Uncarried | None:
    """`base` less the fields a table has a column for: a column the user added or mapped beside the DECP
    columns (« Émissions déclarées (kgCO2e) ») carries its field, and an empty cell there is a fact."""
    left = base.fields - set(columns)  # type: ignore[call-overload]
    return base if left == base.fields else uncarried(base.format, left) if left else None


DECP = uncarried("DECP")
OCDS = uncarried("OCDS")
# What an example of a rulebook may say it was read from (`format:`, procurement/rulebook/schema.py).
EXAMPLE_FORMATS = {"decp": DECP, "ocds": OCDS}
