"""`procurement diff` counts in words that agree with the number, never « (s) »: « 1 changement sur
1 commande : 1 meilleur, 0 moins bon, 0 autre », « 2 changes on 2 orders », « et 1 autre », « 2 more
orders in the --json output ». French: 0 and 1 take the singular; English: only 1."""

from __future__ import annotations

import pytest

import procurement.diff_report as report


def _orders(changes: int, orders: int, better: int, worse: int, other: int, data: int = 0) -> dict:
    return {"verdicts_changed": changes, "orders_with_verdict_changes": orders, "better": better, "worse": worse,
            "other": other, "orders_with_data_changes": data, "data_changes_only": data}


@pytest.mark.parametrize(("lang", "counts", "line"), [
    ("fr", (1, 1, 1, 0, 0), "1 changement sur 1 commande : 1 meilleur, 0 moins bon, 0 autre"),
    ("fr", (2, 2, 2, 2, 2), "2 changements sur 2 commandes : 2 meilleurs, 2 moins bons, 2 autres"),
    ("fr", (0, 0, 0, 0, 0), "aucun verdict changé"),
    ("en", (1, 1, 1, 0, 0), "1 change on 1 order: 1 better, 0 worse, 0 other"),
    ("en", (2, 2, 2, 2, 2), "2 changes on 2 orders: 2 better, 2 worse, 2 other"),
    ("en", (0, 0, 0, 0, 0), "no verdict changed"),
])
def test_the_verdicts_line_agrees_with_its_counts(lang, counts, line):
    assert report._verdicts_line(_orders(*counts), lang) == line


@pytest.mark.parametrize(("lang", "data", "line"), [
    ("fr", 0, "aucune donnée modifiée"),
    ("fr", 1, "1 commande aux données modifiées, dont 1 sans verdict ni score changé"),
    ("fr", 2, "2 commandes aux données modifiées, dont 2 sans verdict ni score changé"),
    ("en", 0, "no data changed"),
    ("en", 1, "1 order whose data changed, 1 of them with no verdict or score change"),
    ("en", 2, "2 orders whose data changed, 2 of them with no verdict or score change"),
])
def test_the_data_line_agrees_with_its_count(lang, data, line):
    assert report._data_line(_orders(0, 0, 0, 0, 0, data), lang) == line


def _result(changes: int) -> dict:
    """A comparison whose `changes` orders each moved one verdict, for the lines past the limits."""
    changed = [{"id": f"C{i}", "label": "", "where": "", "verdicts": [{"rule": "ENV-01", "before": "fail",
                                                                        "after": "pass", "direction": "better"}],
                "scores": [], "data": None} for i in range(changes)]
    run = {"dir": "d", "generated_at": None, "version": None, "rulebook": {}, "orders": changes, "rejected": 0,
           "inputs": []}
    return {"old": run, "new": run, "rulebook": {"changed": False, "new": {}, "rules_added": [], "rules_removed": []},
            "tool": {"changed": False}, "inputs": [],
            "orders": {"old": changes, "new": changes, "common": changes, "added": [], "removed": [],
                       "changed": changed, **_orders(changes, changes, changes, 0, 0)},
            "aggregate": {"overall": {"before": None, "after": None, "delta": None}, "chantiers": [], "rules": []}}


@pytest.mark.parametrize(("lang", "more", "line"), [
    ("fr", 1, "  et 1 autre"), ("fr", 2, "  et 2 autres"), ("en", 1, "  and 1 more"), ("en", 2, "  and 2 more"),
])
def test_the_changes_past_the_console_limit_are_counted_in_agreed_words(lang, more, line):
    assert report.summary_text(_result(1 + more), lang, limit=1).splitlines()[-1] == line


@pytest.mark.parametrize(("lang", "more", "line"), [
    ("fr", 1, "1 commande de plus dans la sortie --json"), ("fr", 2, "2 commandes de plus dans la sortie --json"),
    ("en", 1, "1 more order in the --json output"), ("en", 2, "2 more orders in the --json output"),
])
def test_the_orders_past_the_page_limit_are_counted_in_agreed_words(monkeypatch, lang, more, line):
    monkeypatch.setattr(report, "DETAIL_LIMIT", 1)
    hidden = report.view_model(_result(1 + more), lang)["hidden"]
    assert hidden == {"added": "", "removed": "", "changed": line}


def _counts(added: int, removed: int, common: int) -> dict:
    """A comparison of `added` new orders, `removed` removed ones and `common` in both, with no change."""
    result = _result(0)
    brief = [{"id": f"B{i}", "label": "", "where": "", "overall": None} for i in range(max(added, removed))]
    result["orders"] |= {"added": brief[:added], "removed": brief[:removed], "common": common}
    return result


@pytest.mark.parametrize(("lang", "counts", "line"), [
    ("fr", (1, 0, 1), "Commandes : 0 → 0 ; 1 nouvelle, 0 retirée, 1 commune"),
    ("fr", (2, 2, 2), "Commandes : 0 → 0 ; 2 nouvelles, 2 retirées, 2 communes"),
    ("en", (1, 0, 1), "Orders: 0 → 0; 1 new, 0 removed, 1 in both"),
    ("en", (2, 2, 2), "Orders: 0 → 0; 2 new, 2 removed, 2 in both"),
])
def test_the_new_removed_and_common_orders_agree_with_their_counts(lang, counts, line):
    assert line in report.summary_text(_counts(*counts), lang).splitlines()


@pytest.mark.parametrize(("lang", "counts", "line"), [
    ("fr", (1, 0, 1), "0 → 0 · 1 nouvelle · 0 retirée · 1 commune"),
    ("fr", (2, 2, 2), "0 → 0 · 2 nouvelles · 2 retirées · 2 communes"),
    ("en", (1, 0, 1), "0 → 0 · 1 new · 0 removed · 1 in both"),
    ("en", (2, 2, 2), "0 → 0 · 2 new · 2 removed · 2 in both"),
])
def test_the_page_counts_the_orders_in_agreed_words(lang, counts, line):
    assert f"<p>{line}</p>" in report.render_html(_counts(*counts), lang)


@pytest.mark.parametrize(("lang", "changes", "limit", "heading"), [
    ("fr", 1, 20, "Changements (le premier) :"), ("fr", 3, 2, "Changements (les 2 premiers) :"),
    ("en", 1, 20, "Changes (the first):"), ("en", 3, 2, "Changes (the first 2):"),
])
def test_the_verdict_changes_heading_agrees_with_how_many_it_lists(lang, changes, limit, heading):
    assert heading in report.summary_text(_result(changes), lang, limit=limit).splitlines()


@pytest.mark.parametrize(("lang", "changes", "limit", "heading"), [
    ("fr", 1, 20, "Données modifiées (la première) :"), ("fr", 3, 2, "Données modifiées (les 2 premières) :"),
    ("en", 1, 20, "Data changed (the first):"), ("en", 3, 2, "Data changed (the first 2):"),
])
def test_the_data_changes_heading_agrees_with_how_many_it_lists(lang, changes, limit, heading):
    result = _result(changes)
    for c in result["orders"]["changed"]:
        c |= {"verdicts": [], "data": [{"field": "amount", "before": 100.0, "after": 200.0}]}
    assert heading in report.summary_text(result, lang, limit=limit).splitlines()
