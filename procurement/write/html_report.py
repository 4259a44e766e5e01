"""report.html: the auditor's batch report, as one self-contained page (no request leaves it).

Row balance, results by rule, rejected rows and the coverage table are rendered on the server; the
orders are embedded once as compact JSON and filtered, sorted, searched and paged in the browser by a
small script (procurement/templates/assets/report.js). View model: procurement/views/batch.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from procurement.pipeline import Run
from procurement.views.batch import batch_view
from procurement.views.common import base_context, figures, page_assets, render
from procurement.write.safe import atomic_path


def report_html(run: Run, lang: str = "fr", agg: dict[str, Any] | None = None) -> str:
    context = base_context(run, lang)
    numbers = agg if agg is not None else figures(run)
    context.update(assets=page_assets("report.js"), v=batch_view(run, numbers, context["lang"]))
    return render("report.html", context)


def write_html(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    target = out_dir / "report.html"
    html = report_html(run, lang)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
