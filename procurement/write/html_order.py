"""The order / tender page: one self-contained HTML file per purchase.

`write_order_page` is what `procurement check` and `procurement score --per-order` call; the batch
writer `write_order_pages` puts one page per order under DIR/orders/, named by `order_file_name` (a
sanitised id plus a short hash, never the raw id).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from procurement.pipeline import Run
from procurement.views.common import base_context, page_assets, render
from procurement.views.order import order_file_name, order_view
from procurement.write.safe import atomic_path

ORDERS_DIR = "orders"


def order_page_html(scored: Any, run: Run, lang: str = "fr") -> str:
    context = base_context(run, lang)
    context.update(assets=page_assets(), order=order_view(scored, context["lang"]))
    return render("order.html", context)


def write_order_page(scored: Any, run: Run, path: Path, lang: str = "fr") -> Path:
    """Write the page of one scored order to `path` (atomically) and return `path`."""
    html = order_page_html(scored, run, lang)
    with atomic_path(path) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return path


class OrderPagesSink:
    """One page per order in DIR/orders/<safe name>.html (for `score --per-order`), each written as its
    order passes."""

    def __init__(self, run: Run, out_dir: Path, lang: str, stack: object = None):
        self.run, self.lang, self.folder = run, lang, out_dir / ORDERS_DIR
        self.count = 0

    def add(self, scored: Any) -> None:
        write_order_page(scored, self.run, self.folder / order_file_name(scored), self.lang)
        self.count += 1

    def finish(self) -> Path:
        return self.folder


def write_order_pages(run: Run, out_dir: Path, lang: str = "fr") -> list[Path]:
    """One page per order in DIR/orders/<safe name>.html (for `score --per-order`)."""
    folder = out_dir / ORDERS_DIR
    return [write_order_page(s, run, folder / order_file_name(s), lang) for s in run.orders]


__all__ = ["ORDERS_DIR", "order_file_name", "order_page_html", "write_order_page", "write_order_pages"]
