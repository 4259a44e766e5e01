"""`procurement template`: the buyer's workbook, its headers, comments, dropdowns and checks.

Every dropdown label must parse back (procurement.parse) to the codes it stands for, and every header
must be recognised by our reader: the workbook is the input of `check`, and of `score --sheet`.
"""

from __future__ import annotations

import csv
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.fields import FIELDS_BY_NAME, Kind, match_header
from procurement.parse import parse_choice, parse_choice_set
from procurement.read import read_file
from procurement.read.base import ReadOptions
from procurement.template import BID_COLUMNS, SHEETS, TENDER_COLUMNS, build_template, dropdowns

SOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


def _invoke(*args: str):
    return CliRunner().invoke(main, ["template", *args])


@pytest.fixture(scope="module", params=["fr", "en"])
def workbook(request, tmp_path_factory):
    lang = request.param
    path = tmp_path_factory.mktemp(f"template-{lang}") / "consultation.xlsx"
    args = [str(path)] + (["--lang", "en"] if lang == "en" else [])
    result = _invoke(*args)
    assert result.exit_code == 0, result.output
    return lang, path, openpyxl.load_workbook(path)


def test_sheets_in_order_lists_hidden(workbook):
    lang, _, wb = workbook
    assert wb.sheetnames == [SHEETS[k][lang] for k in ("tender", "bids", "help", "lists")]
    assert wb[SHEETS["lists"][lang]].sheet_state == "hidden"
    assert wb.active.title == SHEETS["tender"][lang]
    help_text = " ".join(str(r[0]) for r in wb[SHEETS["help"][lang]].iter_rows(values_only=True))
    assert ("critères et pondérations publiés" if lang == "fr" else "criteria and weights published") in help_text
    assert "procurement check" in help_text


@pytest.mark.parametrize("sheet, columns", [("tender", TENDER_COLUMNS), ("bids", BID_COLUMNS)])
def test_headers_are_ours_with_comments_and_read_back(workbook, sheet, columns):
    lang, _, wb = workbook
    ws = wb[SHEETS[sheet][lang]]
    headers = [c.value for c in ws[1]]
    assert headers == [FIELDS_BY_NAME[c.field].header(lang) for c in columns]
    for cell, column in zip(ws[1], columns, strict=True):
        assert match_header(cell.value) == column.field, cell.value
        assert cell.comment is not None and column.help(lang) in cell.comment.text
        assert cell.font.bold
        assert ws.column_dimensions[cell.column_letter].width >= 10
    assert ws.freeze_panes == "B2"


def test_brief_columns_are_all_there():
    tender = {c.field for c in TENDER_COLUMNS}
    assert {"object", "cpv", "amount", "procedure", "launch_date", "nature", "award_criteria", "env_weight",
            "price_weight", "env_considerations", "social_considerations", "lots", "place_code"} <= tender
    bids = {c.field for c in BID_COLUMNS}
    assert {"id", "supplier_name", "supplier_siret", "supplier_postcode", "supplier_country", "supplier_size",
            "supplier_status", "amount", "delivery_km", "intermediaries", "organic_share", "egalim_share",
            "recycled_share", "declared_emissions", "origin_france", "origin_eu", "insertion_hours",
            "tender_id"} <= bids


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_dropdown_label_parses_to_its_codes(lang):
    options = dropdowns(lang)
    assert set(options) == {"nature", "procedure", "place_type", "env_considerations", "social_considerations",
                            "supplier_size", "supplier_status"}
    for name, choices in options.items():
        kind = FIELDS_BY_NAME[name].kind
        labels = [label for label, _ in choices]
        assert len(set(labels)) == len(labels)
        for label, codes in choices:
            if kind is Kind.ENUM_SET:
                assert parse_choice_set(name, label) == tuple(sorted(codes)), (name, label)
            else:
                assert (parse_choice(name, label),) == codes, (name, label)
    assert "offre" not in {c for _, codes in options["nature"] for c in codes}


def test_validations(workbook):
    lang, _, wb = workbook
    lists = wb[SHEETS["lists"][lang]]
    for sheet, columns in (("tender", TENDER_COLUMNS), ("bids", BID_COLUMNS)):
        ws = wb[SHEETS[sheet][lang]]
        by_column = {}
        for dv in ws.data_validations.dataValidation:
            for rng in dv.sqref.ranges:
                by_column[rng.min_col] = dv
        for index, column in enumerate(columns, start=1):
            kind = FIELDS_BY_NAME[column.field].kind
            dv = by_column.get(index)
            if kind in (Kind.ENUM, Kind.ENUM_SET):
                assert dv is not None and dv.type == "list", column.field
                sheet_ref, _, cells = dv.formula1.partition("!")
                assert sheet_ref.strip("'") == lists.title
                first, last = cells.replace("$", "").split(":")
                values = [c.value for row in lists[first:last] for c in row]
                assert values == [label for label, _ in dropdowns(lang)[column.field]]
                assert dv.showErrorMessage and dv.errorStyle in (None, "stop")
            elif kind is Kind.PERCENT:
                assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "100")
            elif kind in (Kind.MONEY, Kind.NUMBER):
                assert (dv.type, dv.formula1) == ("decimal", "0")
            elif kind is Kind.INTEGER:
                assert (dv.type, dv.formula1) == ("whole", "0")
            elif kind is Kind.DATE:
                assert dv.type == "date" and int(dv.formula1) < int(dv.formula2)
                assert ws.column_dimensions[openpyxl.utils.get_column_letter(index)].number_format in (
                    "DD/MM/YYYY", "YYYY-MM-DD")
            if kind in (Kind.SIRET, Kind.CPV, Kind.CODE):
                assert ws.column_dimensions[openpyxl.utils.get_column_letter(index)].number_format == "@"
        if sheet == "bids":
            tender_dv = by_column[len(columns)]
            assert tender_dv.type == "list" and SHEETS["tender"][lang] in tender_dv.formula1
            assert tender_dv.errorStyle == "warning"


def test_empty_template_reads_as_empty_tables(workbook):
    lang, path, _ = workbook
    for key, columns in (("tender", TENDER_COLUMNS), ("bids", BID_COLUMNS)):
        info, records = read_file(path, ReadOptions(sheet=SHEETS[key][lang]))
        assert list(records) == []
        assert info.header_row == 1 and info.rows_read == 0
        assert set(info.columns.values()) == {c.field for c in columns}
        assert info.ignored_columns == []


def test_score_reads_the_consultation_sheet(tmp_path):
    path = tmp_path / "c.xlsx"
    assert _invoke(str(path)).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["Consultation"]
    head = [c.value for c in ws[1]]
    row = {"Identifiant": "2026-01", "Objet": "Denrées", "Nature": "Accord-cadre", "Procédure": "Appel d'offres ouvert",
           "Code CPV": "15000000", "Montant HT": 500000, "Considérations environnementales": "Critère environnemental"}
    for key, value in row.items():
        ws.cell(row=2, column=head.index(key) + 1, value=value)
    wb.save(path)
    result = CliRunner().invoke(main, ["score", str(path), "--sheet", "Consultation", "--out", str(tmp_path / "o"),
                                       "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "1 ligne lue : 1 commande évaluée, 0 rejetée" in result.output


def test_refuses_to_overwrite_and_non_xlsx(tmp_path):
    path = tmp_path / "c.xlsx"
    assert _invoke(str(path)).exit_code == 0
    before = path.read_bytes()
    result = _invoke(str(path))
    assert result.exit_code == 2 and "--force" in result.stderr
    assert path.read_bytes() == before
    assert _invoke(str(path), "--force", "--quiet").exit_code == 0
    result = _invoke(str(tmp_path / "c.csv"), "--lang", "en")
    assert result.exit_code == 2 and ".xlsx" in result.stderr
    result = _invoke(str(tmp_path / "nope" / "c.xlsx"))
    assert result.exit_code == 2


def test_build_is_deterministic_in_content():
    a, b = build_template("fr"), build_template("fr")
    assert [ws.title for ws in a] == [ws.title for ws in b]
    assert [c.value for c in a["Offres"][1]] == [c.value for c in b["Offres"][1]]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice absent (apt-get install libreoffice-calc-nogui)")
def test_libreoffice_opens_the_template(workbook, tmp_path):
    lang, path, _ = workbook
    out = tmp_path / "lo"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{out / 'profile'}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1", "--outdir", str(out),
         str(path)],
        check=True, capture_output=True, timeout=180,
    )
    for key, columns in (("tender", TENDER_COLUMNS), ("bids", BID_COLUMNS)):
        produced = out / f"{path.stem}-{SHEETS[key][lang]}.csv"
        with produced.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0] == [FIELDS_BY_NAME[c.field].header(lang) for c in columns]
    lists = out / f"{path.stem}-{SHEETS['lists'][lang]}.csv"
    assert lists.exists()


def test_the_terminal_balance_agrees_with_its_numbers(tmp_path):
    from procurement.commands import summary_line

    class _Run:
        def __init__(self, **counts):
            self.counts = {"merged": 0, **counts}

    fr = summary_line(_Run(rows_read=2, orders=1, rejected=1), tmp_path, "fr")
    assert fr.startswith("2 lignes lues : 1 commande évaluée, 1 rejetée.")
    assert summary_line(_Run(rows_read=3, orders=3, rejected=0, merged=2), tmp_path, "fr").startswith(
        "3 lignes lues : 3 commandes évaluées, 0 rejetée, 2 fusionnées.")
    assert summary_line(_Run(rows_read=1, orders=1, rejected=0), tmp_path, "en").startswith(
        "1 row read: 1 order scored, 0 rejected.")
    assert summary_line(_Run(rows_read=0, orders=0, rejected=0), tmp_path, "en").startswith(
        "0 rows read: 0 orders scored")
