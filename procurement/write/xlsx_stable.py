"""Saving a workbook so that the same content gives the same bytes.

openpyxl stamps the save time into docProps and into every zip member; two runs on the same input would
then differ. The run's own timestamp (`generated_at`, fixed by SOURCE_DATE_EPOCH) is used instead, so the
workbook changes only when the run's timestamp does, like every other output.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path


def save_stable(wb, path: Path, when: dt.datetime) -> None:
    from openpyxl.writer.excel import ExcelWriter

    when = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
    wb.properties.created = when
    wb.properties.modified = when
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook() would stamp the current time
    stamp = max(when, dt.datetime(1980, 1, 1)).timetuple()[:6]  # zip dates start in 1980
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))


def run_time(generated_at: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(generated_at)
    except ValueError:
        return dt.datetime.now(dt.UTC)
