"""English messages quote a value or a label with “ ”, as the French does with « »: an English reader met
« Missing data to evaluate 'Test rule' » and « the object looks like a test record ('TEST PES') » beside
“ ” elsewhere. Code and syntax keep their straight quotes (a JSON key, a YAML line, a command)."""

from __future__ import annotations

from procurement.rulebook import load_default


def _insufficient_finding():
    from procurement.engine import evaluate
    from procurement.model import Order

    book = load_default()
    order = Order.model_validate({"id": "T-1", "source": {"file": "t.xlsx", "row": 2}, "nature": "marche"})
    return next(f for f in evaluate(order, book) if f.status == "insufficient_data")


def test_the_engine_s_insufficient_data_message_quotes_the_rule_s_title():
    f = _insufficient_finding()
    title_en, title_fr = f.compiled.title.en, f.compiled.title.fr
    assert f.message_en.startswith(f"Missing data to evaluate “{title_en}”: ")
    assert f.message_fr.startswith(f"Données manquantes pour évaluer « {title_fr} » : ")


def test_the_check_page_s_insufficient_data_message_quotes_the_rule_s_title():
    from procurement.check_page import _Sheet, _summary_view

    data = {"meta": {"inputs": [{"sheet": "Tender"}]}}
    s = {"status": "insufficient_data", "kind": "legal", "title": "Award criteria", "message": "",
         "missing": ["launch_date"], "legal_ref": []}
    view = _summary_view(s, _Sheet(data, 0, "en"), None, "en")
    assert view["message"].startswith("Missing data to evaluate “Award criteria”: Launch date")
    s["title"] = "Critères"
    view = _summary_view(s, _Sheet(data | {"meta": {"inputs": [{"sheet": "Consultation"}]}}, 0, "fr"), None, "fr")
    assert view["message"].startswith("Données manquantes pour évaluer « Critères » : ")


def test_the_diff_page_s_explanation_quotes_the_verdict_words():
    from procurement.diff_report import WORDS

    en, fr = WORDS["en"]["explain"], WORDS["fr"]["explain"]
    for word in ("better", "other", "not applicable", "worse"):
        assert f"“{word}”" in en
    assert "'" not in en.replace("one's", "")
    assert "« meilleur »" in fr and "« sans objet »" in fr
