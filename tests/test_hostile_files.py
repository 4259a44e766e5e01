"""Workbooks built to attack the reader: XML bombs and external entities are refused quickly."""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from procurement.errors import InputError
from procurement.read import read_file

LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{"&lol{};".format(i - 1 if i > 1 else "") * 10}">' for i in range(1, 10))
    + "]>\n"
)


def _workbook_with_sheet_xml(tmp_path: Path, sheet_xml: str) -> Path:
    good = tmp_path / "good.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Identifiant", "Objet"])
    wb.active.append(["1", "x"])
    wb.save(good)
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml.encode()
            dst.writestr(item, data)
    return bad


def _read_all(path: Path) -> None:
    _, records = read_file(path)
    list(records)


@pytest.mark.parametrize(
    "payload",
    [
        LAUGHS.replace("lol9", "lol9") + '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;'
        "</t></is></c></row></sheetData></worksheet>",
        '<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        '<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&xxe;</t></is></c></row></sheetData>'
        "</worksheet>",
    ],
    ids=["billion-laughs", "external-entity"],
)
def test_xml_attacks_are_refused_in_bounded_time_and_memory(tmp_path, payload):
    path = _workbook_with_sheet_xml(tmp_path, payload)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.monotonic()
    with pytest.raises(InputError) as exc:
        _read_all(path)
    assert time.monotonic() - start < 10
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert grown_mb < 200
    message = exc.value.message("fr")
    assert "illisible" in message
    assert "entités XML interdites" in message
    assert "root:" not in message


@pytest.mark.parametrize(("name", "text"), [
    ("marche.xml", '<?xml version="1.0" encoding="UTF-8"?>\n<marches><marche><id>2024M1</id></marche></marches>'),
    ("decp.json", '\ufeff  <marches><marche><id>2024M1</id></marche></marches>'),  # XML under a .json name
])
def test_an_xml_file_is_refused_with_what_to_do(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        _read_all(path)
    assert "XML ne sont pas lus" in exc.value.message("fr") and "JSON or CSV version" in exc.value.message("en")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_a_utf16_csv_with_its_bom_is_read_not_refused_as_binary(tmp_path, encoding):
    """Excel's « Texte Unicode » export: UTF-16, whose NUL bytes once made it « fichier binaire »."""
    path = tmp_path / "commandes.csv"
    text = "Référence;Objet;Montant HT;Code CPV\nBC-1;Fournitures de bureau;1 234,56;30192000\n"
    path.write_bytes((b"" if encoding == "utf-16" else "\ufeff".encode("utf-16-be")) + text.encode(encoding))
    info, records = read_file(path)
    (record,) = list(records)
    assert info.format == "csv" and record.cells["object"].value == "Fournitures de bureau"
    assert record.cells["amount"].value == "1 234,56"
