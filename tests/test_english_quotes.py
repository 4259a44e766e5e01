"""English messages quote a value or a label with “ ”, as the French does with « »: an English reader met
« Missing data to evaluate 'Test rule' » and « the object looks like a test record ('TEST PES') » beside
“ ” elsewhere. Code and syntax keep their straight quotes (a JSON key, a YAML line, a command)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.errors import InputError
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
    """The check page (and check.json) say the engine's message, a missing value named by its column and cell
    (`check_labels.Sheet`) instead of its code."""
    from procurement.check_labels import Sheet

    f = _insufficient_finding()
    en = f.message("en", lambda name: Sheet("Tender", {}, []).label(name, "en"))
    assert en.startswith(f"Missing data to evaluate “{f.compiled.title.en}”: ")
    assert "no column in the “Tender” sheet" in en
    fr = f.message("fr", lambda name: Sheet("Consultation", {}, []).label(name, "fr"))
    assert fr.startswith(f"Données manquantes pour évaluer « {f.compiled.title.fr} » : ")
    assert "aucune colonne dans la feuille « Consultation »" in fr


def test_the_diff_page_s_explanation_quotes_the_verdict_words():
    from procurement.diff_words import WORDS

    en, fr = WORDS["en"]["explain"], WORDS["fr"]["explain"]
    for word in ("better", "other", "not applicable", "worse"):
        assert f"“{word}”" in en
    assert "'" not in en.replace("one's", "")
    assert "« meilleur »" in fr and "« sans objet »" in fr


# ---- the readers: a value of the user's file, a sheet's or a column's name -----------------------------


def test_decp_warnings_quote_the_value_they_name():
    from procurement.read.decp_common import warning

    for code, params, en, fr in [
        ("test_record", {"objet": "TEST PES"}, "test record (“TEST PES”)", "test (« TEST PES »)"),
        ("invalid_in_source", {"value": "INX 12"}, "“INX 12” is read as is", "« INX 12 » est lue"),
        ("unreadable_holders", {"field": "supplier_siret", "value": "[?"}, "in the modification (“[?”)",
         "illisibles (« [? »)"),
    ]:
        w = warning(code, **params)
        assert en in w.message_en and fr in w.message_fr, code
        assert "'" not in w.message_en.replace("Ministry's", ""), code


def test_ocds_warnings_quote_the_value_they_name(tmp_path):
    from tests.test_read_ocds import CDMX, orders, read_release, release_with

    (order,) = orders(CDMX)
    by_code = {w.code: w for w in order.warnings}
    assert by_code["postcode_foreign"].message_en.startswith("postcode “")
    assert by_code["postcode_foreign"].message_fr.startswith("code postal « ")
    assert by_code["procedure_ambiguous"].message_en.startswith("OCDS procedure “selective")
    assert by_code["procedure_ambiguous"].message_fr.startswith("procédure OCDS « selective")
    release = release_with()
    release["awards"] = [{"id": "a", "suppliers": [{"id": "s"}]}]
    release["parties"] = [{"id": "s", "name": "S", "details": {"scale": "gigantic"}}]
    (scale,) = [w for w in read_release(tmp_path, release).warnings if w.code == "scale_unknown"]
    assert scale.message_en.startswith("unknown company size “gigantic” (details.scale)")
    assert scale.message_fr.startswith("taille d'entreprise « gigantic » inconnue")


def test_an_empty_sheet_is_named_with_quotes_not_a_python_repr():
    from procurement.read.base import InputInfo, ReadOptions
    from procurement.read.tabular import records_from_rows

    with pytest.raises(InputError) as err:
        list(records_from_rows(iter([]), file="x.xlsx", sheet="Achats 2025", options=ReadOptions(),
                               info=InputInfo(path="x.xlsx", format="xlsx"), where="x.xlsx"))
    assert err.value.message("en") == "x.xlsx: sheet “Achats 2025” is empty"
    assert err.value.message("fr") == "x.xlsx: la feuille « Achats 2025 » est vide"


def test_a_missing_header_row_quotes_the_headers_it_expects():
    from procurement.read.headers import NoHeaderError, find_header

    with pytest.raises(NoHeaderError) as err:
        find_header([["a", "b"]], None, "x.csv")
    assert "(expected e.g. “Id”, “Object”, “Amount excl. VAT”, “CPV code”)" in err.value.message("en")
    assert "« Identifiant », « Objet »" in err.value.message("fr")


def test_a_refused_workbook_quotes_the_archive_member(tmp_path):
    import zipfile

    from procurement.read.xlsx_reader import check_archive

    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (11 * 1024**2))
    with pytest.raises(InputError) as err:
        check_archive(path, "bomb.xlsx")
    assert "workbook refused: “xl/worksheets/sheet1.xml” expands" in err.value.message("en")
    assert "classeur refusé : « xl/worksheets/sheet1.xml » se décompresse" in err.value.message("fr")


def test_an_ambiguous_place_code_quotes_the_column_names():
    from procurement.enrich_place import ambiguous_place

    w = ambiguous_place("13004", "commune")
    assert w is not None
    assert "(a “Place code type” column: commune or postcode), or name the column “Place postcode” or " \
           "“Place INSEE code”" in w.message_en
    assert "(colonne « Type de code du lieu » : commune ou code postal)" in w.message_fr


# ---- the workbook, the template command, the fields' help ---------------------------------------------

_STRAIGHT = re.compile(r"(?<![A-Za-z])'[^']+'(?![A-Za-z])")  # 'x', not an apostrophe


def _straight_quoted(texts) -> list[str]:
    flat = [form for t in texts for form in (t if isinstance(t, tuple) else (t,))]  # plural texts: (one, many)
    return [t for t in flat if isinstance(t, str) and _STRAIGHT.search(t.replace("('portfolio')", ""))]


def test_the_workbook_s_english_texts_quote_sheets_columns_and_statuses_with_curly_quotes():
    from procurement.write import xlsx_legal, xlsx_words

    assert _straight_quoted(xlsx_words.words("en").values()) == []
    assert _straight_quoted(xlsx_legal.words("en").values()) == []
    w = xlsx_words.words("en")
    assert w["col_count"].format(label="fail") == "Number of rules with status “fail” on this row."
    assert w["orders"].format(results="Results") == "Rows scored (“Results” sheet)"
    assert xlsx_words.words("fr")["orders"].format(results="Résultats") == "Lignes évaluées (feuille « Résultats »)"
    rule = load_default().rule("ENV-10")
    assert xlsx_legal.legal_line(rule, "en").endswith("links and notes: “Read me”, section “Legal basis of the rules”")
    assert xlsx_legal.legal_line(rule, "fr").endswith("« Lisez-moi », section « Fondements juridiques des règles »")
    # results.json's key is code, not a label: it keeps its straight quotes
    assert all("results.json ('portfolio')" in form for form in xlsx_legal.words("en")["added"])  # one, many


def test_the_template_command_quotes_its_sheet_names_with_curly_quotes(tmp_path):
    from procurement.cli_template import template

    env = {"PATH": "/usr/bin:/bin", "PROCUREMENT_LANG": "en"}
    root = Path(__file__).resolve().parents[1]
    help_en = subprocess.run([sys.executable, "-m", "procurement", "template", "--help"], cwd=root, env=env,
                             capture_output=True, text=True, encoding="utf-8", timeout=60, check=True).stdout
    assert "“Consultation” and “Offres” sheets (“Tender” and “Bids” with --lang en)" in " ".join(help_en.split())
    out = CliRunner().invoke(template, [str(tmp_path / "t.xlsx"), "--lang", "en"]).output
    assert "(fill in the “Tender” and “Bids” sheets, then run" in out
    out = CliRunner().invoke(template, [str(tmp_path / "c.xlsx")]).output
    assert "(remplissez les feuilles « Consultation » et « Offres »" in out


def test_the_fields_english_help_quotes_labels_with_curly_quotes():
    from procurement.fields import FIELDS_BY_NAME

    helps = [f.help_en for f in FIELDS_BY_NAME.values()]
    assert _straight_quoted(helps) == []
    assert FIELDS_BY_NAME["formalised_procedure"].help_en.startswith("For an “Other procedure”: yes")


def test_english_texts_quote_with_curly_quotes():
    """The rulebook's own English texts (titles, messages, why, advice) quote the same way."""
    for rule in _default_book().rules:
        source = rule.source
        texts = [source.title.en, source.message.en, source.why.en, source.advice.en]
        assert _straight_quoted(texts) == [] and not [t for t in texts if '"' in t], rule.id


def _default_book():
    from procurement.rulebook import load_default

    return load_default()
