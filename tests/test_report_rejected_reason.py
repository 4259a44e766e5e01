"""The batch report's rejected rows give the column in a cell of its own: the reason beside it does not
repeat it (« G (Montant HT) | … | colonne G (Montant HT) : … », found on the check page in session 16)."""

from __future__ import annotations

from click.testing import CliRunner

from procurement.cli import main

CSV = ("N° de commande;Objet;Montant HT (€);Date de notification\n"
       "BC-1;Ramettes;cent mille;10/03/2025\n"
       "BC-2;Stylos;1 200;11/03/2025\n")


def test_a_rejected_rows_reason_in_the_report_does_not_repeat_its_column(tmp_path):
    src = tmp_path / "orders.csv"
    src.write_text(CSV, encoding="utf-8")
    for lang, column in (("fr", "colonne"), ("en", "column")):
        out = tmp_path / lang
        result = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "html", "--quiet",
                                           "--lang", lang])
        assert result.exit_code in (0, 1), result.output
        html = (out / "report.html").read_text(encoding="utf-8")
        row = html[html.index("<td>cent mille</td>"):]
        row = row[:row.index("</tr>")]
        assert "cent mille" in row and f"{column} C (" not in row, row
        reason = "n&#39;est pas un nombre lisible" if lang == "fr" else "is not a readable number"
        assert reason in row, row  # the reason itself stays
    # the rejection itself keeps its whole sentence (rejected.csv, results.json, the terminal)
    assert "colonne C (Montant HT (€)) : " in (tmp_path / "fr" / "rejected.csv").read_text(encoding="utf-8-sig")
