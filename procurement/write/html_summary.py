"""summary.html: the managers' summary, one self-contained page with inline SVG charts and no script.

Figures: procurement/aggregate.py (incremental, bounded memory); view model: procurement/views/summary.py;
charts: procurement/charts.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from procurement.pipeline import Run
from procurement.views.common import base_context, figures, page_assets, render
from procurement.views.summary import summary_view
from procurement.write.safe import atomic_path


def summary_html(run: Run, lang: str = "fr", agg: dict[str, Any] | None = None) -> str:
    context = base_context(run, lang)
    context.update(assets=page_assets(), s=summary_view(run, agg if agg is not None else figures(run), context["lang"]))
    return render("summary.html", context)


def write_summary(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    target = out_dir / "summary.html"
    html = summary_html(run, lang)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
