"""DECP tables: the decp.info consolidated export, the Ministry's "DECP augmenté" (';', titulaire_id_1..3,
MQ/CDL/INX markers, list values as Python reprs), the decp-table-schema CSV, and buyers' own exports
that use the DECP column names (Région Bretagne's pipe-separated 'rendu compte').

These tables have one row per (contract × titulaire × version): a contract with 14 co-contractors and 18
modifications is 252 rows. Rows are grouped by `uid`, else by (acheteur id, id) — and the notification date
and object when the id is a marker (« NC »), lest all such contracts of a buyer become one —, into ONE order:
* the current version is the rows with `donneesActuelles` true, else the highest modification id, else
  the latest notification date (a version under an id of its own that the table marks superseded is folded
  into its contract's latest: `decp_table_rows.fold_superseded`); its first row gives the cells and its first
  titulaire the supplier; the other titulaires of that version are listed in a "co_contractors" warning;
* montant is NEVER summed across rows: the current amount is the latest `montantModification` if the
  export has one, else the current row's `montant` or, if a placeholder (0...), the latest version's that is
  not; notification, publication and start-of-execution dates are the initial version's (decp.info rewrites
  them per version);
* accounting: `rows_read` counts every non-blank data row, and rows_read = orders + merged rows +
  rejected rows, where an order's Source has `row` = the first row of its group and `merged_rows` = the
  others; then every column label names its row ("F7 (montant)"): a value may come from another row.

Markers: "MQ" (missing) and "CDL" (conditional, empty) are blanks, but an amount's or an id's is passed on (the
validator says it is not given, as for "NC"); "INX <value>" is <value> with an "invalid_in_source" warning; in a
modification column any marker ("NC" too), a placeholder amount or a duration of 0 months or less leaves the earlier
value, and an idAccordCadre marker or "Sans objet" is no framework. The Ministry's `idTitulaireModification` (2022)
and `titulairesModification` (2019, a list in one cell) replace the titulaires, as a modification's `titulaires`
does in the JSON reader. A changed amount keeps the initial one (`initial_amount`). Memory holds, per contract, its
current row, its initial row when different, and row numbers: never the whole file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from procurement.carriage import DECP, Uncarried, less_columns
from procurement.errors import InputError
from procurement.fields import match_header, normalize_header
from procurement.model import Rejection, Source, Warning_
from procurement.read.base import Cell, InputInfo, RawRecord, ReadOptions, check_size
from procurement.read.csv_reader import REPAIRED_NOTE, LineDecoded, iter_csv_rows, open_text, sniff_delimiter
from procurement.read.decp_common import (
    TABULAR_COLUMNS,
    TITULAIRE_COLUMN,
    FractionCell,
    date_sort_key,
    derive_nature,
    fold,
    is_blank,
    is_decp_header,
    looks_like_test,
    no_framework,
    not_given,
    note_modified,
    placeholder_amount,
    placeholder_modification,
    placeholder_warning,
    skipped_warning,
    warning,
)
from procurement.read.decp_holders import (
    co_contractors_warning,
    distinct,
    holder_in_row,
    holder_modified_warning,
    holders_in_text,
    supplier_cells,
)
from procurement.read.decp_table_rows import Group, clean_marker, fold_superseded, read_flag
from procurement.read.headers import SCAN_ROWS, column_letter, fold_mapping

_SLOT_PARTS = {"id": "id", "nom": "name", "denominationsociale": "name"}
_MAX_VALUES = 5
# decp.info rewrites dateNotification with each modification's: these come from the initial version (a
# concession's start of execution too, which no modification changes).
_INITIAL_FIELDS = ("notification_date", "publication_date", "execution_start_date")


class _Layout:
    """What each column of the header means."""

    def __init__(self, headers: list[str], mapping: dict[str, str] | None):
        self.headers = headers
        self.fields: dict[str, int] = {}  # canonical field -> column
        self.roles: dict[str, int] = {}  # '@uid', '@current'... -> column
        self.slots: dict[int, dict[str, int]] = {}  # titulaire slot -> {'id'|'type'|'name': column}
        self.ignored: list[str] = []
        self.duplicates: list[str] = []
        self.letters = [column_letter(i) for i in range(len(headers))]
        for col, text in enumerate(headers):
            if not text:
                continue
            key = fold(text)
            target = (mapping or {}).get(normalize_header(text)) or TABULAR_COLUMNS.get(key)
            m = TITULAIRE_COLUMN.match(key) if target is None else None
            if m:
                part = "type" if m.group(1).startswith("typeidentifiant") else _SLOT_PARTS[m.group(1)]
                slot = self.slots.setdefault(int(m.group(2) or 0), {})
                if part in slot:
                    self.duplicates.append(text)
                else:
                    slot[part] = col
                continue
            if target is None:
                target = match_header(text)
                if target in self.fields or target in {"id", "supplier_siret", "supplier_name"}:
                    target = None
            if target is None:
                self.ignored.append(text)
                continue
            table = self.roles if target.startswith("@") else self.fields
            if target in table:
                self.duplicates.append(text)
            else:
                table[target] = col
        self.slot_items = sorted(self.slots.items())
        self.uncarried: Uncarried | None = less_columns(DECP, self.fields)  # what the table cannot carry

    def holders(self, number: int, row: tuple) -> list[tuple]:
        """(row number, slot, id, type, name) of each titulaire of a row, markers read, blanks skipped."""
        out = []
        for slot, parts in self.slot_items:
            v = [clean_marker(row[parts[p]])[0] if p in parts and parts[p] < len(row) else None
                 for p in ("id", "type", "name")]
            if not is_blank(v[0]) or not is_blank(v[2]):
                out.append((number, slot, *v))
        return out

    def columns(self) -> tuple[dict[str, str], list[str]]:
        """(header -> canonical field, the other DECP columns the reader uses: versions, co-contractors)."""
        named = {self.headers[c]: f for f, c in self.fields.items()}
        used = [self.headers[c] for c in self.roles.values()]
        for i, (_, slot) in enumerate(self.slot_items):
            for part, c in slot.items():
                if i == 0 and part != "type":
                    named[self.headers[c]] = "supplier_siret" if part == "id" else "supplier_name"
                else:
                    used.append(self.headers[c])
        return named, used


def _find_layout(rows: list[tuple[int, list[object], bool]], mapping: dict[str, str] | None,
                 where: str) -> tuple[int, _Layout]:
    for index, (_, cells, _) in enumerate(rows):
        headers = [" ".join(str(c).split()) if c is not None else "" for c in cells]
        if is_decp_header({fold(h) for h in headers if h}):
            return index, _Layout(headers, mapping)
    raise InputError(
        "pas un tableau DECP : colonnes attendues « uid » ou « id », « acheteur_id », « codeCPV » et "
        "« montant » (ou « dateNotification ») dans les 30 premières lignes",
        "not a DECP table: expected columns 'uid' or 'id', 'acheteur_id', 'codeCPV' and 'montant' "
        "(or 'dateNotification') in the first 30 rows", where=where)


class DecpTabularReader:
    name = "decp-csv"

    def detect(self, path: Path, head: bytes) -> bool:
        text = head.decode("utf-8-sig", errors="ignore") if not head.startswith(b"\xff\xfe") else ""
        if not text.strip() or text.lstrip()[:1] in "{[<":
            return False
        lines = text.splitlines()[: SCAN_ROWS + 1]
        if len(lines) > 1 and (len(lines) > SCAN_ROWS or not text.endswith(("\n", "\r"))):
            lines = lines[:-1]  # the last line may be cut by the head
        delimiter = sniff_delimiter("\n".join(lines))
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            return False
        return any(is_decp_header({fold(c) for c in row if c.strip()}) for row in rows)

    def read(self, path: Path, options: ReadOptions, info: InputInfo) -> Iterator[RawRecord | Rejection]:
        where = str(path)
        check_size(path, options.max_bytes)
        fh, encoding, delimiter = open_text(path)
        info.notes += [f"encoding:{encoding}", f"delimiter:{delimiter}"]
        with fh:
            rows = iter_csv_rows(fh, delimiter, where)
            head = [r for _, r in zip(range(SCAN_ROWS), rows, strict=False)]
            index, layout = _find_layout(head, fold_mapping(options.mapping), where)
            info.header_row = head[index][0]
            info.columns, used = layout.columns()
            info.notes.append("decp_columns:" + ", ".join(used))
            info.ignored_columns = layout.ignored
            if layout.duplicates:
                info.notes.append("duplicate_columns:" + ", ".join(layout.duplicates))
            groups = fold_superseded(self._group(layout, head[index + 1 :], rows, info), layout.fields,
                                     layout.roles.get("@current"))
        merged = sum(len(g.merged) for g in groups.values())
        info.notes += [f"contracts:{len(groups)}", f"merged_rows:{merged}"]
        if isinstance(fh, LineDecoded) and fh.repaired_lines:  # said beside the rows, as CsvReader does
            info.notes.append(f"{REPAIRED_NOTE}{fh.repaired_lines}")
        for group in groups.values():
            yield _order(group, layout, options.file_label or path.name)

    def _group(self, layout: _Layout, head: list, rows: Iterator, info: InputInfo) -> dict[tuple, Group]:
        groups: dict[tuple, Group] = {}
        col = layout.roles.get
        f = layout.fields.get
        blank = 0

        def value(row: tuple, c: int | None, kept: bool = False) -> object:
            return clean_marker(row[c], kept)[0] if c is not None and c < len(row) else None

        for number, row, _hidden in chain(head, rows):
            if not "".join(row).strip():
                blank += 1
                continue
            row = tuple(row)  # tuples of str leave the garbage collector alone: grouping stays linear
            info.rows_read += 1
            uid, ident, buyer = value(row, col("@uid")), value(row, f("id"), True), value(row, f("buyer_siret"))
            if not is_blank(uid):
                key: tuple = ("uid", str(uid).strip())
            elif not is_blank(ident):  # an id « NC » is no contract's: its date and object tell contracts apart
                key = ("id", str(buyer or "").strip(), str(ident).strip(), *([str(value(row, f(n))).strip()
                       for n in ("notification_date", "object")] if not_given(ident) else ()))
            else:
                key = ("row", number)
            mod = value(row, col("@mod_id"))
            vkey = (read_flag(value(row, col("@current"))) or 0,
                    int(str(mod).strip()) if not is_blank(mod) and str(mod).strip().isdigit() else 0,
                    date_sort_key(value(row, col("@mod_date")) or value(row, f("notification_date"))))
            g = groups.get(key)
            if g is None:
                g = groups[key] = Group(number, vkey, row)
            else:
                g.merged.append(number)
                g.versions.add(vkey)
                if vkey > g.cur_key:
                    g.cur_key, g.cur, g.holders, g.amounts = vkey, (number, row), [], set()
                if vkey < g.init_key:
                    g.init_key, g.init = vkey, (number, row)
            amount = value(row, f("amount"))
            if vkey == g.cur_key:
                g.holders += layout.holders(number, row)
                if not is_blank(amount) and len(g.amounts) < _MAX_VALUES:
                    g.amounts.add(str(amount).strip())
            if not not_given(amount) and not placeholder_amount(amount) and (
                    g.last_amount is None or vkey > g.last_amount[0]):
                g.last_amount = (vkey, number, amount)
            # A modification's marker ("NC"), placeholder amount or 0 months says nothing: the value known before stays.
            for attr, role in (("mod_amount", "@mod_amount"), ("mod_duration", "@mod_duration")):
                v = value(row, col(role))
                seen = getattr(g, attr)
                if not not_given(v) and placeholder_modification(attr[4:], v):  # "amount", "duration"
                    g.skipped.setdefault(attr[4:], (number, v))
                elif not not_given(v) and (seen is None or vkey >= seen[0]):
                    setattr(g, attr, (vkey, number, v))
            new = _mod_holders(layout.roles, number, row, g)
            if new and (g.mod_key is None or vkey >= g.mod_key):
                if vkey != g.mod_key:  # a later modification's titulaires replace, not add (notes §3)
                    g.mod_key, g.mod_holders = vkey, []
                g.mod_holders += new
        if blank:
            info.notes.append(f"blank_rows:{blank}")
        return groups


def _order(g: Group, layout: _Layout, file: str) -> RawRecord:
    grouped = bool(g.merged)
    warnings: list[Warning_] = []
    cells: dict[str, Cell] = {}

    def label(c: int, number: int) -> str:
        return f"{layout.letters[c]}{number if grouped else ''} ({layout.headers[c]})"

    def at(c: int | None, number: int, row: tuple, field: str | None = None, flag: bool = True) -> Cell | None:
        """The cell of a column in a row, markers read; an INX value is kept and flagged."""
        if c is None or c >= len(row):
            return None
        v, inx = clean_marker(row[c], field in ("amount", "initial_amount", "id"))
        if is_blank(v):
            return None
        cell = (FractionCell if field in ("origin_france", "origin_eu") else Cell)(label(c, number), v)
        if inx and flag:
            warnings.append(warning("invalid_in_source", field=field, column=cell.column, value=v))
        return cell

    number, row = g.cur
    init_no, init_row = g.init
    for field, c in layout.fields.items():
        cell = None
        if field in _INITIAL_FIELDS and init_row is not row:
            cell = at(c, init_no, init_row, field)
        if cell is None:
            cell = at(c, number, row, field)
        if cell is not None:
            cells[field] = cell
    if "framework_id" in cells and no_framework(cells["framework_id"].value):
        del cells["framework_id"]  # "NC", "Sans objet": no accord-cadre, so no marché subséquent
    amount, last = cells.get("amount"), g.last_amount
    if amount is not None and last is not None and last[1] != number and placeholder_amount(amount.value):
        cells["amount"] = Cell(label(layout.fields["amount"], last[1]), last[2])  # the latest real amount
        warnings.append(placeholder_warning(amount, cells["amount"]))
    n = len(g.versions) - 1
    for field, mod in (("amount", g.mod_amount), ("duration_months", g.mod_duration)):
        c = layout.fields.get(field)
        initial = at(c, init_no, init_row, flag=False) if init_row is not row else cells.get(field)
        m = layout.roles.get("@mod_" + field.split("_")[0])
        if mod is not None and m is not None:
            cells[field] = Cell(label(m, mod[1]), mod[2])
            n = max(n, 1)
        current = cells.get(field)
        if current is not None and current is not initial and (w := note_modified(cells, field, initial, current, n)):
            warnings.append(w)
    if len(g.amounts) > 1 and "amount" in cells:
        warnings.append(warning("inconsistent_rows", field="amount", column=cells["amount"].column,
                                value=cells["amount"].value, values=", ".join(sorted(g.amounts))))

    tech = at(layout.roles.get("@techniques"), number, row, flag=False)
    nature = cells.get("nature")
    concession = nature is not None and fold(nature.value).startswith(("concession", "delegation"))
    derived = derive_nature(nature, tech, cells.get("framework_id"), concession)
    if derived is not None:
        cells["nature"] = derived

    holders = distinct([holder_in_row(layout.slots[slot], n_, ident, kind, name, label)
                        for n_, slot, ident, kind, name in g.holders])
    for what, (row_no, v) in g.skipped.items():  # a placeholder amount or duration, unreadable titulaires: ignored
        warnings.append(skipped_warning(what, Cell(label(layout.roles["@mod_" + what], row_no), v), cells))
    if g.mod_holders:  # the Ministry's modification titulaires: the same rule as the JSON reader's
        id_col, type_col = layout.roles.get("@mod_holder_id"), layout.roles.get("@mod_holder_type")
        parts = {"id": id_col} if type_col is None else {"id": id_col, "type": type_col}
        initial, holders = holders[0] if holders else None, distinct(
            [holder_in_row(parts if c == id_col else {"id": c, "type": c, "name": c}, n_, ident, kind, name, label)
             for n_, c, ident, kind, name in g.mod_holders])
        if w := holder_modified_warning(initial, holders, max(n, 1)):
            warnings.append(w)
    if holders:
        cells.update(supplier_cells(holders[0]))
        if len(holders) > 1:
            warnings.append(co_contractors_warning(holders))
    if "object" in cells and looks_like_test(cells["object"].value):
        warnings.append(warning("test_record", field="object", column=cells["object"].column,
                                value=cells["object"].value, objet=cells["object"].value))
    c = layout.roles.get("@current")
    if c is not None and c < len(row) and read_flag(clean_marker(row[c])[0]) == 0:
        warnings.append(warning("superseded_version", column=label(c, number), value=row[c]))
    if g.folded and "id" in cells:
        ident, c = str(cells["id"].value).strip(), layout.fields["id"]
        warnings.append(warning("versions_merged", field="id", column=cells["id"].column, value=ident, base=ident[:-2],
                                latest=ident[-2:], older=", ".join(i[-2:] for _, i in sorted(g.folded)),
                                where=", ".join(label(c, n) for n, _ in sorted(g.folded))))
    source = Source(file=file, row=g.first, merged_rows=tuple(sorted(g.merged)))
    original = {h: (row[i] if i < len(row) else None) for i, h in enumerate(layout.headers) if h}
    return RawRecord(source=source, cells=cells, warnings=warnings, original=original, uncarried=layout.uncarried)


def _mod_holders(roles: dict[str, int], number: int, row: tuple, g: Group) -> list[tuple]:
    """(row number, column, id, type, name) of the titulaires a row's modification columns name: the 2022
    export's idTitulaireModification (one per row), the 2019 export's titulairesModification (a list)."""
    def get(role: str) -> object:
        c = roles.get(role)
        return clean_marker(row[c])[0] if c is not None and c < len(row) else None

    out: list[tuple] = []
    if not not_given(v := get("@mod_holder_id")):
        out.append((number, roles["@mod_holder_id"], v, get("@mod_holder_type"), None))
    if not not_given(v := get("@mod_holders")):
        if (found := holders_in_text(v)) is None:
            g.skipped.setdefault("holders", (number, v))  # warned about; the titulaires known stay
        else:
            out += [(number, roles["@mod_holders"], *h) for h in found]
    return out

