"""Browser tests: Playwright's Python package driving Debian's Chromium (/usr/bin/chromium), never a
downloaded browser. Without Chromium (or Playwright) every test here is skipped with the reason; CI
installs Chromium in .ci/run, so there they run.

Every test in this folder is marked `browser`. The test marked `slow` (the 100,000-order report) is left
out by the project's default `-m 'not slow'`; run it with `pytest -m slow tests/browser`.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("PROCUREMENT_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent


def _missing() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "the playwright Python package is not installed (pip install -e '.[dev]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium; never a downloaded browser)"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = _missing()
    for item in items:
        if HERE not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))


def load_bench() -> Any:
    """bench/bench_report.py as a module (it holds the synthetic batch generator)."""
    spec = importlib.util.spec_from_file_location("bench_report", ROOT / "bench" / "bench_report.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_report", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@dataclass
class Watched:
    """A page with everything that went wrong on it: console errors, page errors, dialogs, requests out."""

    page: Any
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)

    def clean(self) -> None:
        assert self.errors == [], self.errors
        assert self.dialogs == [], self.dialogs
        assert self.external == [], self.external


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def opener(path: Path, **context_args: Any) -> Watched:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **context_args)
        contexts.append(context)
        page = context.new_page()
        w = Watched(page)

        def route(r: Any) -> None:
            url = r.request.url
            if url.startswith(("file:", "data:")):
                r.continue_()
            else:
                w.external.append(url)
                r.abort()

        context.route("**/*", route)
        page.on("console", lambda m: w.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: w.errors.append(str(e)))

        def dialog(d: Any) -> None:
            w.dialogs.append(d.message)
            d.dismiss()

        page.on("dialog", dialog)
        page.goto(path.as_uri())
        return w

    yield opener
    for c in contexts:
        c.close()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A hostile synthetic batch of 300 orders written as report, summary and order pages, fr and en."""
    from procurement.write.html_order import write_order_pages
    from procurement.write.html_report import write_html
    from procurement.write.html_summary import write_summary

    bench = load_bench()
    run = bench.synthetic_run(300, hostile=True, options={"lang": "fr", "per_order": True})
    out = tmp_path_factory.mktemp("site")
    pages = {"run": run, "dir": out}
    for lang in ("fr", "en"):
        folder = out / lang
        pages[f"report_{lang}"] = write_html(run, folder, lang)
        pages[f"summary_{lang}"] = write_summary(run, folder, lang)
        pages[f"orders_{lang}"] = write_order_pages(run, folder, lang)
    return pages


def wait_render(page: Any, before: str | None, timeout_ms: int = 10_000) -> None:
    """Wait until the explorer re-rendered (body[data-renders] changed), polling from outside the page:
    the page's CSP forbids the eval that Playwright's wait_for_function would need."""
    waited = 0
    while page.get_attribute("body", "data-renders") == before and waited < timeout_ms:
        page.wait_for_timeout(20)
        waited += 20
    assert page.get_attribute("body", "data-renders") != before, "the explorer did not re-render"
