"""A place code's type: half the French postcodes are also the INSEE code of another commune.

A buyer's « 13004 » (Marseille 4e) was read as the INSEE code of Arles, outside the Métropole, without a
word; the check template even gives « 13001 » as a postcode example, which reads as Aix-en-Provence. The
guess stays (a file of INSEE codes must keep its meaning), the user is told both readings, and a column
named for its codes (« Code postal du lieu d'exécution ») gives every row its type.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main
from procurement.enrich import enrich
from procurement.enrich_place import ambiguous_place
from procurement.model import Order, Source


def _order(code: str, place_type: str | None = None) -> Order:
    return enrich(Order(id="X", place_code=code, place_type=place_type, source=Source(file="t.csv", row=2)))


def test_an_ambiguous_code_keeps_its_guess_and_says_both_readings():
    order = _order("13004")
    assert order.place_commune == "13004" and order.place_in_amp is False  # Arles, as before
    [warning] = [w for w in order.warnings if w.code == "ambiguous_place"]
    assert "Arles (hors Métropole)" in warning.message_fr and "code postal de Marseille" in warning.message_fr
    assert "Type de code du lieu" in warning.message_fr and "Code postal du lieu d'exécution" in warning.message_fr
    assert "INSEE code of Arles (outside the Metropolis)" in warning.message_en
    assert "postcode of Marseille (in the Metropolis)" in warning.message_en


def test_a_declared_type_or_an_unambiguous_code_has_no_warning():
    assert not _order("13004", "postcode").warnings
    assert _order("13004", "postcode").place_in_amp is True  # Marseille 4e
    assert not _order("13055").warnings  # Marseille's INSEE code is no postcode
    assert not _order("13127").warnings  # Vitrolles' postcode is no INSEE code
    assert not _order("13").warnings  # a département


def test_enriching_twice_warns_once():
    order = enrich(_order("13001"))
    assert [w.code for w in order.warnings].count("ambiguous_place") == 1


def test_the_warning_is_made_once_per_code():
    assert ambiguous_place("13004", "commune") is ambiguous_place("13004", "commune")
    assert ambiguous_place("13004", "departement") is None


def _score(tmp_path: Path, header: str, codes: list[str], extra: dict[str, list[str]] | None = None) -> list[dict]:
    path = tmp_path / "orders.csv"
    columns = {"Identifiant": [f"C{i}" for i in range(len(codes))], header: codes, **(extra or {})}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(columns)
        writer.writerows(zip(*columns.values(), strict=True))
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(path), "--out", str(out), "--format", "json", "--quiet"])
    assert result.exit_code == 0, result.output
    return json.loads((out / "results.json").read_text(encoding="utf-8"))["orders"]


def test_a_postcode_column_gives_each_row_its_type(tmp_path):
    orders = _score(tmp_path, "Code postal du lieu d'exécution", ["13004", "13001"])
    assert [o["data"]["place_type"] for o in orders] == ["postcode", "postcode"]
    assert all(o["data"]["place_in_amp"] is True for o in orders)
    assert not [w for o in orders for w in o["warnings"] if w["code"] == "ambiguous_place"]


def test_an_insee_column_gives_each_row_its_type(tmp_path):
    orders = _score(tmp_path, "Code INSEE du lieu", ["13004"])
    assert orders[0]["data"]["place_type"] == "commune" and orders[0]["data"]["place_commune"] == "13004"
    assert not orders[0]["warnings"]


def test_a_type_column_wins_over_the_header(tmp_path):
    orders = _score(tmp_path, "Code postal du lieu d'exécution", ["13004"], {"Type de code du lieu": ["commune"]})
    assert orders[0]["data"]["place_type"] == "commune"


def test_a_plain_place_column_warns_on_ambiguous_codes(tmp_path):
    orders = _score(tmp_path, "Lieu d'exécution", ["13004", "13055"])
    assert [[w["code"] for w in o["warnings"]] for o in orders] == [["ambiguous_place"], []]


def test_a_code_given_as_a_postcode_that_is_none_leaves_the_place_unknown_and_says_so():
    # Essential data: « Code postal » 1116 (Grenoble's 38000 in the place's name) was padded to 01116 and
    # read as the INSEE code of Contrevoz (Ain), without a word (DECP review, 2026-11-28).
    order = _order("1116", "postcode")
    assert order.place_commune is None and order.place_departement is None and order.place_in_amp is None
    [warning] = [w for w in order.warnings if w.code == "place_not_of_type"]
    assert warning.message_fr.startswith("code de lieu 1116 donné comme code postal : il n'en est pas un")
    assert "stays unknown" in warning.message_en
    assert _order("6088", "postcode").place_commune is None  # Nice's INSEE code, not a postcode
    assert _order("croix", "postcode").warnings[0].code == "place_not_of_type"
    # A five-digit code of the other kind is still re-read (notes §8.6: « Code commune » 13270 is Fos-sur-Mer's
    # postcode), and an undeclared 4-digit code is still padded (« 6088 »: Nice).
    assert _order("13127", "commune").place_in_amp is True and not _order("13127", "commune").warnings
    assert _order("13055", "postcode").place_commune == "13055"
    assert _order("6088").place_commune == "06088"
