"""summary.html: the managers' summary, one self-contained page with inline SVG charts and no script.

Figures: procurement/aggregate.py (incremental, bounded memory); view model: procurement/views/summary.py;
charts: procurement/charts.py.
"""

from __future__ import annotations

from contextlib import ExitStack
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


class SummarySink:
    """The summary needs only the run's figures (procurement.aggregate), which the pass over the orders
    computes once for the report and the summary together (see procurement.write.outputs)."""

    def __init__(self, run: Run, out_dir: Path, lang: str, stack: ExitStack):
        self.run, self.lang = run, lang
        self.target = out_dir / "summary.html"
        self.tmp = stack.enter_context(atomic_path(self.target))

    def add(self, scored: Any) -> None:
        pass

    def finish(self, agg: dict[str, Any] | None = None) -> Path:
        self.tmp.write_text(summary_html(self.run, self.lang, agg), encoding="utf-8")
        return self.target


def write_summary(run: Run, out_dir: Path, lang: str = "fr") -> Path:
    with ExitStack() as stack:
        return SummarySink(run, out_dir, lang, stack).finish()
