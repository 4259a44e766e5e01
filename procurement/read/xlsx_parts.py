"""A workbook's parts as the fast reading path needs them: which zip member is the index-th sheet, which
styles are dates, and whether any part declares XML entities.

Apart from the sheet's byte scan (`xlsx_calamine_scan.py`): these read the package and its small XML parts
once per workbook (with defusedxml, or openpyxl's own stylesheet reader), the scan streams one sheet.
Whatever they cannot resolve exactly raises `NeedsOpenpyxl`: the workbook is then read by openpyxl.
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import Any

from procurement.errors import InputError

_ENTITY_HEAD = 64 * 1024
FORBIDDEN_FR = "classeur illisible : il contient des entités XML interdites (bombe XML ou entité externe possible)"
FORBIDDEN_EN = "unreadable workbook: it holds forbidden XML entities (possible XML bomb or external entity)"


class NeedsOpenpyxl(Exception):
    """This workbook has a layout the fast path cannot map exactly: read it with openpyxl."""


def refuse_entities(zf: zipfile.ZipFile, where: str) -> None:
    """openpyxl (through defusedxml) refuses entity declarations; calamine ignores or chokes on them.

    Entities can only be declared in a DOCTYPE, which comes before the root element: the head of each
    XML part is enough. A DOCTYPE whose internal subset does not close within that head is refused too.
    """
    for item in zf.infolist():
        if not item.filename.lower().endswith((".xml", ".rels", ".vml")):
            continue
        with zf.open(item) as fh:
            head = fh.read(_ENTITY_HEAD)
        upper = head.upper()
        at = upper.find(b"<!DOCTYPE")
        if at < 0:
            continue
        decl = upper[at:]
        end, bracket = decl.find(b">"), decl.find(b"[")
        open_subset = bracket >= 0 and (end < 0 or bracket < end) and b"]>" not in decl
        if b"<!ENTITY" in decl or end < 0 or open_subset:
            raise InputError(FORBIDDEN_FR, FORBIDDEN_EN, where=where)


def date_styles(zf: zipfile.ZipFile) -> tuple[Any, frozenset[int], frozenset[int]]:
    """(epoch, styles with a date format, styles with a duration format), as openpyxl reads them: its own
    stylesheet reader and workbook flag, so that the fast path decides on dates exactly as it does."""
    from defusedxml import ElementTree
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        pr = next((el for el in book.iter() if el.tag.rsplit("}", 1)[-1] == "workbookPr"), None)
        epoch = CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true") else CALENDAR_WINDOWS_1900
        if "xl/styles.xml" not in zf.NameToInfo:
            return epoch, frozenset(), frozenset()
        sheet = Stylesheet.from_tree(ElementTree.fromstring(zf.read("xl/styles.xml")))
    except Exception:
        raise NeedsOpenpyxl from None
    return epoch, frozenset(sheet.date_formats), frozenset(sheet.timedelta_formats)


def sheet_part(zf: zipfile.ZipFile, index: int) -> str:
    """The zip path of the index-th sheet of xl/workbook.xml (calamine keeps the same order)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    except Exception:
        raise NeedsOpenpyxl from None
    sheets = [el for el in book.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"]
    if index >= len(sheets):
        raise NeedsOpenpyxl
    rid = next((v for k, v in sheets[index].attrib.items() if k.rsplit("}", 1)[-1] == "id" and k != "sheetId"), None)
    target = next((el.get("Target") for el in rels if el.get("Id") == rid), None)
    if not target:
        raise NeedsOpenpyxl
    part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
    if part not in zf.NameToInfo:
        raise NeedsOpenpyxl
    return part


_BOOK_MAX = 8 * 1024 * 1024


def sheet_names(path: Any) -> list[str] | None:
    """The sheets' names in workbook order, as openpyxl and calamine list them, read before the archive
    is checked and any sheet is: only to tell that two --sheet name one sheet, so a workbook whose list
    cannot be read cheaply gives None and its reader says what is wrong with it."""
    from defusedxml import ElementTree

    try:
        with zipfile.ZipFile(path) as zf, zf.open("xl/workbook.xml") as fh:
            data = fh.read(_BOOK_MAX + 1)
        if len(data) > _BOOK_MAX:
            return None
        book = ElementTree.fromstring(data)
    except Exception:
        return None
    return [el.get("name", "") for el in book.iter() if el.tag.rsplit("}", 1)[-1] == "sheet"]
