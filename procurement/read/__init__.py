"""Readers by name, and the choice of one for a file.

Built-in readers register here exactly as a new one would: add a class with `name`, `detect` and
`read` (see `base.Reader`) and list it in `READERS`. The choice looks at the bytes first and the
extension second, so that a CSV renamed .xlsx is refused with a clear message rather than misread.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Iterator
from pathlib import Path

from procurement.errors import InputError
from procurement.model import Rejection
from procurement.read.base import InputInfo, RawRecord, Reader, ReadOptions, check_size
from procurement.read.csv_reader import CsvReader
from procurement.read.xlsx_reader import XlsxReader


def _readers() -> dict[str, Reader]:
    readers: list[Reader] = [XlsxReader(), CsvReader()]
    try:  # the DECP readers are optional modules of this package
        from procurement.read.decp_json import DecpJsonReader
        from procurement.read.decp_tabular import DecpTabularReader

        readers[1:1] = [DecpTabularReader()]
        readers.append(DecpJsonReader())
    except ImportError:  # pragma: no cover - during development only
        pass
    try:  # after decp-json: its detect never claims a DECP file, but DECP goes first anyway
        from procurement.read.ocds import OcdsReader

        readers.append(OcdsReader())
    except ImportError:  # pragma: no cover - during development only
        pass
    return {r.name: r for r in readers}


READERS: dict[str, Reader] = _readers()
HEAD_BYTES = 64 * 1024


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _utf8_head(head: bytes) -> bytes:
    """The head as UTF-8 for the detectors: a JSON file saved as UTF-16 (Windows' « Unicode ») is read by
    its reader, but its keys were not found in the raw bytes."""
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            return head[len(bom):].decode(codec, errors="ignore").encode("utf-8")
    return head


def choose_reader(path: Path, forced: str | None = None) -> Reader:
    if forced:
        try:
            return READERS[forced]
        except KeyError:
            raise InputError(
                f"format « {forced} » inconnu ; formats : {', '.join(READERS)}",
                f"unknown format '{forced}'; formats: {', '.join(READERS)}",
            ) from None
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    if not head.strip():
        raise InputError("le fichier est vide", "the file is empty", where=str(path))
    suffix = path.suffix.lower()
    is_zip = head.startswith(b"PK")
    if suffix in {".xlsx", ".xlsm"} or is_zip or head.startswith(b"\xd0\xcf\x11\xe0"):
        if suffix not in {".xlsx", ".xlsm"}:
            raise InputError(
                f"ce fichier est un classeur ou une archive, pas un fichier {suffix or 'texte'} : "
                "renommez-le en .xlsx",
                f"this file is a workbook or an archive, not a {suffix or 'text'} file: rename it .xlsx",
                where=str(path),
            )
        return READERS["xlsx"]
    if suffix == ".xls":
        raise InputError(
            "le format .xls (Excel 97-2003) n'est pas lu : enregistrez le classeur au format .xlsx",
            "the .xls format (Excel 97-2003) is not read: save the workbook as .xlsx",
            where=str(path),
        )
    text = _utf8_head(head)
    for reader in READERS.values():
        if reader.name in {"xlsx", "csv"}:
            continue
        if reader.detect(path, text):
            return reader
    if suffix == ".xml" or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        raise InputError(
            "les fichiers XML ne sont pas lus, DECP au format XML compris : prenez la version JSON ou CSV "
            "des mêmes données",
            "XML files are not read, DECP in XML included: take the JSON or CSV version of the same data",
            where=str(path),
        )
    if suffix in {".json", ".jsonl", ".ndjson"} and not text.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        raise InputError(
            "JSON illisible : le fichier ne commence ni par « { » ni par « [ » (est-ce bien un fichier JSON ?)",
            "unreadable JSON: the file starts with neither “{” nor “[” (is it a JSON file?)",
            where=str(path),
        )
    if suffix in {".json", ".jsonl", ".ndjson"}:
        raise InputError(
            "fichier JSON non reconnu : attendu un fichier DECP (clé « marches ») ou OCDS "
            "(« releases », « records » ou « ocid »)",
            "unrecognised JSON file: expected a DECP file ('marches' key) or OCDS ('releases', 'records' "
            "or 'ocid')",
            where=str(path),
        )
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return READERS["csv"]  # Excel's « Texte Unicode » export: its NUL bytes are not a binary file's
    if b"\0" in head[:4096] and head.count(b"\0") > len(head) // 10:
        raise InputError(
            "fichier binaire : ni classeur .xlsx, ni CSV, ni JSON",
            "binary file: neither an .xlsx workbook, nor CSV, nor JSON",
            where=str(path),
        )
    return READERS["csv"]


def read_file(
    path: Path, options: ReadOptions | None = None, forced_format: str | None = None
) -> tuple[InputInfo, Iterator[RawRecord | Rejection]]:
    """Open one input; the iterator fills `info` (rows_read, columns...) as it is consumed."""
    options = options or ReadOptions()
    if not path.is_file():
        raise InputError("fichier introuvable", "file not found", where=str(path))
    check_size(path, options.max_bytes)
    reader = choose_reader(path, forced_format)
    info = InputInfo(path=str(path), format=reader.name, sha256=sha256_of(path))
    if options.sheet is not None and reader.name != "xlsx":  # said, not silently dropped: a CSV has no sheets
        info.notes.append(f"sheet_ignored:{options.sheet}")
    return info, reader.read(path, options, info)
