"""The buyer's supplier register (référentiel fournisseurs): SIRET -> location, size, sector, status.

Official DECP records and many finance exports carry only the supplier's SIRET, which leaves the
local-economy, SME, hard-hit-sector and inclusion indicators unknown for most real orders. A register
exported from the accounting software, or extracted from SIRENE, fills them in. Rules of the join:
- by SIRET (14 digits), else by SIREN (the first 9) when the establishment is not listed: the first
  establishment listed for that SIREN is used, and the origin says so;
- a value given on the order itself always wins over the register;
- every value taken from the register records its origin `directory:FILE:ROW`, shown in the evidence;
- a malformed register row is rejected and listed like any input row; a SIRET listed twice with
  conflicting values is reported and the first row kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from procurement.model import Order, Rejection
from procurement.read import read_file
from procurement.read.base import Cell as _Cell
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.validate import validate

SUPPLIER_FIELDS = (
    "supplier_name",
    "supplier_postcode",
    "supplier_commune",
    "supplier_country",
    "supplier_size",
    "supplier_naf",
    "supplier_status",
)


@dataclass(slots=True)
class Entry:
    siret: str
    values: dict[str, object]
    origin: str  # directory:FILE:ROW


@dataclass(slots=True)
class Conflict:
    siret: str
    kept: str
    ignored: str
    fields: list[str]


@dataclass(slots=True)
class Directory:
    by_siret: dict[str, Entry] = field(default_factory=dict)
    by_siren: dict[str, Entry] = field(default_factory=dict)
    inputs: list[InputInfo] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    # Filled as orders are joined: how many orders gained something, and which fields.
    enriched_orders: int = 0
    filled: dict[str, int] = field(default_factory=dict)

    def lookup(self, siret: str) -> tuple[Entry | None, str]:
        entry = self.by_siret.get(siret)
        if entry is not None:
            return entry, "siret"
        entry = self.by_siren.get(siret[:9])
        return entry, "siren" if entry is not None else ""

    def join(self, order: Order) -> Order:
        """Fill the supplier fields the order leaves unknown from the register."""
        if not order.supplier_siret:
            return order
        entry, how = self.lookup(order.supplier_siret)
        if entry is None:
            return order
        origin = entry.origin if how == "siret" else f"{entry.origin} (SIREN {order.supplier_siret[:9]})"
        update: dict[str, object] = {}
        origins = dict(order.origins)
        for name, value in entry.values.items():
            if getattr(order, name) is None:
                update[name] = value
                origins[name] = origin
        if not update:
            return order
        self.enriched_orders += 1
        for name in update:
            self.filled[name] = self.filled.get(name, 0) + 1
        update["origins"] = origins
        return order.model_copy(update=update)

    def summary(self) -> dict[str, object]:
        return {
            "inputs": [
                {"path": i.path, "format": i.format, "sha256": i.sha256, "rows_read": i.rows_read}
                for i in self.inputs
            ],
            "entries": len(self.by_siret),
            "rejected": len(self.rejected),
            "conflicts": [
                {"siret": c.siret, "kept": c.kept, "ignored": c.ignored, "fields": c.fields} for c in self.conflicts
            ],
            "enriched_orders": self.enriched_orders,
            "filled": dict(sorted(self.filled.items())),
        }


def _as_order_record(record: RawRecord) -> RawRecord:
    """A register row has no order id: give it one so that the shared validation can parse the row."""
    cells = dict(record.cells)
    cells["id"] = _Cell("-", f"{record.source.file}:{record.source.row}")
    return RawRecord(source=record.source, cells=cells, warnings=record.warnings)


def _missing_siret(record: RawRecord) -> Rejection:
    return Rejection(
        source=record.source,
        code="directory_missing_siret",
        field="supplier_siret",
        message_fr="ligne du référentiel sans SIRET valide (14 chiffres) : elle ne peut être rapprochée d'aucune "
        "commande",
        message_en="directory row without a valid SIRET (14 digits): it cannot be joined to any order",
    )


def load_directory(paths: Sequence[Path], options: ReadOptions | None = None) -> Directory:
    directory = Directory()
    for path in paths:
        info, records = read_file(Path(path), options or ReadOptions())
        directory.inputs.append(info)
        for record in records:
            if isinstance(record, Rejection):
                directory.rejected.append(record)
                continue
            result = validate(_as_order_record(record))
            if isinstance(result, Rejection):
                directory.rejected.append(result)
                continue
            if not result.supplier_siret or len(result.supplier_siret) != 14:
                directory.rejected.append(_missing_siret(record))
                continue
            _add(directory, result, f"directory:{result.source.file}:{result.source.row}")
    return directory


def _add(directory: Directory, row: Order, origin: str) -> None:
    values = {name: getattr(row, name) for name in SUPPLIER_FIELDS if getattr(row, name) is not None}
    siret = row.supplier_siret
    assert siret is not None
    existing = directory.by_siret.get(siret)
    if existing is not None:
        differing = sorted(k for k in values.keys() | existing.values.keys()
                           if values.get(k) != existing.values.get(k))
        if differing:
            directory.conflicts.append(Conflict(siret, existing.origin, origin, differing))
        return
    entry = Entry(siret, values, origin)
    directory.by_siret[siret] = entry
    directory.by_siren.setdefault(siret[:9], entry)
