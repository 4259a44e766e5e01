"""`procurement diff` shows when each run was written as the other pages do (views.common.format_timestamp):
« généré le 27/11/2026 08:51:50 UTC » in French, "2026-11-27 08:51:50 UTC" in English, not the ISO
timestamp of results.json (« 2026-11-27T08:51:50+00:00 »); a run that does not say is « — », not « None »."""

from __future__ import annotations

import copy

import pytest

import procurement.diff_report as report


def comparison() -> dict:
    """Two runs compared, with no change: the first written on 2026-11-27 at 08:51:50 UTC, the second
    from a results.json without `generated_at`."""
    def run(when: str | None) -> dict:
        return {"dir": "d", "generated_at": when, "version": None, "rulebook": {}, "orders": 0, "rejected": 0,
                "inputs": []}

    counts = {"verdicts_changed": 0, "orders_with_verdict_changes": 0, "better": 0, "worse": 0, "other": 0,
              "orders_with_data_changes": 0, "data_changes_only": 0}
    return {"old": run("2026-11-27T08:51:50+00:00"), "new": run(None),
            "rulebook": {"changed": False, "new": {}, "rules_added": [], "rules_removed": []},
            "tool": {"changed": False}, "inputs": [],
            "orders": {"old": 0, "new": 0, "common": 0, "added": [], "removed": [], "changed": [], **counts},
            "aggregate": {"overall": {"before": None, "after": None, "delta": None}, "chantiers": [], "rules": []}}


@pytest.mark.parametrize(("lang", "before", "after"), [
    ("fr", "(généré le 27/11/2026 08:51:50 UTC)", "(généré le —)"),
    ("en", "(generated on 2026-11-27 08:51:50 UTC)", "(generated on —)"),
])
def test_the_terminal_gives_the_runs_dates_as_the_pages_do(lang, before, after):
    lines = report.summary_text(comparison(), lang).splitlines()
    assert lines[1].endswith(before) and lines[2].endswith(after)
    assert "T08:51:50" not in "\n".join(lines) and "None" not in "\n".join(lines)


@pytest.mark.parametrize(("lang", "when"), [("fr", "27/11/2026 08:51:50 UTC"), ("en", "2026-11-27 08:51:50 UTC")])
def test_the_page_gives_the_runs_dates_as_the_pages_do(lang, when):
    runs = report.view_model(comparison(), lang)["runs"]
    assert [r["generated_at"] for r in runs] == [when, "—"]


def test_a_timestamp_that_is_not_one_is_shown_as_written():
    result = comparison()
    result["old"] = copy.deepcopy(result["old"]) | {"generated_at": "hier"}
    assert "(généré le hier)" in report.summary_text(result, "fr")
