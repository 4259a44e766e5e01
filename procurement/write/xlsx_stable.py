"""Saving a workbook so that the same content gives the same bytes.

openpyxl stamps the save time into docProps and into every zip member; two runs on the same input would
then differ. The run's own timestamp (`generated_at`, fixed by SOURCE_DATE_EPOCH) is used instead, so the
workbook changes only when the run's timestamp does, like every other output.

`splices` adds rows written outside openpyxl (xlsx_stream.SheetStream) to a sheet: they are streamed
into its zip member just before `</sheetData>`, never held in memory whole, or come already deflated
behind the sheet's head (xlsx_deflate.Deflated, or xlsx_shared.Handed: deflated by another process, tail
included): the member is then written from that stream, with the CRC and size of its text, when the
head (and a handed tail) is the one this save writes (else the rows are inflated again).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

_END = b"</sheetData>"
_EMPTY = b"<sheetData />"


def _member(name: str, stamp: tuple, level: int | None) -> zipfile.ZipInfo:
    member = zipfile.ZipInfo(name, date_time=stamp)
    member.compress_type = zipfile.ZIP_DEFLATED
    member.external_attr = 0o644 << 16
    if level is not None:
        # ZipFile.open takes the level from the ZipInfo: `compress_level` from Python 3.13, `_compresslevel` before.
        setattr(member, "compress_level" if hasattr(member, "compress_level") else "_compresslevel", level)
    return member


def _split(xml: bytes) -> tuple[bytes, bytes]:
    """(everything before the end of sheetData, the rest), with sheetData opened and left open."""
    at = xml.rfind(_END)
    if at >= 0:
        return xml[:at], xml[at:]
    at = xml.rfind(_EMPTY)
    if at < 0:
        at = xml.rfind(b"<sheetData/>")
        if at < 0:
            raise ValueError("worksheet without sheetData")
        return xml[:at] + b"<sheetData>", _END + xml[at + len(b"<sheetData/>"):]
    return xml[:at] + b"<sheetData>", _END + xml[at + len(_EMPTY):]


def save_stable(wb, path: Path, when: dt.datetime, splices: Mapping[Any, Iterable[bytes]] | None = None,
                compresslevel: int | None = None) -> None:
    """Save `wb` to `path` with `when` as every timestamp.

    `splices`: worksheet of `wb` -> chunks of `<row>` XML to add at the end of that sheet's data.
    `compresslevel`: zlib level of the spliced members (zlib's default for the others).
    """
    from openpyxl.writer.excel import ExcelWriter

    when = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook() would stamp the current time
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip dates start in 1980
    by_member = {ws.path.lstrip("/"): chunks for ws, chunks in (splices or {}).items()}  # paths set by the save
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            chunks = by_member.get(info.filename)
            if chunks is None:
                dst.writestr(_member(info.filename, stamp, None), src.read(info.filename))
                continue
            head, tail = _split(src.read(info.filename))
            with dst.open(_member(info.filename, stamp, compresslevel), "w", force_zip64=True) as out:
                if hasattr(chunks, "fits"):  # deflated already: a Deflated, or one made by another process
                    if chunks.fits(head, tail, compresslevel) and _verbatim(out, chunks, tail):
                        continue
                    chunks = chunks.rows()
                out.write(head)
                for chunk in chunks:
                    out.write(chunk)
                out.write(tail)


class _AsIs:
    """A compressor for zipfile that leaves the bytes as they are: they are deflated already."""

    @staticmethod
    def compress(data: bytes) -> bytes:
        return data

    @staticmethod
    def flush() -> bytes:
        return b""


def _verbatim(out: Any, deflated: Any, tail: bytes) -> bool:
    """Write `deflated`, completed by `tail`, as the member `out` is open for; False (nothing written) when
    this zipfile's writer lacks what that needs (its compressor, CRC and size, private to zipfile)."""
    if not all(hasattr(out, name) for name in ("_compressor", "_file_size", "_crc", "_compress_size")):
        return False
    deflated.end(tail)
    out._compressor = _AsIs()
    for chunk in deflated.compressed():
        out.write(chunk)
    out._file_size, out._crc = deflated.size, deflated.crc  # zipfile counted the compressed bytes
    return True


def sheet_heads(wb, sheets: Iterable[Any]) -> list[bytes]:
    """What saving `wb` writes before `</sheetData>` in each of `sheets` (`wb` is spent: a scratch workbook)."""
    return [head for head, _ in sheet_parts(wb, sheets)]


def sheet_parts(wb, sheets: Iterable[Any]) -> list[tuple[bytes, bytes]]:
    """(what saving `wb` writes before `</sheetData>`, and from it) in each of `sheets` (`wb` is spent)."""
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        ExcelWriter(wb, archive).save()
    with zipfile.ZipFile(buffer) as src:
        return [_split(src.read(ws.path.lstrip("/"))) for ws in sheets]


def run_time(generated_at: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(generated_at)
    except ValueError:
        return dt.datetime.now(dt.UTC)
