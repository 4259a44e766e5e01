"""A CSV whose text was encoded twice in UTF-8 (read as Windows-1252 by a tool, written back as UTF-8): its
headers went to `ignored_columns` and 11 of its 12 rows were rejected as « « MarchÃ© » n'est pas une valeur
reconnue », with no word of the encoding (auditor review, 2026-11-27). Such text is now decoded again, line by
line, and the run says how many lines were repaired."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from procurement.cli import main
from procurement.read.csv_reader import DOUBLED, LineDecoded, sniff_encoding

HEADER = "N° de commande;Objet;Nature;Procédure;Montant HT (€);Date de notification;Fournisseur;" \
         "Considérations sociales"
ROWS = ["B-01;Réfection de la chaussée;Marché;Procédure adaptée;12 500,00 €;03/02/2025;Société Générale;"
        "Marché réservé",
        "B-02;Fourniture d’écrans « 27 pouces »;Marché;Appel d'offres ouvert;250 000,00;15/03/2025;Œuvre Sàrl;"
        "Clause sociale"]


# Windows-1252 as Windows reads it: its five undefined bytes as the control characters of the same number
WINDOWS = {b: chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252") for b in range(256)}


def double(text: str) -> str:
    """What a tool reading UTF-8 as Windows-1252 writes back."""
    return "".join(WINDOWS[b] for b in text.encode("utf-8"))


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_encoded_twice_is_read_as_written_and_said(tmp_path):
    src = _write(tmp_path / "double.csv", [double(HEADER), *map(double, ROWS)])
    assert "MarchÃ©" in src.read_text(encoding="utf-8")
    assert sniff_encoding(src) == DOUBLED
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    assert "texte encodé deux fois en UTF-8 (« Ã© » pour « é ») réparé sur 3 lignes" in result.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["meta"]["counts"]["rejected"] == 0
    data = [o["data"] for o in doc["orders"]]
    assert [d["procedure"] for d in data] == ["procedure_adaptee", "appel_offres_ouvert"]
    assert [d["supplier_name"] for d in data] == ["Société Générale", "Œuvre Sàrl"]
    assert data[1]["object"] == "Fourniture d’écrans « 27 pouces »"
    assert data[0]["social_considerations"] == ["reserved"]
    assert "réparé sur 3 lignes" in (out / "report.html").read_text(encoding="utf-8")
    english = CliRunner().invoke(main, ["score", str(src), "--out", str(tmp_path / "en"), "--lang", "en"])
    assert "text encoded twice in UTF-8 (“Ã©” for “é”) repaired on 3 lines" in english.output


def test_a_cell_encoded_three_times_beside_repaired_text_is_repaired(tmp_path):
    """A cell pasted from such a file into another: the line once decoded holds « é » and « 12 500 € » (a
    narrow space Windows-1252 cannot hold) beside « MarchÃ© »; each character is decoded again, not the line."""
    line = double(ROWS[0].rsplit(";", 1)[0] + ";" + double("Marché réservé"))
    src = _write(tmp_path / "triple.csv", [double(HEADER), line])
    [_, row] = list(LineDecoded(src, repair=True))
    assert row.rstrip("\n") == ROWS[0]


def test_a_utf8_file_is_left_as_it_is(tmp_path):
    src = _write(tmp_path / "plain.csv", [HEADER, *ROWS, "B-03;Château d’eau — « à » près;Marché;;1,00;;;"])
    assert sniff_encoding(src) == "utf-8"


# French text, but for « â » directly before « € », « ‚ » or « „ »: « â€ » then a no-break space is also what
# « † » encoded twice gives, and no French text writes it (the repair reads it as « † »); nor « Ëœ », which is
# « ˜ » encoded twice (a step of « Ü » encoded three times).
FRENCH = st.text(alphabet=st.sampled_from(list("abcdeéèêëàâäîïôöùûüçœæÉÈÊËÀÇŒÔÙÎ«»’“”–—…€°\u202f\u00a0 "
                                                "0123456789;,.'-")),
                 max_size=60).filter(lambda t: not any(p in t for p in ("â€", "â‚", "â„", "Ëœ")))


@given(FRENCH)
def test_french_text_encoded_twice_reads_back(text):
    reader = LineDecoded.__new__(LineDecoded)
    reader.repaired_lines = 0
    assert reader._undouble(double(text)) == text
    assert reader._undouble(double(double(text))) == text


@given(FRENCH)
def test_french_text_read_once_is_left_as_it_is(text):
    """The repair runs on every line of a file found encoded twice: a line typed right there (uppercase accents
    beside punctuation: « CANOË » then a no-break space read « CANOˠ ») is kept (review of the session's diff).
    « Â » is left out of the alphabet: « Â » then a no-break space is what one encoded twice gives."""
    reader = LineDecoded.__new__(LineDecoded)
    reader.repaired_lines = 0
    assert reader._undouble(text) == text


@given(st.text())
def test_the_repair_never_fails_on_any_text(text):
    """« Â » then U+0091, which no Windows-1252 byte reads as, raised a KeyError (the fuzz test found it)."""
    reader = LineDecoded.__new__(LineDecoded)
    reader.repaired_lines = 0
    assert isinstance(reader._undouble(text), str)
    assert reader._undouble("Â\x91") == "Â\x91"


def test_uppercase_accents_a_bom_and_text_typed_right_are_read_as_meant(tmp_path):
    """Review of the session's diff: a file whose only doubled characters were capitals (« RÃ‰FÃ‰RENCE ») or
    « œ » (« Å“ ») was not detected; a BOM encoded twice (« ï»¿ ») took the first header's name; and
    « CANOË » then a no-break space, typed right beside a doubled « matÃ©riel », read « CANOˠ »."""
    header = "RÉFÉRENCE;LIBELLÉ;NATURE;MONTANT HT;DATE DE NOTIFICATION"
    line = "A1;MAIN D’ŒUVRE ÉLECTRICITÉ;MARCHÉ;1000;02/01/2025"
    upper = _write(tmp_path / "upper.csv", [double(header), double(line)])
    assert sniff_encoding(upper) == DOUBLED
    [_, row] = list(LineDecoded(upper, repair=True))
    assert row.rstrip("\n") == line
    bom = tmp_path / "bom.csv"
    bom.write_bytes(double("\ufeff" + header + "\nA1;Matériel;Marché;1000;02/01/2025\n").encode("utf-8"))
    [head, _] = list(LineDecoded(bom, repair=True))
    assert head.rstrip("\n") == header
    mixed = _write(tmp_path / "mixed.csv", [double(header), double("A1;Location de matériel") + " pour le club CANOË"
                                            "\u00a0: kayaks;Marché;1000;02/01/2025"])
    [_, row] = list(LineDecoded(mixed, repair=True))
    assert row.rstrip("\n") == "A1;Location de matériel pour le club CANOË\u00a0: kayaks;Marché;1000;02/01/2025"


def test_a_decp_table_encoded_twice_says_it_was_repaired(tmp_path):
    """The DECP table reader repaired the text silently (review of the session's diff)."""
    src = _write(tmp_path / "decp.csv", [
        "uid;id;acheteur_id;codeCPV;montant;dateNotification;titulaire_id;objet;procedure",
        double("U1;1;20005480700017;48000000;200000;2025-03-04;39210031900038;Prestation de sécurité;"
               "Procédure adaptée")])
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out)])
    assert "réparé sur 1 ligne" in result.output
    doc = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert doc["orders"][0]["data"]["object"] == "Prestation de sécurité"
