"""Rows of cells to raw records: the part of reading that xlsx and CSV have in common.

A reader supplies (row number, cells, hidden) triples in file order; this module finds the header,
names every cell, skips blank rows and counts everything, so that both formats account for rows the
same way: `rows_read` counts every non-blank row below the header.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import chain

from procurement.fields import PLACE_TYPE_OF_HEADER, normalize_header
from procurement.i18n import fmt_number, plural
from procurement.model import Rejection, Source, Warning_, in_column
from procurement.parse import ParseError, parse_number, parse_percent
from procurement.parse.text import fold
from procurement.read.base import Cell, InputInfo, RawRecord, ReadOptions
from procurement.read.headers import SCAN_ROWS, NoHeaderError, column_letter, find_header, fold_mapping

Row = tuple[int, list[object], bool]  # (row number as the user sees it, cells, hidden)


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# A spreadsheet's total line (« Total », « Totaux généraux », « TOTAL GÉNÉRAL », « Montant total », « Sous-total
# Direction X », "Grand total"), folded: no digit, so that an order numbered « TOTAL-2025-01 » stays an order; a
# plain « Total » takes only the qualifiers of a total, so that a supplier « TOTAL ENERGIES MARKETING » stays a
# supplier. The plural is « totaux » (« totalaux » was matched instead, and « Totaux » was scored as an order).
_TOTAL_INITIALS = frozenset("TtSsGgMm")
_SUM_SIGNS = frozenset({"Σ", "∑", "Σ :", "∑ :", "Σ:", "∑:"})  # a sum sign alone, as some sheets label their total
_TOTAL_WORD = r"tota(?:ls?|ux)"
_TOTAL_LABEL = re.compile(
    rf"(?:(?:sous|sub) ?{_TOTAL_WORD}|grands? {_TOTAL_WORD})(?: [^0-9]*)?"
    rf"|(?:montants? )?{_TOTAL_WORD}(?: (?:general|generale|generaux|generales|ht|ttc|hors taxes|des commandes"
    r"|commandes|montant|eur|euros|cumule|cumules|annuel|annuels))*")
def _is_sum(value: object) -> bool:
    """What else a total line holds: sums (« 300 », « -1 234,56 € », « 12 % ») as the cell parsers read
    them, nothing that names an order."""
    if isinstance(value, int | float):
        return True
    for parser in (parse_number, parse_percent):
        try:
            if parser(value) is not None:
                return True
        except ParseError:
            pass
    return False


def _total_label(cells: list[object], id_col: int | None) -> tuple[int, str] | None:
    """(column, text) of a total line's label: the row's first non-blank cell reads « Total »..., the id cell
    is empty or is that label, and, unless the label is in the id cell, the row's other cells are sums (or
    that label, merged over them). Such a
    row adds up the orders above it: scored as an order, its amount counted them twice in every figure. A row
    with a text, a date or a code besides is an order, whatever its first cell says (review: a file without
    an id column whose first column is the supplier, « TOTAL ENERGIES … »)."""
    for col, value in enumerate(cells):
        if _is_blank(value):
            continue
        if not isinstance(value, str) or (value.strip() not in _SUM_SIGNS and (
                len(value) > 80 or value.lstrip()[:1] not in _TOTAL_INITIALS
                or _TOTAL_LABEL.fullmatch(fold(value)) is None)):  # the initial first: an id is folded otherwise
            return None
        if id_col is not None and id_col != col and id_col < len(cells) and not _is_blank(cells[id_col]):
            return None
        if col != id_col and not all(_is_blank(v) or v == value or _is_sum(v) for v in cells[col + 1:]):
            return None  # in the id cell itself, « Total » names no order: the row's other cells may say more
        return col, value.strip()
    return None


def _uncomputed(formulas: dict[int, str], columns: list[tuple[int, str]], labels: dict[int, str]) -> list[Warning_]:
    """A warning for each formula of the row with no computed value in a column a field reads."""
    out = []
    for col, name in columns:
        if col in formulas:
            formula = formulas[col] if len(formulas[col]) <= 200 else formulas[col][:197] + "..."
            shown = f" ({formula})" if formula else ""
            out.append(Warning_(
                code="formula_without_value", field=name, column=labels[col], value=formula or None,
                message_fr=f"formule sans valeur calculée{shown} : le classeur a été enregistré sans être calculé "
                           "(par un programme), la valeur est inconnue ; ouvrez-le dans Excel ou LibreOffice et "
                           "enregistrez-le",
                message_en=f"formula without a computed value{shown}: the workbook was saved without being "
                           "calculated (by a program), the value is unknown; open it in Excel or LibreOffice and "
                           "save it"))
    return out


# Words that open a note whatever follows; those that also open a title (« Mise à jour du logiciel »,
# « Source Vive Traiteur SARL », « Attention portée aux… ») only before a colon (« Source : SAP »).
_NOTE_OPENING = re.compile(
    r"(?:notes?|nota|n ?b|remarques?|rq|commentaires?|legende|montants|les montants|tous les montants|amounts|"
    r"all amounts|les prix|nombre de lignes)\b")
_NOTE_BEFORE_COLON = re.compile(
    r"(?:sources?|attention|avertissement|extrait|mise a jour|mis a jour|edite|export|info|informations?)\s*:")


def _is_note(value: object) -> bool:
    """A note, not a reference nor a title: words that open a note (« Note : les montants sont HT », « NB :
    montants estimés, à confirmer », « Montants en euros HT », "Amounts excl. VAT", « Source : SAP »), a
    footnote's « * », or a sentence ending with a full stop (five words or more, three of them lower-case).
    Where a row holding only its id is checked (`check`'s template: a consultation begun), a note typed in
    the id column was checked as a consultation « Note:lesmontantssontHT » (ids lose their spaces), and one
    typed in another column as a consultation without an id. A title typed alone is a consultation begun,
    asked for what it lacks: « Fourniture de denrées 2026 », « Mise à jour du logiciel… », « Source Vive
    Traiteur SARL » or « Entretien des espaces verts. » were taken for notes (session reviews), and check
    stopped with « aucune consultation lisible »."""
    if not isinstance(value, str):
        return False
    text = value.strip()
    words = text.split()
    if len(words) < 2:
        return False
    if text.startswith("*") or _NOTE_OPENING.match(fold(text)) or _NOTE_BEFORE_COLON.match(_fold_colon(text)):
        return True
    # a sentence: « Entretien des espaces verts. », a title with a full stop, is not one
    return (text.endswith(".") and len(words) >= 5
            and sum(1 for w in words if len(w) > 1 and w.isalpha() and w.islower()) >= 3)


def _fold_colon(text: str) -> str:
    """`fold`, the colons kept (« Source : SAP » is a note, « Source Vive Traiteur » a name)."""
    return ":".join(fold(part) for part in text.split(":"))


def _note(source: Source, cells: list[object], labels: dict[int, str], headers: list[str], id_col: int | None
          ) -> Rejection | None:
    """Where a row holding only its id is checked (`ReadOptions.reject_id_only` False), the rejection of a row
    whose only filled cell, in whatever column (read or not), is a note (`_is_note`), not a consultation begun
    nor one whose id is missing. A note merged over several columns is one cell (the reader gives its text
    to each). None for any other row."""
    filled = [(col, v) for col, v in enumerate(cells) if not _is_blank(v)]
    if not _is_note(filled[0][1]) or any(v != filled[0][1] for _, v in filled):  # a blank row is never read here
        return None
    col, value = filled[0]
    typed = headers[col] if col < len(headers) else None
    column = labels.get(col) or (f"{column_letter(col)} ({typed})" if typed else column_letter(col))
    text = " ".join(str(value).split())
    text = text if len(text) <= 200 else text[:197] + "..."
    hint_fr, hint_en = ("", "") if col == id_col else (" ; si la ligne est à vérifier, remplissez son identifiant",
                                                       "; if the row is to be checked, fill in its identifier")
    return Rejection(
        source=source, code="no_order_data", field="id" if col == id_col else None, column=column, value=text,
        message_fr=f"{in_column(column, 'fr')}seule cellule remplie de la ligne (« {text} ») : une note, pas une "
                   f"ligne de données{hint_fr}",
        message_en=f"{in_column(column, 'en')}the row's only filled cell (“{text}”): a note, not a data "
                   f"row{hint_en}")


def _no_order_data(source: Source, cell: Cell | None) -> Rejection:
    """A row whose only field read is its id, or none: a note or a table's footer (« Nombre de lignes : 200 »,
    « Édité le 01/12/2025 par SAP »), which was scored as an order whose rules all lacked data and counted
    in every figure as one."""
    if cell is None:
        return Rejection(source=source, code="no_order_data",
                         message_fr="ligne sans donnée de commande : aucune des colonnes lues n'y est remplie",
                         message_en="row without order data: none of the columns read is filled in")
    text = str(cell.value) if len(str(cell.value)) <= 200 else str(cell.value)[:197] + "..."
    return Rejection(
        source=source, code="no_order_data", field="id", column=cell.column, value=text,
        message_fr=f"{in_column(cell.column, 'fr')}ligne sans donnée de commande, seul l'identifiant est rempli "
                   f"(« {text} ») : une note ou un pied de tableau, pas une commande",
        message_en=f"{in_column(cell.column, 'en')}row without order data, only the identifier is filled in "
                   f"(“{text}”): a note or a table footer, not an order")


def records_from_rows(
    rows: Iterable[Row],
    *,
    file: str,
    sheet: str | None,
    options: ReadOptions,
    info: InputInfo,
    where: str,
    uncomputed: dict[int, dict[int, str]] | None = None,
    delimiter: str | None = None,
) -> Iterator[RawRecord | Rejection]:
    """`uncomputed`: row -> 0-based column -> formula, of a workbook's formulas saved without a value
    (`xlsx_calamine_scan`), said on their rows where a field reads them. `delimiter`: a CSV's, whose rows
    should have as many fields as its header (`_field_count`); a workbook's rows have no such count."""
    rows = iter(rows)
    # Buffer rows until SCAN_ROWS non-blank ones are seen: the header is among them, whatever blank
    # lines precede it.
    buffered: list[Row] = []
    non_blank: list[int] = []
    for row in rows:
        buffered.append(row)
        if not all(_is_blank(v) for v in row[1]):
            non_blank.append(len(buffered) - 1)
            if len(non_blank) == SCAN_ROWS:
                break
    if not non_blank:  # a header error: a workbook's empty first sheet (« Feuil1 ») is passed over as a notice is
        raise NoHeaderError(
            f"{'la feuille « ' + sheet + ' » est vide' if sheet else 'le fichier est vide'}",
            f"sheet “{sheet}” is empty" if sheet else "the file is empty",
            where=where,
        )
    header = find_header([buffered[i][1] for i in non_blank], fold_mapping(options.mapping), where)
    header_at = non_blank[header.row_index]
    head = buffered
    header.row_index = header_at
    header_row_number = head[header.row_index][0]
    info.header_row = header_row_number
    info.columns = {header.headers[c]: f for c, f in header.columns.items()}
    info.ignored_columns = header.ignored
    if header.duplicates:
        info.notes.append("duplicate_columns:" + ", ".join(header.duplicates))
        info.duplicate_columns = [(header.headers[c], header.headers[f]) for c, f in header.duplicate_of.items()]
    columns = sorted(header.columns.items())
    labels = {c: f"{column_letter(c)} ({header.headers[c]})" for c, _ in columns}
    # field -> [(column read, its duplicate)], for the rows where the first is empty
    spares: dict[str, list[tuple[int, int]]] = {}
    for dup, first in header.duplicate_of.items():
        spares.setdefault(header.columns[first], []).append((first, dup))
    # An empty id cell is kept (value None) so that its rejection names the column (`missing_id`).
    id_label = next((labels[c] for c, name in columns if name == "id"), None)
    id_col = next((c for c, name in columns if name == "id"), None)
    if id_label is None:
        info.notes.append("no_id_column")
    original_headers = [(i, h) for i, h in enumerate(header.headers) if h]
    implied = _implied_place_type(header, labels)
    blank = 0
    # a CSV row is short if it ends before the header's last named column (trailing empty headers aside)
    named_width = max((i + 1 for i, h in enumerate(header.headers) if h), default=0) if delimiter else 0

    for number, cells, hidden in chain(head[header.row_index + 1 :], rows):
        if all(_is_blank(v) for v in cells):
            blank += 1
            continue
        info.rows_read += 1
        source = Source(file=file, sheet=sheet, row=number)
        if (total := _total_label(cells, id_col)) is not None:
            col, text = total
            column = labels.get(col) or column_letter(col)
            yield Rejection(
                source=source, code="total_row", column=column, field=dict(columns).get(col), value=text,
                # words that fit score's orders and check's consultations and bids alike
                message_fr=f"{in_column(column, 'fr')}ligne de total (« {text} »), pas une ligne de données : évaluée, "
                           "elle aurait compté deux fois le montant des lignes qu'elle additionne",
                message_en=f"{in_column(column, 'en')}a total line (“{text}”), not a data row: scored, it would have "
                           "counted twice the amount of the rows it adds up",
            )
            continue
        record = RawRecord(source=source, cells={})
        width = len(cells)
        for col, name in columns:
            if col < width:
                value = cells[col]
                if not _is_blank(value):
                    record.cells[name] = Cell(labels[col], value)
        if spares:
            _fill_from_duplicates(record, cells, spares, labels, header.headers)
        # len first: an order has several fields, and this runs on every row (no list made for it)
        if (options.reject_id_only and len(record.cells) <= 1 and (not record.cells or "id" in record.cells)
                and not (uncomputed and number in uncomputed)):
            yield _no_order_data(source, record.cells.get("id"))
            continue
        if (not options.reject_id_only and not (uncomputed and number in uncomputed)
                and (note := _note(source, cells, labels, header.headers, id_col))):
            yield note
            continue
        if implied is not None and "place_code" in record.cells:
            record.cells["place_type"] = implied
        if id_label is None:
            record.cells["id"] = Cell("-", f"{sheet or 'L'}-{number}" if sheet else f"L{number}")
        elif "id" not in record.cells:
            record.cells["id"] = Cell(id_label, None)
        record.original = {h: (cells[i] if i < width else None) for i, h in original_headers}
        if uncomputed and number in uncomputed:
            record.warnings.extend(_uncomputed(uncomputed[number], columns, labels))
        if hidden:
            record.warnings.append(
                Warning_(
                    code="hidden_row",
                    message_fr="ligne masquée dans le classeur : elle est lue comme les autres",
                    message_en="row hidden in the workbook: it is read like the others",
                )
            )
        beyond = width > len(header.headers) and any(not _is_blank(v) for v in cells[len(header.headers) :])
        if delimiter is not None and (beyond or width < named_width):
            record.warnings.append(_field_count(width, len(header.headers), delimiter))
        elif beyond:
            record.warnings.append(
                Warning_(
                    code="cells_beyond_header",
                    message_fr="des cellules à droite du tableau n'ont pas d'en-tête et sont ignorées",
                    message_en="cells right of the table have no header and are ignored",
                )
            )
        yield record
    if blank:
        info.notes.append(f"blank_rows:{blank}")


def _field_count(width: int, columns: int, delimiter: str) -> Warning_:
    """A CSV row with fewer or more fields than its header: its cells are not where the header says. Fewer,
    it was scored with its last columns empty; more, its cells shifted by an unquoted delimiter made it
    rejected for values in the wrong columns, the cause unsaid (`validate` puts this first in a rejection)."""
    shown = "tabulation" if delimiter == "\t" else f"« {delimiter} »"
    shown_en = "tab" if delimiter == "\t" else f"“{delimiter}”"
    counts_fr = f"la ligne a {fmt_number(width)} {plural(width, 'champ', 'champs', 'fr')} pour " \
                f"{fmt_number(columns)} {plural(columns, 'colonne', 'colonnes', 'fr')}"
    counts_en = f"the row has {fmt_number(width, 'en')} {plural(width, 'field', 'fields', 'en')} for " \
                f"{fmt_number(columns, 'en')} {plural(columns, 'column', 'columns', 'en')}"
    if width < columns:
        return Warning_(
            code="row_fields_short", value=str(width),
            message_fr=f"{counts_fr} : un séparateur manque ou une cellule contient un retour à la ligne non "
                       "protégé (entre guillemets) ; les colonnes manquantes sont lues vides",
            message_en=f"{counts_en}: a delimiter is missing or a cell holds an unquoted line break; the "
                       "missing columns are read as empty")
    return Warning_(
        code="row_fields_long", value=str(width),
        message_fr=f"{counts_fr} : une cellule contient sans doute un séparateur {shown} non protégé (entre "
                   "guillemets), qui décale les cellules suivantes ; les champs en trop sont ignorés",
        message_en=f"{counts_en}: a cell likely holds an unquoted delimiter {shown_en}, which shifts the cells "
                   "after it; the extra fields are ignored")


def _fill_from_duplicates(record: RawRecord, cells: list[object], spares: dict[str, list[tuple[int, int]]],
                          labels: dict[int, str], headers: list[str]) -> None:
    """A field whose column is empty on the row takes the value of a second column recognised as the same
    field, with a warning naming both: « Montant HT » empty and « Montant HT (€) » filled read no amount,
    and said nothing of it (auditor review)."""
    width = len(cells)
    for name, pairs in spares.items():
        if name in record.cells:
            continue
        for first, dup in pairs:
            if dup >= width or _is_blank(cells[dup]):
                continue
            column = f"{column_letter(dup)} ({headers[dup]})"
            record.cells[name] = Cell(column, cells[dup])
            shown = " ".join(str(cells[dup]).split())
            shown = shown if len(shown) <= 200 else shown[:197] + "..."
            record.warnings.append(Warning_(
                code="value_from_duplicate_column", field=name, column=column, value=shown,
                message_fr=f"{in_column(column, 'fr')}valeur lue ici, la colonne {labels[first]}, reconnue comme le "
                           "même champ, étant vide sur cette ligne : vérifiez laquelle des deux colonnes est la bonne",
                message_en=f"{in_column(column, 'en')}value read here, column {labels[first]}, recognised as the "
                           "same field, being empty on this row: check which of the two columns is right"))
            break


def _implied_place_type(header, labels: dict[int, str]) -> Cell | None:
    """The place type a place column's header states (« Code postal du lieu d'exécution »), as the cell
    every row with a place code gets, unless a column gives the type row by row."""
    fields = header.columns
    if "place_type" in fields.values():
        return None
    col = next((c for c, name in fields.items() if name == "place_code"), None)
    kind = None if col is None else PLACE_TYPE_OF_HEADER.get(normalize_header(header.headers[col]))
    return None if kind is None else Cell(labels[col], kind)
