"""`reported` and CARB-02 (rulebook 1.3.5): a field the input's FORMAT cannot carry is unknown, not empty.

DECP and OCDS have no field for the emissions a supplier declares: CARB-02 on a carbon-significant contract
read from them is insufficient_data, saying the format does not carry the figure; the same contract in a
buyer's spreadsheet, where the column can be added, still fails. CARB-01's `absent` is left as it was.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from procurement import parallel, spool
from procurement.carriage import DECP, OCDS, SUPPLIER_DECLARED
from procurement.cli import main
from procurement.commands import load_rules
from procurement.engine import evaluate
from procurement.model import Order
from procurement.order_codec import pack, unpack
from procurement.pipeline import run
from procurement.read import read_file
from procurement.read.base import RawRecord
from procurement.rulebook import loads_rulebook
from procurement.transfer import pack as pack_records
from procurement.transfer import unpack as unpack_records
from procurement.write import forked
from procurement.write.finding_parts import FindingParts

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
WORDING_FR = "Émissions déclarées (kgCO2e) (declared_emissions) — le format {} ne porte pas ce champ ; " \
             "recueillez-le auprès du titulaire"
WORDING_EN = "the {} format does not carry this field; collect it from the supplier"


@pytest.fixture(scope="module")
def book():
    return load_rules(None, [], [])


def _finding(result, order_id: str, rule: str):
    for s in result.orders:
        if s.order.id == order_id:
            return next(f for f in s.findings if f.rule == rule)
    raise AssertionError(order_id)


def _assert_not_carried(f, fmt: str) -> None:
    assert f.status == "insufficient_data", f
    assert f.missing == ("declared_emissions",)
    assert WORDING_FR.format(fmt) in f.message("fr")
    assert WORDING_EN.format(fmt) in f.message("en")
    row = [r for r in f.evidence if r["part"] == "require"]
    assert row == [{"part": "require", "field": "declared_emissions", "op": "reported", "expected": None,
                    "actual": None, "result": None}]
    json.dumps(f.to_dict("fr"))  # no marker of the derived slot reaches an output


# --- CARB-02 on real inputs ---------------------------------------------------------------------------------

def test_carb02_on_a_decp_2019_record_is_insufficient_not_a_fail(book):
    # 3 M€ of works, 735 tCO2e by the monetary ratio: « fail » until 1.3.4, for a figure DECP cannot hold.
    result = run([DATA / "decp" / "pes_2019_subset.json"], book)
    _assert_not_carried(_finding(result, "2018M0800", "CARB-02"), "DECP")


WORKS_2024 = {
    "id": "2025TX0042", "acheteur": {"id": "20005480700017"}, "nature": "Marché",
    "objet": "Réfection de voirie", "codeCPV": "45233140-2", "procedure": "Appel d'offres ouvert",
    "lieuExecution": {"code": "13055", "typeCode": "Code commune"}, "dureeMois": 12,
    "dateNotification": "2025-03-14", "datePublicationDonnees": "2025-03-20", "montant": 2000000,
    "titulaires": [{"titulaire": {"typeIdentifiant": "SIRET", "id": "39210031900038"}}],
    "considerationsEnvironnementales": {"considerationEnvironnementale": ["Critère environnemental"]},
    "considerationsSociales": {"considerationSociale": ["Pas de considération sociale"]},
}
CSV_HEAD = "Référence;Date de notification;Objet;CPV;Montant HT;Mode de passation;SIRET titulaire;" \
           "Considérations environnementales;Émissions déclarées (kgCO2e)\n"
CSV_ROW = "2025TX0042;14/03/2025;Réfection de voirie;45233140;2000000;Appel d'offres ouvert;39210031900038;" \
          "Critère environnemental;{}\n"


def test_carb02_on_a_decp_2024_record_is_insufficient_and_the_same_row_of_a_csv_fails(tmp_path, book):
    decp = tmp_path / "decp-2024.json"
    decp.write_text(json.dumps({"marches": {"marche": [WORKS_2024]}}, ensure_ascii=False), encoding="utf-8")
    csv = tmp_path / "commandes.csv"
    csv.write_text(CSV_HEAD + CSV_ROW.format(""), encoding="utf-8")
    from_decp, from_csv = run([decp], book), run([csv], book)
    _assert_not_carried(_finding(from_decp, "2025TX0042", "CARB-02"), "DECP")
    in_csv = _finding(from_csv, "2025TX0042", "CARB-02")
    assert in_csv.status == "fail" and "format" not in in_csv.message("fr")
    # A figure typed in the spreadsheet passes; CARB-01 reads the same on both (`absent`: the estimate).
    csv.write_text(CSV_HEAD + CSV_ROW.format("350000"), encoding="utf-8")
    assert _finding(run([csv], book), "2025TX0042", "CARB-02").status == "pass"
    for result in (from_decp, from_csv):
        carb01 = _finding(result, "2025TX0042", "CARB-01")
        assert carb01.status == "pass"
        assert [r["result"] for r in carb01.evidence
                if r["op"] == "absent" and r["field"] == "declared_emissions"] == [True]


def test_carb02_on_an_ocds_release_is_insufficient(book):
    result = run([DATA / "ocds" / "amp-synthetique-durabilite.json"], book)
    _assert_not_carried(_finding(result, "ocds-test00-AMP-2026-0001/C1", "CARB-02"), "OCDS")


def test_a_decp_table_with_a_declared_emissions_column_carries_it(tmp_path):
    """A column the buyer added beside the DECP columns carries the field: empty there is a fact."""
    head = "id;acheteur.id;objet;codeCPV;montant;dateNotification;titulaire_id_1;titulaire_typeIdentifiant_1"
    row = "2025TX0042;20005480700017;Voirie;45233140;2000000;2025-03-14;39210031900038;SIRET"
    plain = tmp_path / "decp.csv"
    plain.write_text(head + "\n" + row + "\n", encoding="utf-8")
    added = tmp_path / "decp-plus.csv"
    added.write_text(head + ";Émissions déclarées (kgCO2e)\n" + row + ";\n", encoding="utf-8")
    for path, fields in ((plain, SUPPLIER_DECLARED), (added, SUPPLIER_DECLARED - {"declared_emissions"})):
        info, records = read_file(path)
        record = next(r for r in records if isinstance(r, RawRecord))
        assert info.format == "decp-csv" and record.uncarried.fields == fields and record.uncarried.format == "DECP"


def test_every_rule_but_carb02_reads_decp_and_ocds_as_before(book):
    """Only `reported` looks at the format: every other verdict is the one of the same order without it."""
    inputs = [DATA / "decp" / "pes_2019_subset.json", DATA / "ocds" / "amp-synthetique-durabilite.json",
              ROOT / "samples" / "decp-2024-bretagne.json"]
    changed = 0
    for s in run(inputs, book).orders:
        assert s.order.uncarried is not None
        plain = evaluate(s.order.model_copy(update={"uncarried": None}), book)
        for f, g in zip(evaluate(s.order, book), plain, strict=True):
            if f.rule != "CARB-02":
                assert f.status == g.status, (s.order.id, f.rule)
            elif f.status != g.status:
                changed += 1
                assert (f.status, g.status) == ("insufficient_data", "fail")
    assert changed >= 3


def test_any_missing_field_the_format_cannot_carry_is_said_so(book):
    """CIRC-01 on DECP lacks the recycled share, which no DECP format has: « Données manquantes » sent the user
    looking for a column their file cannot have; the same verdict from a spreadsheet keeps the plain words."""
    said = 0
    for s in run([ROOT / "samples" / "decp-2019-pes-extrait.json"], book).orders:
        for f in s.findings:
            if f.status == "insufficient_data" and "recycled_share" in f.missing:
                said += 1
                assert "(recycled_share) — le format DECP ne porte pas ce champ" in f.message("fr")
                plain = evaluate(s.order.model_copy(update={"uncarried": None}), book)
                other = next(g for g in plain if g.rule == f.rule)
                assert other.status == f.status and "ne porte pas" not in other.message("fr")
            elif f.status == "insufficient_data" and not set(f.missing) & s.order.uncarried.fields:
                assert "ne porte pas" not in f.message("fr"), f  # a field DECP has: the plain words
    assert said >= 3


# --- the operator ------------------------------------------------------------------------------------------

def _book(require: dict):
    doc = {"id": "t", "version": "1.0.0", "title": {"fr": "T", "en": "T"}, "rules": [{
        "id": "TST-01", "title": {"fr": "Titre", "en": "Title"}, "message": {"fr": "échec", "en": "fail"},
        "chantiers": [2], "kind": "kpi", "severity": "info", "why": {"fr": "p", "en": "w"},
        "advice": {"fr": "c", "en": "a"}, "require": require}]}
    return loads_rulebook(yaml.safe_dump(doc, allow_unicode=True))


def _order(uncarried=None, **values) -> Order:
    return Order.model_validate({"id": "O", "source": {"file": "f"}, "uncarried": uncarried, **values})


@pytest.mark.parametrize(("values", "uncarried", "expected"), [
    ({"recycled_share": 40}, None, "pass"),
    ({"recycled_share": 40}, DECP, "pass"),  # a value given is a value, whatever the format
    ({}, None, "fail"),  # the format could carry it: not given is a fact
    ({}, DECP, "insufficient_data"),
    ({}, OCDS, "insufficient_data"),
])
def test_reported_true_false_unknown(values, uncarried, expected):
    book = _book({"field": "recycled_share", "op": "reported"})
    negated = _book({"not": {"field": "recycled_share", "op": "reported"}})
    order = _order(uncarried, **values)
    (f,) = evaluate(order, book)
    assert f.status == expected
    assert f.compiled.explain(book.values(order))[0] == expected  # the evidence agrees with the fast path
    (g,) = evaluate(order, negated)
    assert g.status == {"pass": "fail", "fail": "pass"}.get(expected, expected)
    row = g.evidence[0]
    assert row["op"] == "not reported" and row["actual"] == values.get("recycled_share")
    if expected == "insufficient_data":
        assert f.missing == g.missing == ("recycled_share",)
        assert "le format" in g.message("fr") and "format does not carry" in g.message("en")


def test_reported_on_a_field_no_other_condition_reads_shows_its_value():
    book = _book({"field": "delivery_km", "op": "reported"})
    (f,) = evaluate(_order(None, delivery_km=12.5), book)
    assert f.evidence[0]["actual"] == 12.5 and f.status == "pass"
    (f,) = evaluate(_order(None), book)
    assert f.evidence[0]["actual"] is None and f.status == "fail"


def test_a_rulebook_without_reported_reads_values_with_one_attrgetter(book):
    from operator import attrgetter

    plain = _book({"field": "recycled_share", "op": "present"})
    from procurement.rulebook.book import REPORTED_SLOT

    def reported(b):
        return {name[len(REPORTED_SLOT):] for name in b.fields if name.startswith(REPORTED_SLOT)}

    assert type(plain.values) is attrgetter and not reported(plain)
    assert type(book.values) is not attrgetter and reported(book) == {"declared_emissions"}


def test_finding_texts_keep_the_format_wording_apart():
    """FindingParts keeps messages by rule, status and missing fields: a spreadsheet order must not get
    the DECP wording a DECP order with the same missing field got first, nor the reverse."""
    book = _book({"any": [{"field": "declared_emissions", "op": "reported"},
                          {"field": "declared_emissions", "op": "gte", "value": 5}]})
    decp, sheet = _order(DECP), _order(None)
    for lang in ("fr", "en"):
        parts = FindingParts(book.rules, lang)
        for order in (decp, sheet, decp, sheet):  # each met after the other, from the same caches
            (f,) = evaluate(order, book)
            assert f.status == "insufficient_data" and f.missing == ("declared_emissions",)
            fresh = FindingParts(book.rules, lang)
            text = parts.message(f)
            assert text == f.message(lang) == fresh.message(f)
            assert ("DECP" in text) == (order is decp), (lang, text)
            assert parts.evidence_json(f, {}) == fresh.evidence_json(f, {})


# --- across processes --------------------------------------------------------------------------------------

def test_uncarried_survives_transfer_and_the_spool_codec():
    _info, records = read_file(DATA / "decp" / "pes_2019_subset.json")
    raw = [r for r in records if isinstance(r, RawRecord)]
    back = unpack_records(pack_records(raw))
    assert [r.uncarried for r in back] == [r.uncarried for r in raw] and raw[0].uncarried is DECP
    order = _order(DECP)
    replayed = unpack(pickle.loads(pickle.dumps(pack(order))))
    assert replayed == order and replayed.uncarried is DECP
    assert unpack(pickle.loads(pickle.dumps(pack(_order(None))))).uncarried is None


def test_jobs_and_spool_give_the_single_process_files(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    monkeypatch.setattr(parallel, "CHUNK", 10)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 10)
    monkeypatch.setattr(forked, "MIN_ORDERS", 10)
    source = ROOT / "samples" / "decp-2019-pes-extrait.json"

    def score(name: str, *extra: str) -> dict[str, bytes]:
        out = tmp_path / name
        result = CliRunner().invoke(main, ["score", str(source), "--out", str(out), "--quiet", "--format", "json",
                                           "--format", "csv", "--format", "xlsx", "--format", "html", *extra])
        assert result.exit_code == 0, result.output
        return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}

    one = score("one", "--jobs", "1")
    two = score("two", "--jobs", "2")
    monkeypatch.setattr(spool, "MEMORY_LIMIT", 0)
    spilled = score("spilled", "--jobs", "2")
    for name in one:
        assert one[name] == two[name] == spilled[name], name
    assert WORDING_FR.format("DECP").encode() in one["results.json"]


def test_several_fields_the_format_cannot_carry_are_said_once():
    """A verdict lacking two such fields repeated « — le format DECP ne porte pas ce champ » after each
    (session review): the fields the file has come first, then the others, and the format is said once."""
    book = _book({"all": [{"field": "amount", "op": "gte", "value": 0},
                          {"field": "intermediaries", "op": "lte", "value": 1},
                          {"field": "organic_share", "op": "gte", "value": 20}]})
    (f,) = evaluate(_order(DECP), book)
    assert f.status == "insufficient_data" and len(f.missing) == 3
    fr, en = f.message("fr"), f.message("en")
    assert fr.count("ne porte pas") == 1 and en.count("does not carry") == 1
    assert "(amount) ; " in fr and "(amount); " in en  # the field the file has, before the others
    assert fr.endswith("(organic_share) — le format DECP ne porte pas ces champs ; recueillez-les auprès du "
                       "titulaire")
    assert en.endswith("(organic_share) — the DECP format does not carry these fields; collect them from the "
                       "supplier")
    (one,) = evaluate(_order(DECP, amount=10, intermediaries=0), book)
    assert one.message("fr").endswith("(organic_share) — le format DECP ne porte pas ce champ ; recueillez-le "
                                      "auprès du titulaire")


def test_a_findings_json_keeps_the_format_wording_apart_for_any_rule():
    """Any rule lacking a field DECP cannot carry says so (engine.Finding.not_carried), so a finding's whole
    JSON, kept by its rule's condition and message values, must be kept apart by the order's format too: a
    spreadsheet order with the same values as a DECP order met before got the DECP wording."""
    from procurement.write.finding_parts import FindingParts

    book = _book({"field": "recycled_share", "op": "gte", "value": 20})
    decp, sheet = _order(DECP), _order(None)
    for lang in ("fr", "en"):
        parts = FindingParts(book.rules, lang)
        for order in (decp, sheet, decp, sheet):
            (f,) = evaluate(order, book)
            assert f.status == "insufficient_data"
            encoded = b"".join(parts.findings_json([f], {}, None)).decode("utf-8")
            fresh = b"".join(FindingParts(book.rules, lang).findings_json([f], {}, None)).decode("utf-8")
            assert encoded == fresh
            assert ("DECP" in encoded) == (order is decp), (lang, encoded)
