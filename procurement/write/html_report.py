"""report.html: the auditor's batch report, as one self-contained page (no request leaves it).

Row balance, results by rule, rejected rows and the coverage table are rendered on the server; the
orders are embedded once as compact JSON and filtered, sorted, searched and paged in the browser by a
small script (procurement/templates/assets/report.js). View model: procurement/views/batch.py.

The page is written as a stream: the orders' rows are collected one by one (`ReportSink.add`), the
template is rendered around a placeholder once the figures are known, and the rows are copied in
where the placeholder stands, so a million orders never sit in memory as one string.
"""

from __future__ import annotations

import io
import os
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from procurement.pipeline import Run
from procurement.views.batch import DATA_PLACEHOLDER, PayloadBuilder, batch_view
from procurement.views.common import base_context, figures, page_assets, render
from procurement.write.safe import atomic_path, write_with


class ReportSink:
    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.run, self.lang = run, lang
        self.target = out_dir / "report.html"
        self.tmp = stack.enter_context(atomic_path(self.target))
        self.data = PayloadBuilder(run, lang, bool(run.options.get("per_order")))
        self.add = self.data.add

    def finish(self, agg: dict[str, Any] | None = None) -> Path:
        with self.tmp.open("wb") as fh:
            _write_page(self.run, self.lang, agg, self.data, fh, os.linesep)
        return self.target


def _page(run: Run, agg: dict[str, Any] | None, context: dict[str, Any]) -> tuple[str, str]:
    """The page before and after the orders' data."""
    numbers = agg if agg is not None else figures(run)
    context.update(assets=page_assets("report.js"), v=batch_view(run, numbers, context["lang"]))
    head, sep, tail = render("report.html", context).partition(DATA_PLACEHOLDER)
    assert sep, "the report template lost its data placeholder"
    return head, tail


def _write_page(run: Run, lang: str, agg: dict[str, Any] | None, data: PayloadBuilder, fh: IO[bytes],
                linesep: str) -> None:
    """The page in UTF-8: the orders' rows are bytes already, copied as they are; the page's own text
    with its line ends as `linesep` (the text mode of a file writes `os.linesep`)."""
    head, tail = _page(run, agg, base_context(run, lang))
    fh.write(head.replace("\n", linesep).encode("utf-8"))
    for chunk in data.encoded_chunks():
        fh.write(chunk)
    fh.write(tail.replace("\n", linesep).encode("utf-8"))


def report_html(run: Run, lang: str = "fr", agg: dict[str, Any] | None = None) -> str:
    """The whole page as one string (tests, `check`-sized runs)."""
    builder = PayloadBuilder(run, lang, bool(run.options.get("per_order")))
    for scored in run.orders:
        builder.add(scored)
    out = io.BytesIO()
    _write_page(run, lang, agg, builder, out, "\n")
    return out.getvalue().decode("utf-8")


def write_html(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    return write_with(ReportSink, run, out_dir, lang)
