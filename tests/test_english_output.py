"""English output reads as English: "label: value" (no French space before a colon or a semicolon), “ ”
quotes, English number formats and plurals, labels rather than codes; French keeps its own typography
(a no-break space before « : »). From an English-language review of the pages, exports and messages."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.fields import FIELDS_BY_NAME
from procurement.pipeline import run
from procurement.rulebook import load_default
from procurement.views.words import words
from procurement.write.html_order import order_page_html
from tests.test_views import _scored  # an order scored against a run's rulebook

ROOT = Path(__file__).resolve().parents[1]
NBSP = "\u00a0"
FRENCH_COLON = re.compile(r"[ \u00a0\u202f][:;](?=\s|$)")  # « : » or « ; » after a space: a French habit


@pytest.fixture(scope="module")
def sample():
    return run([ROOT / "samples" / "commandes-2025.xlsx"], load_default(), options={"lang": "fr"})


def _text(html: str) -> str:
    """The page's text as a reader sees it: no tags, no script or style."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", "", html))


# ---- 1. "label: value" in English, « label : value » in French ----------------------------------------


def test_order_page_puts_no_space_before_a_colon_in_english(sample):
    scored = _scored(sample, id="T-1", nature="marche", amount=50_000, launch_date="2026-09-01",
                     env_considerations=["clause"], award_criteria="Prix 60 %, proximité 40 %")
    text = _text(order_page_html(scored, sample, "en"))
    assert "Purchase check: T-1" in text and "Overall score: " in text and "Why: " in text
    ours = {w for w in words("en").values() if w} | {f.compiled.title.en for f in scored.findings}  # not rulebook notes
    assert [w for w in ours if f"{w} :" in text or f"{w}{NBSP}:" in text] == []
    french = _text(order_page_html(scored, sample, "fr"))
    assert f"Fiche de contrôle de l'achat{NBSP}: T-1" in french and f"Pourquoi{NBSP}: " in french
    ours = {w for w in words("fr").values() if w} | {f.compiled.title.fr for f in scored.findings}
    assert [w for w in ours if f"{w} :" in french] == []  # a no-break space before the colon, never a breakable one


def test_evidence_of_a_validity_window_reads_label_colon_dates():
    from procurement.views.order import _phrase

    window = (dt.date(2026, 8, 21), None)
    assert _phrase("", "launch_date", window, "validity", "en").startswith("Launch date: 2026-08-21")
    assert _phrase("", "launch_date", window, "validity", "fr").startswith(f"Date de lancement{NBSP}: 21/08/2026")


def test_report_script_builds_its_labels_with_the_page_language_colon():
    script = (ROOT / "procurement" / "templates" / "assets" / "report.js").read_text(encoding="utf-8")
    assert re.findall(r'\+ " : "|" : " \+', script) == [] and "W.where + COLON" in script


def test_rules_explain_in_english_has_no_space_before_a_colon():
    from procurement.cli_rules import rules

    for rule in ("ENV-10", "RISK-01", "CARB-01"):
        out = CliRunner().invoke(rules, ["--lang", "en", "explain", rule]).output
        ours = [line for line in out.splitlines() if not line.startswith("      ")]  # not a rulebook note
        assert [line for line in ours if FRENCH_COLON.search(line)] == [], rule
    out = CliRunner().invoke(rules, ["--lang", "en", "explain", "ENV-10"]).output
    assert "Reported values: env_considerations" in out and "  - pass: launch_date=2026-09-01" in out
    french = CliRunner().invoke(rules, ["explain", "ENV-10"]).output
    assert f"Valeurs rapportées{NBSP}: env_considerations" in french


# ---- 2. a label inside a message is lower-cased only when it is a common word -------------------------


@pytest.mark.parametrize("band, en, fr", [
    ("amp", "Aix-Marseille-Provence Metropolis", "Métropole Aix-Marseille-Provence"),
    ("region_sud", "Région Sud (outside the Metropolis)", "Région Sud (hors Métropole)"),
    ("france", "France (outside Région Sud)", "France (hors Région Sud)"),
    ("eu", "European Union (outside France)", "Union européenne (hors France)"),
    ("outside", "Outside the European Union", "Hors Union européenne"),
])
def test_supplier_bands_keep_their_capitals_in_messages(band, en, fr):
    """LOC-01's message names the band: « band: aix-Marseille-Provence Métropole » lower-cased a name."""
    from procurement.rulebook.render import parse_template, render

    template = parse_template("(band: {supplier_band})")
    assert render(template, {"supplier_band": band}, "en") == f"(band: {en})"
    assert render(template, {"supplier_band": band}, "fr") == f"(band: {fr})"


def test_common_labels_are_still_lower_cased_in_a_sentence():
    from procurement.rulebook.render import _in_sentence, parse_template, render

    assert render(parse_template("{procedure}"), {"procedure": "appel_offres_ouvert"}, "en") == "open procedure"
    assert render(parse_template("{supplier_status}"), {"supplier_status": "siae"}, "en") == \
        "work-integration enterprise (SIAE)"
    assert render(parse_template("{env_considerations}"), {"env_considerations": ["clause"]}, "fr") == \
        "clause environnementale"
    assert _in_sentence("PME") == "PME" and _in_sentence("Accord-cadre") == "accord-cadre"


# ---- 3. the rulebook's notes are French: English output says so -------------------------------------


def test_legal_and_example_notes_are_marked_french_in_english(sample):
    from procurement.cli_rules import catalogue_text, explain_lines
    from procurement.views.common import legal_refs

    book = load_default()
    rule = book.rule("RISK-01")
    en, fr = legal_refs(rule, "en"), legal_refs(rule, "fr")
    assert en[0]["note"] == fr[0]["note"] + " (in French)" and "(in French)" not in fr[0]["note"]
    scored = _scored(sample, id="T-1", nature="marche", award_criteria="Prix 60 %, proximité 40 %")
    assert "contraire au traité. (in French)" in _text(order_page_html(scored, sample, "en"))
    assert "(in French)" not in order_page_html(scored, sample, "fr")
    lines = explain_lines(book, "ENV-10", "en")
    assert "      Consultation lancée la veille de l'entrée en vigueur. (in French)" in lines
    assert "      Consultation lancée la veille de l'entrée en vigueur." in explain_lines(book, "ENV-10", "fr")
    assert "| Expected | Order | Note (in French) |" in catalogue_text(book, "en")


def test_read_me_sheet_marks_french_notes_in_english():
    import openpyxl

    from procurement.write.xlsx_legal import write_legal_section

    rule = load_default().rule("RISK-01")
    for lang, marked in (("en", True), ("fr", False)):
        ws = openpyxl.Workbook().active
        write_legal_section(ws, [rule], [], 1, lang)
        cells = [str(row[1]) for row in ws.iter_rows(values_only=True) if row and row[0] == "RISK-01"]
        assert any("contraire au traité." in c for c in cells)
        assert any(c.endswith("(in French)") for c in cells) is marked, lang


# ---- 4. “ ” quotes in English, « » in French ---------------------------------------------------------


def test_sheet_errors_quote_names_as_each_language_does(tmp_path):
    import openpyxl

    from procurement.check_read import find_sheets
    from procurement.errors import InputError
    from procurement.read.xlsx_reader import pick_sheet

    with pytest.raises(InputError) as err:
        pick_sheet(["Commandes", "Notes"], [True, True], "Achats", "x.xlsx")
    assert err.value.message("en") == "x.xlsx: sheet “Achats” not found; the workbook's sheets: “Commandes”, “Notes”"
    assert "feuilles du classeur : « Commandes », « Notes »" in err.value.message("fr")
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    wb.save(tmp_path / "t.xlsx")
    with pytest.raises(InputError) as err:
        find_sheets(tmp_path / "t.xlsx")
    assert "«" not in err.value.message("en") and "sheets “Tender” and “Bids” expected" in err.value.message("en")
    assert err.value.message("en").endswith("the workbook's sheets: “Feuil1”")
    assert err.value.message("fr").endswith("feuilles du classeur : « Feuil1 »")


def test_main_help_in_english_quotes_the_plan_the_english_way():
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "PROCUREMENT_LANG": "en"}
    out = subprocess.run([sys.executable, "-m", "procurement", "--help"], cwd=ROOT, env=env, capture_output=True,
                         text=True, encoding="utf-8", timeout=60, check=True).stdout
    assert "the “Relance et Renouveau” plan" in out and "«" not in out


# ---- 5. "a; b" in English, « a ; b » in French --------------------------------------------------------


def test_template_comments_list_values_with_an_english_semicolon():
    from procurement.template import build_template

    for lang, head in (("en", "Values: "), ("fr", "Valeurs : ")):
        comments = [c.comment.text for ws in build_template(lang).worksheets for row in ws.iter_rows(max_row=1)
                    for c in row if c.comment]
        listed = [text.split(head, 1)[1] for text in comments if head in text]
        assert listed, lang
        if lang == "en":
            assert all(" ;" not in values for values in listed) and any("; " in values for values in listed)
        else:
            assert any(" ; " in values for values in listed)


def test_rule_sheet_heading_joins_references_with_an_english_semicolon():
    from procurement.write.xlsx_legal import legal_line

    rule = load_default().rule("ENV-10")  # six references (a concession's two since 1.3.6, R2152-7 since 1.3.14)
    assert legal_line(rule, "en").startswith(
        "Legal basis: Code de la commande publique, art. R2152-7 (2026-08-21); Code de la commande publique, art. "
        "L2152-7 (2026-08-22); Code de la commande publique "
        "(contrats de concession), art. R3124-4 (2026-08-21); Code de la commande publique (contrats de "
        "concession), art. L3124-5 (2026-08-22); Loi")
    assert " ; Loi" in legal_line(rule, "fr")


# ---- 6. English numbers in English messages ----------------------------------------------------------


def test_parse_errors_show_english_examples_in_english():
    from procurement.parse.errors import ParseError
    from procurement.parse.numeric import parse_number, parse_percent

    def messages(parse, value) -> tuple[str, str]:
        with pytest.raises(ParseError) as err:
            parse(value)
        return err.value.message("en"), err.value.message("fr")

    en, fr = messages(parse_number, "douze")
    assert "1,234.56 or 1234.56" in en and "1 234,56" not in en and "1 234,56" in fr
    en, fr = messages(parse_percent, "250")
    assert "“25%”" in en and "“1%”" in en and not re.search(r"\d %", en) and "« 25 % »" in fr
    # and the examples an English message gives are read as it says
    assert parse_number("1,234.56") == parse_number("1234.56") == 1234.56
    assert parse_percent("25%") == 25 and parse_percent("1%") == 1


def test_english_date_error_gives_the_english_date_format_first():
    from procurement.parse.dates import parse_date
    from procurement.parse.errors import ParseError

    with pytest.raises(ParseError) as err:
        parse_date("demain")
    assert "2025-12-31 or 31/12/2025" in err.value.message("en") and parse_date("2025-12-31") == dt.date(2025, 12, 31)


def test_template_instructions_in_english_write_percent_the_english_way():
    from procurement.template import INSTRUCTIONS

    text = " ".join(INSTRUCTIONS["en"])
    assert "'1%'" in text and not re.search(r"\d %", text)


# ---- 7. labels, not codes, in the results sheet and the evidence -------------------------------------


@pytest.fixture(scope="module")
def decp():
    return run([ROOT / "samples" / "decp-2024-bretagne.json"], load_default(), options={"lang": "en"})


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_results_sheet_shows_enumerations_by_their_labels(decp, tmp_path, writer):
    """A DECP input has no columns of its own: the sheet shows the canonical fields, the nature and the
    procedure by their labels in the sheet's language (it showed marche, appel_offres_ouvert in both)."""
    import openpyxl

    from procurement.parse._labels import NATURE, PROCEDURE
    from procurement.write.results_xlsx import write_results_xlsx

    for lang, sheet, i in (("en", "Results", 1), ("fr", "Résultats", 0)):
        write_results_xlsx(decp, tmp_path / lang, lang, writer=writer)
        rows = list(openpyxl.load_workbook(tmp_path / lang / "results.xlsx")[sheet].iter_rows(values_only=True))
        head = list(rows[0])
        for name, table in (("nature", NATURE), ("procedure", PROCEDURE)):
            header = FIELDS_BY_NAME[name].header(lang)
            shown = {r[head.index(header)] for r in rows[1:]} - {None}
            assert shown and shown <= {v[i] for v in table.values()}, (lang, name, shown)
        assert {o.order.procedure for o in decp.orders} & set(PROCEDURE)  # codes there were to show


def test_evidence_text_names_codes_by_their_labels(decp):
    from procurement.rulebook.examples import describe_evidence
    from procurement.write.finding_parts import FindingParts

    rows = [("applies_when", "procedure", "equals", "sans_publicite", "appel_offres_ouvert", False),
            ("require", "env_considerations", "contains_any", ["criterion"], ["clause"], False)]
    assert describe_evidence(rows, "en") == (
        "applies_when: procedure equals Direct award without publication -> false (Open procedure); "
        "require: env_considerations contains_any Environmental criterion -> false (Environmental clause)")
    assert "(Appel d'offres ouvert)" in describe_evidence(rows, "fr")
    parts = FindingParts(decp.rulebook.rules, "en")  # the writers' kept texts say the same
    texts = [parts.evidence_text(f)[0] for scored in decp.orders for f in scored.findings if f.evidence]
    assert any("procedure equals Direct award without publication -> false (" in str(t) for t in texts)
    assert not [t for t in texts if re.search(r"\b(appel_offres_ouvert|procedure_adaptee|marche)\b", str(t))]


# ---- 8. CPV labels on English order pages -------------------------------------------------------------


def test_english_order_page_names_the_cpv_division_in_english(sample):
    from procurement.views.order import cpv_text

    assert cpv_text("30213100", "fr") == "30213100 — Ordinateurs portables"
    assert cpv_text("30213100", "en") == ("30213100 — Office and computing machinery, equipment and supplies except "
                                          "furniture and software packages (division 30) · Ordinateurs portables "
                                          "(in French)")
    assert cpv_text("45000000", "en") == "45000000 — Construction work"
    assert cpv_text("99999999", "en") == "99999999"  # not in the nomenclature: the code alone
    page = _text(order_page_html(_scored(sample, id="T-2", cpv="30213100"), sample, "en"))
    assert "CPV code30213100 — Office and computing machinery" in page


# ---- 9. plurals -----------------------------------------------------------------------------------------


def test_check_page_counts_the_rows_it_read_with_a_plural(tmp_path):
    from tests.data.check_s9 import workbook as W

    workbook = W.build(tmp_path / "c.xlsx", tenders=W.TENDERS[:1], bids=W.BIDS[:2])
    pages = {lang: _text(W.check(workbook, tmp_path / lang, "--lang", lang)[2]) for lang in ("en", "fr")}
    assert "(1 row)" in pages["en"] and "(2 rows)" in pages["en"] and "(1 rows)" not in pages["en"]
    assert "(1 ligne)" in pages["fr"] and "(2 lignes)" in pages["fr"]


def test_summary_counts_statuses_with_a_noun_for_one_and_many():
    from procurement.views.summary import status_text

    assert [status_text(n, "fail", "en") for n in (0, 1, 4)] == ["0 failing", "1 failing", "4 failing"]
    assert [status_text(n, "pass", "en") for n in (1, 4)] == ["1 passing", "4 passing"]
    assert status_text(1, "waived", "en") == "1 waived" and status_text(1, "not_applicable", "en") == "1 not applicable"
    assert [status_text(n, "fail", "fr") for n in (1, 4)] == ["1 non conforme", "4 non conformes"]
    assert [status_text(n, "waived", "fr") for n in (1, 4)] == ["1 dérogation", "4 dérogations"]


# ---- 11. --lang given with --help chooses the help's language -----------------------------------------


@pytest.mark.parametrize(("argv", "expected"), [
    (["rules", "--lang", "en", "--help"], "en"),
    (["score", "--lang=en", "--help"], "en"),
    (["rules", "--lang", "fr", "explain", "--help"], "fr"),
    (["score", "x.csv", "--help"], None),
    (["score", "--lang", "de"], None),
    (["score", "--", "--lang", "en"], None),  # after --, a file's name
])
def test_the_command_line_lang_is_read_before_click_parses(argv, expected):
    from procurement.cli_support import asked_lang, help_lang

    assert asked_lang(argv) == expected
    if expected:
        assert help_lang(argv) == expected


@pytest.mark.parametrize("args", [["rules", "--lang", "en", "--help"], ["score", "--lang", "en", "--help"]])
def test_help_follows_lang_given_with_it_on_a_french_system(args):
    import subprocess
    import sys

    env = {"PATH": "/usr/bin:/bin", "LANG": "fr_FR.UTF-8"}
    out = subprocess.run([sys.executable, "-m", "procurement", *args], cwd=ROOT, env=env, capture_output=True,
                         text=True, encoding="utf-8", timeout=60, check=True).stdout
    assert "Example" in out and "Exemple" not in out
    french = subprocess.run([sys.executable, "-m", "procurement", *args[:1], "--help"], cwd=ROOT, env=env,
                            capture_output=True, text=True, encoding="utf-8", timeout=60, check=True).stdout
    assert "Exemple" in french

