"""Auditor review, session 14: defects an auditor scoring a year of orders in one batch would hit."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from procurement.model import Rejection
from procurement.read import read_file
from procurement.read.base import RawRecord, ReadOptions

HEADER = "Référence;Direction;Libellé;Nature du marché;CPV;Montant HT;Date de notification\n"
ORDERS = "B1;DirA;obj;Marché;45000000;100;02/01/2025\nB2;DirA;obj;Marché;45000000;200;02/01/2025\n"


def _read(path: Path) -> list[RawRecord | Rejection]:
    _, records = read_file(path, ReadOptions())
    return list(records)


# --- a spreadsheet's total line is not an order ---------------------------------------------------


@pytest.mark.parametrize("label", ["Total", "TOTAL GÉNÉRAL", "Sous-total DirA", "Total HT (€) :", "Grand total"])
def test_a_total_line_is_rejected_with_its_reason_not_scored(tmp_path, label):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + f"{label};;;;;300;\n", encoding="utf-8")
    *orders, total = _read(path)
    assert [r.cells["id"].value for r in orders] == ["B1", "B2"]
    assert isinstance(total, Rejection) and total.code == "total_row"
    assert total.source.row == 4 and total.column == "A (Référence)" and total.value == label.strip()
    assert "ligne de total" in total.message_fr and "total line" in total.message_en


def test_a_total_line_in_a_workbook_merged_over_the_first_columns(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["N° de commande", "Service", "Objet", "Montant HT (€)"])
    ws.append(["X1", "DirA", "Travaux", 50000])
    ws.append(["X2", "DirA", "Travaux", 10000])
    ws.append(["TOTAL GÉNÉRAL", None, None, 60000])
    ws.merge_cells("A4:C4")
    wb.save(tmp_path / "c.xlsx")
    records = _read(tmp_path / "c.xlsx")
    assert [type(r).__name__ for r in records] == ["RawRecord", "RawRecord", "Rejection"]
    assert records[2].code == "total_row" and records[2].source.row == 4


@pytest.mark.parametrize("row", ["TOTAL-2025-01;DirA;obj;Marché;45000000;300;03/01/2025",  # an order's number
                                 "B3;Total;Total;Marché;45000000;300;03/01/2025",  # an id, then « Total »
                                 "Total 2025;DirA;obj;Marché;45000000;300;03/01/2025"])
def test_an_order_whose_cells_merely_say_total_is_kept(tmp_path, row):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + row + "\n", encoding="utf-8")
    assert all(isinstance(r, RawRecord) for r in _read(path))


def test_a_supplier_named_total_is_an_order_without_an_id_column_or_with_its_id_blank(tmp_path):
    """Review: « TOTAL ENERGIES MARKETING FRANCE » first in a file without an id column was rejected as a
    total line, and with its id cell blank it was told « ligne de total » instead of « identifiant manquant »."""
    path = tmp_path / "c.csv"
    path.write_text("Fournisseur;Objet;Montant HT;Code CPV;Date de notification\n"
                    "TOTAL ENERGIES MARKETING FRANCE;Carburant;12000;09100000;02/01/2025\n"
                    "Total Direct Energie;Electricite;5000;09310000;03/01/2025\n"
                    "Total;;17000;;\n", encoding="utf-8")
    first, second, total = _read(path)
    assert isinstance(first, RawRecord) and isinstance(second, RawRecord) and total.code == "total_row"
    blank_id = tmp_path / "d.csv"
    blank_id.write_text("Fournisseur;Référence;Montant HT\nTotal Direct Energie;;5000\nTotal général;;5000\n",
                        encoding="utf-8")
    order, total = _read(blank_id)
    assert isinstance(order, RawRecord) and total.code == "total_row"  # validate() then says missing_id
    from procurement.validate import validate

    assert validate(order).code == "missing_id"


def test_a_total_line_of_a_file_without_id_column(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Objet;Montant HT;Code CPV\nTravaux;100;45000000\nTotal;100;\n", encoding="utf-8")
    order, total = _read(path)
    assert isinstance(order, RawRecord) and isinstance(total, Rejection) and total.code == "total_row"
    assert total.column == "A (Objet)"


def test_the_total_line_keeps_the_row_balance_and_out_of_the_figures(tmp_path):
    from procurement.pipeline import run
    from procurement.rulebook import load_default

    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + "Total;;;;;300;\n", encoding="utf-8")
    result = run([path], load_default())
    assert result.counts == {"rows_read": 3, "orders": 2, "rejected": 1, "merged": 0}
    assert sum(s.order.amount for s in result.orders) == 300


# --- diff says when the supplier register or the waivers file changed -----------------------------


def test_diff_names_the_supplier_register_and_the_waivers_file(tmp_path, monkeypatch):
    """Adding --suppliers or --waivers moved hundreds of verdicts while the diff said « Fichiers : tous
    inchangés » and nothing else: the auditor could not tell why."""
    from click.testing import CliRunner

    from procurement.cli import main
    from procurement.diff import diff_dirs, render_html, summary_text

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    samples = Path(__file__).resolve().parent.parent / "samples"
    base = [str(samples / "commandes-2025.csv"), "--format", "json", "--quiet"]

    def score(name: str, *options: str) -> Path:
        result = CliRunner().invoke(main, ["score", *base, "--out", str(tmp_path / name), *options])
        assert result.exit_code == 0, result.output
        return tmp_path / name

    plain = score("a")
    full = score("b", "--suppliers", str(samples / "fournisseurs.csv"),
                 "--waivers", str(samples / "derogations.yaml"))
    result = diff_dirs(plain, full)
    assert [(i["path"], i["status"]) for i in result["suppliers"]] == [(str(samples / "fournisseurs.csv"), "added")]
    assert [(i["path"], i["status"]) for i in result["waivers"]] == [(str(samples / "derogations.yaml"), "added")]
    text = summary_text(result, "fr")
    assert "Référentiel fournisseurs : fournisseurs.csv ajouté" in text
    assert "Fichier des dérogations : derogations.yaml ajouté" in text
    assert "Waivers file: derogations.yaml removed" in summary_text(diff_dirs(full, plain), "en")
    same = summary_text(diff_dirs(full, full), "fr")
    assert "Référentiel fournisseurs : inchangé" in same and "Fichier des dérogations : inchangé" in same
    assert "fournisseurs" not in summary_text(diff_dirs(plain, plain), "fr")  # neither run had one
    page = render_html(result, "fr")
    assert "Référentiel fournisseurs" in page and "derogations.yaml" in page


# --- results.xlsx's « Lisez-moi » counts its left-out rows in agreed words ------------------------


@pytest.mark.parametrize(("lang", "zero", "many"), [
    ("fr", "(0 ligne sans objet non listée)", "lignes sans objet non listées)"),
    ("en", "(0 not-applicable rows not listed)", "not-applicable rows not listed)")])
def test_readme_rule_sheets_count_the_rows_left_out_in_agreed_words(tmp_path, lang, zero, many):
    from click.testing import CliRunner

    from procurement.cli import main

    src = tmp_path / "c.csv"
    src.write_text(HEADER + ORDERS, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "xlsx", "--quiet",
                                       "--lang", lang])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    readme = wb[wb.sheetnames[1]]
    lines: dict[str, str] = {}
    for r in readme.iter_rows(values_only=True):
        if r and r[0] and len(r) > 1 and r[1]:
            lines.setdefault(r[0], str(r[1]))  # the « Feuilles » section comes before the legal basis
    assert lines["ENV-01"].endswith(zero)  # ENV-01 applies to every order
    assert lines["PROC-04"].endswith("(2 " + many)
    assert not any(str(v).endswith(("(0 lignes sans objet non listées)", "(1 lignes sans objet non listées)"))
                   for v in lines.values())


@pytest.mark.parametrize(("lang", "said"), [("fr", "Donnée lue dans un fichier DECP ou OCDS : SIRET acheteur"),
                                            ("en", "Value read from a DECP or OCDS file: Buyer SIRET")])
def test_readme_names_a_decp_field_without_help_by_its_label_not_its_code(tmp_path, lang, said):
    """« Donnée lue dans le fichier DECP : buyer_siret »: the column's explanation gave the internal code, and
    said « DECP » of an OCDS file too."""
    from click.testing import CliRunner

    from procurement.cli import main

    data = Path(__file__).resolve().parent / "data"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(data / "decp" / "v15_paquet.json"),
                                       str(data / "ocds" / "mx-federal-record-package-1.json"),
                                       "--out", str(out), "--format", "xlsx", "--quiet", "--lang", lang])
    assert result.exit_code == 0, result.output
    wb = openpyxl.load_workbook(out / "results.xlsx", read_only=True)
    texts = [str(r[1]) for r in wb[wb.sheetnames[1]].iter_rows(values_only=True) if r and len(r) > 1 and r[1]]
    assert said in texts
    from procurement.fields import FIELDS

    codes = {f.name for f in FIELDS}
    assert not [t for t in texts if t.rpartition(": ")[2] in codes]


# --- one file given twice ---------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["c.csv", "./c.csv", "../{dir}/c.csv"])
def test_one_file_given_twice_is_refused_before_anything_is_written(tmp_path, monkeypatch, second):
    """`score x.csv x.csv --per-order` wrote 13 pages for 26 orders: the copies share file and row, so their
    pages overwrote each other and the report linked both to one page."""
    from click.testing import CliRunner

    from procurement.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.csv").write_text(HEADER + ORDERS, encoding="utf-8")
    again = second.format(dir=tmp_path.name)
    for lang, said in (("fr", "donnez-le une seule fois"), ("en", "give it once")):
        result = CliRunner().invoke(main, ["score", "c.csv", again, "--per-order", "--out", "o", "--lang", lang])
        assert result.exit_code == 2 and said in result.output, result.output
        assert len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
    ok = CliRunner().invoke(main, ["score", "c.csv", "--per-order", "--out", "o"])
    assert ok.exit_code == 0, ok.output
    assert len(list((tmp_path / "o" / "orders").glob("*.html"))) == 2


# --- a formula saved without its value ----------------------------------------------------------------


def _formula_workbook(path: Path) -> Path:
    """Saved by openpyxl, never calculated: its formulas have no value; then, by hand, one formula with a
    value (as a spreadsheet saves it), one shared formula without text and an escaped one."""
    import zipfile

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Référence", "Direction", "Libellé", "Montant HT", "CPV", "Date de notification"])
    ws.append(["B1", "DirA", "Travaux", 100, "45000000", "02/01/2025"])
    ws.append(["B2", "DirA", "Travaux", "=D2*2", "45000000", "02/01/2025"])
    ws.append(["B3", "=B2", "Travaux", "=D2*3", "45000000", "02/01/2025"])
    ws.append(["B4", "DirA", "Travaux", "=D2*4", "45000000", "02/01/2025"])
    ws.append(["B5", "DirA", "=IF(D2>1,\"a\",\"b\")", 5, "45000000", "02/01/2025"])
    wb.save(path)
    with zipfile.ZipFile(path) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = (parts[sheet].replace(b"<f>D2*3</f><v />", b'<f t="shared" ref="D4" si="0"/><v />')
                    .replace(b"<f>D2*4</f><v />", b"<f>D2*4</f><v>400</v>"))
    assert b'si="0"/><v />' in parts[sheet] and b"<v>400</v>" in parts[sheet]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize("engine", ["openpyxl", "calamine"])
def test_a_formula_saved_without_its_value_is_said_not_read_as_blank(tmp_path, engine):
    """Both engines read such a cell as blank: the amount became unknown and nothing said why."""
    path = _formula_workbook(tmp_path / "f.xlsx")
    _, records = read_file(path, ReadOptions(xlsx_engine=engine))
    said = {r.cells["id"].value: [(w.code, w.field, w.column, w.value) for w in r.warnings]
            for r in records if isinstance(r, RawRecord)}
    assert said == {
        "B1": [],
        "B2": [("formula_without_value", "amount", "D (Montant HT)", "=D2*2")],
        "B3": [("formula_without_value", "buyer_name", "B (Direction)", "=B2"),
               ("formula_without_value", "amount", "D (Montant HT)", None)],  # shared: no text of its own
        "B4": [],  # computed and saved: read as 400
        "B5": [("formula_without_value", "object", "C (Libellé)", '=IF(D2>1,"a","b")')],  # &quot; unescaped
    }


def test_a_formula_without_value_is_explained_in_the_order_warnings(tmp_path):
    from click.testing import CliRunner

    from procurement.cli import main

    path = _formula_workbook(tmp_path / "f.xlsx")
    for lang, said in (("fr", "formule sans valeur calculée (=D2*2)"), ("en", "formula without a computed value")):
        result = CliRunner().invoke(main, ["score", str(path), "--out", str(tmp_path / lang), "--format", "json",
                                           "--lang", lang])
        assert result.exit_code == 0, result.output
        data = (tmp_path / lang / "results.json").read_text(encoding="utf-8")
        assert said in data


def test_an_id_that_is_a_formula_without_value_says_so_in_its_rejection(tmp_path):
    """The row was rejected with « identifiant manquant : chaque ligne doit avoir un identifiant », when the
    id was there and the workbook only needed recalculating (review)."""
    from procurement.validate import validate

    wb = openpyxl.Workbook()
    wb.active.append(["Référence", "Direction", "Montant HT"])
    wb.active.append(['="B"&ROW()', "DirA", 100])
    wb.save(tmp_path / "idf.xlsx")
    (record,) = _read(tmp_path / "idf.xlsx")
    rejection = validate(record)
    assert rejection.code == "missing_id" and rejection.value == '="B"&ROW()'
    assert "formule sans valeur calculée" in rejection.message_fr and "Excel ou LibreOffice" in rejection.message_fr
    assert rejection.message_en.startswith("column A (Référence): missing identifier: formula without a computed")


# --- a note or a footer is not an order ---------------------------------------------------------------


def test_a_footer_line_with_only_the_id_column_filled_is_rejected_with_its_reason(tmp_path):
    """« Nombre de lignes : 2 » and « Édité le … par SAP » under the orders were scored as two orders
    (« Nombredelignes:2 », every rule lacking data) and counted in every figure."""
    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS + "Nombre de lignes : 2;;;;;;\nÉdité le 01/12/2025 par SAP\n", encoding="utf-8")
    *orders, count, edited = _read(path)
    assert all(isinstance(o, RawRecord) for o in orders) and len(orders) == 2
    assert (count.code, count.column, count.value) == ("no_order_data", "A (Référence)", "Nombre de lignes : 2")
    assert "pied de tableau" in edited.message_fr and "table footer" in edited.message_en
    assert edited.source.row == 5


def test_a_row_with_only_unread_columns_filled_is_rejected_too(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("Objet;Montant HT;Commentaire\nTravaux;100;\n;;à revoir\n", encoding="utf-8")
    order, note = _read(path)
    assert isinstance(order, RawRecord) and note.code == "no_order_data" and note.column is None


def test_an_id_with_one_more_field_stays_an_order(tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(HEADER + "B9;;;;;100;\nB10;;;;;;02/01/2025\n", encoding="utf-8")
    assert all(isinstance(r, RawRecord) for r in _read(path))


def test_a_consultation_begun_in_the_template_is_checked_not_rejected(tmp_path):
    """In `check`'s template a row with only its id is a consultation the buyer has begun: the page lists
    what it lacks (rejecting it as a footer stopped the check: « aucune consultation lisible »)."""
    import json

    from click.testing import CliRunner

    from procurement.cli import main

    template = tmp_path / "c.xlsx"
    assert CliRunner().invoke(main, ["template", str(template)]).exit_code == 0
    wb = openpyxl.load_workbook(template)
    head = [c.value for c in wb["Consultation"][1]]
    wb["Consultation"].cell(row=2, column=head.index("Identifiant") + 1, value="2026-X")
    wb.save(template)
    result = CliRunner().invoke(main, ["check", str(template), "--out", str(tmp_path / "o")])
    assert result.exit_code in (0, 1), result.output
    data = json.loads((tmp_path / "o" / "check.json").read_text(encoding="utf-8"))
    assert [t["id"] for t in data["tenders"]] == ["2026-X"]


def test_the_order_pages_rules_without_object_are_named_once(tmp_path):
    """« ENV-10 — X : Non applicable : X »: the list under « sans objet » repeated each rule's title."""
    import re
    from html import unescape

    from click.testing import CliRunner

    from procurement.cli import main

    path = tmp_path / "c.csv"
    path.write_text(HEADER + ORDERS, encoding="utf-8")
    result = CliRunner().invoke(main, ["score", str(path), "--per-order", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    page = unescape(next((tmp_path / "o" / "orders").glob("B1-*.html")).read_text(encoding="utf-8"))
    section = page[page.index('id="h-na"'):]
    items = re.findall(r"<li>(.*?)</li>", section[:section.index("</section>")])
    assert items and all("Non applicable" not in i for i in items), items[:3]
    assert any(i.startswith("ENV-10 — ") for i in items)
