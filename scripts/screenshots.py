"""Screenshots of the three HTML pages (order, batch report, summary) for the README, with Debian's Chromium.

Scores an input (default: samples/commandes-2025.xlsx) with the default rulebook, writes the three pages
in a temporary folder, and takes PNG screenshots with headless Chromium (/usr/bin/chromium, driven by
Playwright's Python package; never a downloaded browser):

    OUT/order.png    the order page of the first order with a legal failure (else with any failure)
    OUT/report.png   the batch report, at the order explorer, with that order's findings opened
    OUT/summary.png  the top of the managers' summary (key figures, legal rules, chantiers)

Run: `python scripts/screenshots.py [--input FILE] [--out reports/screenshots] [--lang fr]`.
The pages are dated 2025-06-01 (SOURCE_DATE_EPOCH, unless already set): the same input then gives the
same PNG bytes, so `make demo` leaves the committed screenshots untouched instead of re-dating them.
Without Chromium it says so and exits 0 (use --strict to fail instead). The page load is checked as the
browser tests do: no console error and no request leaving the page.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHROMIUM = os.environ.get("PROCUREMENT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def write_pages(input_path: Path, pages_dir: Path, lang: str) -> dict[str, Path]:
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.views.order import order_file_name
    from procurement.write.html_order import ORDERS_DIR, write_order_page
    from procurement.write.html_report import write_html
    from procurement.write.html_summary import write_summary

    result = run([input_path], load_default(), options={"lang": lang, "per_order": True})
    chosen = next((s for s in result.orders if s.scores.legal_failures), None) or next(
        (s for s in result.orders if any(f.status == "fail" for f in s.findings)), result.orders[0])
    return {
        "order": write_order_page(chosen, result, pages_dir / ORDERS_DIR / order_file_name(chosen), lang),
        "report": write_html(result, pages_dir, lang),
        "summary": write_summary(result, pages_dir, lang),
        "order_id": Path(chosen.order.id),
    }


def shoot(pages: dict[str, Path], out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
        problems: list[str] = []

        def route(r):  # nothing may leave the page
            if r.request.url.startswith(("file:", "data:")):
                r.continue_()
            else:
                problems.append(f"request out: {r.request.url}")
                r.abort()

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        page.goto(pages["order"].as_uri())
        height = min(2600, page.evaluate("document.documentElement.scrollHeight"))
        page.set_viewport_size({"width": 1280, "height": height})
        written.append(out / "order.png")
        page.screenshot(path=written[-1], animations="disabled", caret="hide")

        page.set_viewport_size({"width": 1280, "height": 1100})
        page.goto(pages["report"].as_uri())
        page.fill("#q", str(pages["order_id"]))
        # Conditions, not delays: on a loaded machine 400 ms did not always see the filter applied, and
        # the screenshot opened another order's findings (make demo then changed a committed PNG).
        page.wait_for_function("id => { const b = document.querySelector('#rows button.toggle');"
                               " return b && b.closest('tr').textContent.includes(id); }", arg=str(pages["order_id"]))
        page.locator("#rows button.toggle").first.click()
        page.wait_for_selector('#rows button.toggle[aria-expanded="true"]')
        page.evaluate("document.getElementById('h-orders').scrollIntoView()")
        written.append(out / "report.png")
        page.screenshot(path=written[-1], animations="disabled", caret="hide")

        page.set_viewport_size({"width": 1280, "height": 1700})
        page.goto(pages["summary"].as_uri())
        written.append(out / "summary.png")
        page.screenshot(path=written[-1], animations="disabled", caret="hide")
        browser.close()
    if problems:
        raise SystemExit("screenshots: the pages did not load cleanly: " + "; ".join(problems))
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--input", type=Path, default=ROOT / "samples" / "commandes-2025.xlsx")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "screenshots")
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    parser.add_argument("--strict", action="store_true", help="fail when Chromium or Playwright is missing")
    args = parser.parse_args(argv)
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1748736000")  # see the module docstring
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing = "the playwright Python package is missing (pip install -e '.[dev]')"
    else:
        missing = "" if Path(CHROMIUM).exists() else f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    if missing:
        print(f"screenshots skipped: {missing}", file=sys.stderr)
        return 2 if args.strict else 0
    with tempfile.TemporaryDirectory(prefix="procurement-pages-") as tmp:
        pages = write_pages(args.input, Path(tmp), args.lang)
        for path in shoot(pages, args.out):
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
