"""The pages count in words that agree with the number, never « (s) »: the order page's verdict
(« 1 indicateur atteint, 0 non atteint », « 2 rules could not be evaluated ») and the report's status
line (« 1 commande sur 5 », « 0 orders of 5 »). French: 0 and 1 take the singular; English: only 1."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from procurement.views.order import verdict


def _verdict(lang: str, kpi_pass: int, kpi_fail: int, insufficient: int) -> dict:
    statuses = [("kpi", "pass")] * kpi_pass + [("kpi", "fail")] * kpi_fail
    statuses += [("legal", "insufficient_data")] * insufficient
    findings = [SimpleNamespace(kind=k, status=s) for k, s in statuses]
    scored = SimpleNamespace(findings=findings, scores=SimpleNamespace(overall=None, completeness=None))
    return verdict(scored, [{"id": f"R{i}"} for i in range(len(findings))], lang)


@pytest.mark.parametrize(("lang", "kpi_pass", "kpi_fail", "line"), [
    ("fr", 0, 0, "0 indicateur atteint, 0 non atteint."),
    ("fr", 1, 1, "1 indicateur atteint, 1 non atteint."),
    ("fr", 2, 2, "2 indicateurs atteints, 2 non atteints."),
    ("en", 0, 0, "0 indicators met, 0 not met."),
    ("en", 1, 1, "1 indicator met, 1 not met."),
    ("en", 2, 2, "2 indicators met, 2 not met."),
])
def test_the_indicator_line_agrees_with_its_counts(lang, kpi_pass, kpi_fail, line):
    assert _verdict(lang, kpi_pass, kpi_fail, 0)["kpi_line"] == line


@pytest.mark.parametrize(("lang", "n", "text"), [
    ("fr", 0, ""),  # nothing said when every rule could be evaluated
    ("fr", 1, "1 règle n'a pas pu être évaluée faute de données."),
    ("fr", 2, "2 règles n'ont pas pu être évaluées faute de données."),
    ("en", 0, ""),
    ("en", 1, "1 rule could not be evaluated for lack of data."),
    ("en", 2, "2 rules could not be evaluated for lack of data."),
])
def test_the_rules_not_evaluated_agree_with_their_count(lang, n, text):
    assert _verdict(lang, 0, 0, n)["insufficient"] == text


@pytest.mark.parametrize(("lang", "one", "many"), [("fr", "{n} commande sur {total}", "{n} commandes sur {total}"),
                                                    ("en", "{n} order of {total}", "{n} orders of {total}")])
def test_the_report_script_gets_both_forms_of_its_status_line(tmp_path, lang, one, many):
    """report.js chooses between them (tests/browser: « 0 commande sur 300 », « 0 orders of 300 »)."""
    from procurement.pipeline import run
    from procurement.rulebook import load_default
    from procurement.views.batch import payload

    path = tmp_path / "c.csv"
    path.write_text("N° de commande;Montant HT\nC1;45 000\n", encoding="utf-8")
    words = payload(run([path], load_default(), options={"lang": lang}), lang)["words"]
    assert (words["shown_one"], words["shown"]) == (one, many)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_page_word_writes_its_plural_in_brackets(lang):
    """Every sentence of the pages that counts says its count in agreed words: « (s) » is never one of them
    (the summary's target basis says « 1 année de notification », « 2 notification years »)."""
    from procurement.views.summary_words import summary_words
    from procurement.views.words import words

    assert [k for k, v in {**words(lang), **summary_words(lang)}.items() if "(s)" in v] == []
