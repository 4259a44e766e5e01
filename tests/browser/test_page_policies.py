"""The check and diff pages under the same Content-Security-Policy as the report pages: their styles
allowed by hash, nothing inline otherwise, no base or form target. Both allowed `style-src
'unsafe-inline'`, which docs/security.md said no page did (security review). The styles must still
apply: a hash that does not match the <style> would leave the page unstyled, with a console error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from test_check_scale import _many_bids  # a tender and its bids, as test_check_browser builds them

    from procurement.cli import main

    base = tmp_path_factory.mktemp("policies")
    runner = CliRunner()
    workbook = _many_bids().build(base / "tender.xlsx", 3, 40)
    runner.invoke(main, ["check", str(workbook), "--out", str(base / "check"), "-q"])
    for name, rows in (("old", 40), ("new", 60)):
        lines = (ROOT / "samples" / "commandes-2025.csv").read_text(encoding="utf-8-sig").splitlines(True)
        (base / f"{name}.csv").write_text("".join(lines[:rows]), encoding="utf-8")
        runner.invoke(main, ["score", str(base / f"{name}.csv"), "--out", str(base / name), "--format", "json",
                             "-q"])
    assert runner.invoke(main, ["diff", str(base / "old"), str(base / "new"), "-q"]).exit_code == 0
    return {"check": base / "check" / "check.html", "diff": base / "new" / "diff.html"}


@pytest.mark.parametrize("name", ["check", "diff"])
def test_the_page_is_styled_under_a_hash_only_policy(open_page: Any, pages: dict[str, Path], name: str):
    policy = pages[name].read_text(encoding="utf-8").split('http-equiv="Content-Security-Policy" content="')[1]
    policy = policy.split('"', 1)[0]
    assert "unsafe-inline" not in policy and "style-src 'sha256-" in policy
    assert "base-uri 'none'" in policy and "form-action 'none'" in policy and "script-src 'none'" in policy
    w = open_page(pages[name])
    size = w.page.evaluate("() => getComputedStyle(document.querySelector('h1')).fontSize")
    assert size == "25.6px", size  # h1 { font-size: 1.6rem } of the page's own style sheet
    w.clean()  # a refused style would be a console error
