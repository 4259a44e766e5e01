"""OCDS reader on real samples (French DECP conversion, Mexico, OCP's fictional example) and a synthetic
French file exercising the sustainability, lots, award criteria breakdown and scale extensions.

tests/data/ocds/README.md says where every file comes from. The reader is tested directly
(`OcdsReader().read`), then through `pipeline.process` as the CLI would run it.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from procurement.errors import InputError
from procurement.model import Order, Rejection
from procurement.pipeline import process
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_json import DecpJsonReader
from procurement.read.ocds import OcdsReader, compile_releases
from procurement.rulebook import default_rulebook_path, load_rulebook
from procurement.validate import validate

DATA = Path(__file__).parent / "data" / "ocds"
DECP_DATA = Path(__file__).parent / "data" / "decp"
RAMA = DATA / "decp-rama_001_marche_simple_ocds.json"
RAMA_SOURCE = DATA / "decp-rama_001_marche_simple_source-decp.json"
CDMX = DATA / "cdmx-release-package-1.json"
MX_RECORDS = DATA / "mx-federal-record-package-1.json"
FICTIONAL_RELEASES = DATA / "ocds-213czf-000-00001-release-package.json"
FICTIONAL_RECORDS = DATA / "ocds-213czf-000-00001-record-package.json"
SYNTHETIC = DATA / "amp-synthetique-durabilite.json"
OCDS_FILES = [RAMA, CDMX, MX_RECORDS, FICTIONAL_RELEASES, FICTIONAL_RECORDS, SYNTHETIC]


def read(path: Path, **options) -> tuple[list[RawRecord | Rejection], InputInfo]:
    info = InputInfo(path=str(path), format="ocds")
    return list(OcdsReader().read(path, ReadOptions(**options), info)), info


def orders(path: Path) -> list[Order]:
    records, _ = read(path)
    out = [validate(r) for r in records if isinstance(r, RawRecord)]
    assert all(isinstance(o, Order) for o in out), [o for o in out if not isinstance(o, Order)]
    return out  # type: ignore[return-value]


def by_id(path: Path) -> dict[str, Order]:
    return {o.id: o for o in orders(path)}


def codes(order: Order) -> list[str]:
    return [w.code for w in order.warnings]


def comparable(order: Order) -> dict:
    """An order's values and warnings, without where they were read (paths differ between shapes)."""
    out = order.model_dump(exclude={"source", "warnings"})
    out["warnings"] = [(w.code, w.value) for w in order.warnings]
    return out


def balance(records, info: InputInfo) -> bool:
    return info.rows_read == len(records)


# --- detection ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", OCDS_FILES, ids=lambda p: p.name)
def test_detects_ocds_files(path):
    assert OcdsReader().detect(path, path.read_bytes()[:65536])


@pytest.mark.parametrize("path", [*sorted(DECP_DATA.glob("*.json")), RAMA_SOURCE], ids=lambda p: p.name)
def test_never_claims_decp_files(path):
    """Listed after decp-json, the OCDS reader must still refuse every DECP file on its own."""
    assert not OcdsReader().detect(path, path.read_bytes()[:65536])
    assert not DecpJsonReader().detect(RAMA, RAMA.read_bytes()[:65536])


def test_detects_json_lines_and_bare_lists():
    head = b'{"ocid": "ocds-x-1", "id": "1", "date": "2026-01-01"}\n{"ocid": "ocds-x-2"}\n'
    assert OcdsReader().detect(Path("x.jsonl"), head)
    assert OcdsReader().detect(Path("x.json"), b'[{"ocid": "ocds-x-1"}]')
    assert not OcdsReader().detect(Path("x.json"), b'{"data": [1, 2]}')
    assert not OcdsReader().detect(Path("x.csv"), b"ocid;id\nocds-1;1\n")


# --- French DECP converted to OCDS, checked against its DECP source ------------------------------------


def test_decp_rama_conversion_matches_its_decp_source():
    (ocds,) = orders(RAMA)
    info = InputInfo(path=str(RAMA_SOURCE), format="decp-json")
    (raw,) = list(DecpJsonReader().read(RAMA_SOURCE, ReadOptions(), info))
    decp = validate(raw)
    assert isinstance(decp, Order)
    same = ("buyer_siret", "buyer_name", "object", "cpv", "amount", "notification_date", "publication_date",
            "duration_months", "supplier_siret", "supplier_name", "nature")
    assert {f: getattr(ocds, f) for f in same} == {f: getattr(decp, f) for f in same}
    assert ocds.buyer_siret == "20001318300021" and ocds.supplier_siret == "38024392300089"
    assert ocds.cpv == "38950000" and ocds.amount == 80000 and ocds.duration_months == 39
    assert ocds.notification_date == dt.date(2018, 12, 3) and ocds.publication_date == dt.date(2019, 4, 25)
    assert ocds.id == "ocds-78apv2-200013183000212018MAPA20180500-contract-1"  # already carries the ocid
    # What the Ministry's conversion drops: the procedure and the place of performance.
    assert decp.procedure == "procedure_adaptee" and ocds.procedure is None
    assert decp.place_code == "19000" and ocds.place_code is None
    assert codes(ocds) == []


def test_columns_are_json_paths_into_the_file():
    records, info = read(RAMA)
    (rec,) = records
    doc = json.loads(RAMA.read_text(encoding="utf-8"))
    checked = 0
    for field, cell in rec.cells.items():
        if " " in cell.column or "+" in cell.column:
            continue  # a value computed here says so in its column
        assert resolve(doc, cell.column) == cell.value, field
        checked += 1
    assert checked >= 8
    assert rec.source.path == "releases[0].contracts[0]" and rec.source.row == 1 and rec.source.file == RAMA.name
    assert info.columns["contracts.value.amount"] == "amount"
    assert info.columns["parties.identifier.id"] == "buyer_siret"


def resolve(doc, path: str):
    value = doc
    for name, index in re.findall(r"([^.\[\]]+)|\[(\d+)\]", path):
        value = value[name] if name else value[int(index)]
    return value


def test_empty_package_is_an_input_error():
    """decp-rama's 002 fixture: the conversion of a modified marché produced a package without releases."""
    path = DATA / "decp-rama_002_modification_montant_ocds.json"
    assert OcdsReader().detect(path, path.read_bytes())
    with pytest.raises(InputError, match=r"without .releases. or .records."):
        read(path)


# --- Mexico: OCDS 1.0 inline organisations, several releases of one ocid, records ------------------------


def test_cdmx_release_package_compiles_its_two_releases():
    records, info = read(CDMX)
    assert len(records) == 1 and balance(records, info)
    assert "compiled:1" in info.notes and "releases:2" in info.notes
    (order,) = orders(CDMX)
    assert order.id == "OCDS-87SD3T-AD-SF-DRM-063-2015/1"
    assert order.object == "ARRENDAMIENTO DE BIENES INFORMÁTICOS"
    assert order.buyer_name == "SECRETARÍA DE FINANZAS" and order.buyer_siret is None
    assert order.supplier_name == "COMUNIC@RTE & CONSULTING SA DE C"
    assert order.amount is None and "foreign_currency" in codes(order)  # 1 311 264 MXN, never converted
    assert order.supplier_postcode is None and "postcode_foreign" in codes(order)
    assert order.procedure is None and "procedure_ambiguous" in codes(order)  # "selective"
    assert order.offers_received == 2
    assert order.launch_date == dt.date(2015, 12, 22) and order.notification_date == dt.date(2015, 12, 30)
    assert order.duration_months == 12
    assert records[0].source.path == "releases[ocid=OCDS-87SD3T-AD-SF-DRM-063-2015].contracts[0]"


def test_mexico_record_package_one_order_per_contract():
    found = by_id(MX_RECORDS)
    assert sorted(found) == ["ocds-07smqs-993235/1322806", "ocds-07smqs-993235/991324"]  # integer contract ids
    first = found["ocds-07smqs-993235/991324"]
    assert first.procedure == "sans_publicite"  # procurementMethod "direct"
    assert first.buyer_name == "Instituto Nacional de Antropología e Historia"
    assert first.notification_date == dt.date(2016, 1, 29) and first.duration_months == 11
    assert first.supplier_postcode is None  # 01210 is Álvaro Obregón, not Ferney-Voltaire (01210)
    assert "dates_inconsistent" in codes(first)  # signed before the tender period opened, as published
    second = found["ocds-07smqs-993235/1322806"]
    assert second.notification_date is None and second.amount is None


# --- the fictional example: release package compiled == record package's compiledRelease -------------------


def test_fictional_release_package_compiles_like_the_published_record():
    (from_releases,) = orders(FICTIONAL_RELEASES)
    (from_record,) = orders(FICTIONAL_RECORDS)
    assert comparable(from_releases) == comparable(from_record)
    o = from_record
    assert o.id == "ocds-213czf-000-00001-contract-01" and o.cpv == "45233130"
    assert o.object == "Planned cycle lane improvements" and o.buyer_name == "London Borough of Barnet"
    assert o.launch_date == dt.date(2010, 3, 1) and o.notification_date == dt.date(2010, 6, 10)
    assert o.offers_received == 2 and o.supplier_name == "AnyCorp Cycle Provision"
    assert o.supplier_country == "GB" and o.amount is None  # GBP


def test_compile_releases_follows_the_merge_routine():
    a = {"ocid": "x", "id": "1", "date": "2026-01-02T00:00:00+01:00", "tag": ["tender"],
         "tender": {"title": "A", "value": {"amount": 1, "currency": "EUR"}, "items": [{"id": "1", "q": 1}]},
         "awards": [{"id": "a", "status": "pending", "value": {"amount": 5}}]}
    b = {"ocid": "x", "id": "2", "date": "2026-01-01T23:30:00Z", "tag": ["award"],  # later than a in UTC
         "tender": {"title": "B", "value": None, "items": [{"id": "1", "q": 2}, {"id": "2"}]},
         "awards": [{"id": "a", "status": "active"}, {"id": "b"}],
         "parties": [{"id": "p", "roles": ["buyer"]}]}
    compiled = compile_releases([b, a])
    assert compiled["tender"]["title"] == "B" and "value" not in compiled["tender"]
    assert compiled["tender"]["items"] == [{"id": "1", "q": 2}, {"id": "2"}]
    assert compiled["awards"] == [{"id": "a", "status": "active", "value": {"amount": 5}}, {"id": "b"}]
    assert compiled["tag"] == ["compiled"] and "id" not in compiled
    assert a["tender"]["items"] == [{"id": "1", "q": 1}]  # inputs untouched


# --- JSON Lines ----------------------------------------------------------------------------------------------


def test_json_lines_of_releases_with_bad_lines(tmp_path):
    releases = json.loads(FICTIONAL_RELEASES.read_text(encoding="utf-8"))["releases"]
    lines = [json.dumps(r) for r in releases[:3]] + ['{"ocid": "ocds-213czf-000-00001", "date": tru',
                                                     '{"hello": "world"}', ""]
    lines += [json.dumps(r) for r in releases[3:]]
    path = tmp_path / "releases.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, info = read(path)
    assert balance(records, info) and "ocds_format:jsonl" in info.notes
    rejected = [r for r in records if isinstance(r, Rejection)]
    assert [(r.code, r.source.path, r.source.row) for r in rejected] == [("bad_json_line", "line 4", 4),
                                                                          ("not_ocds_line", "line 5", 5)]
    assert rejected[0].message_fr.startswith("ligne 4 : JSON illisible, colonne 43 (")
    (order,) = [validate(r) for r in records if isinstance(r, RawRecord)]
    (expected,) = orders(FICTIONAL_RECORDS)
    assert comparable(order) == comparable(expected)


def test_json_lines_rows_are_the_file_lines_and_the_reasons_say_them(tmp_path):
    """A bad line 7 was rejected at « ligne 2 » (its rank among the file's items) with a reason naming no line;
    an order read from line 4 was row 3. A U+2028 inside a string is no line break of the file."""
    record_pkg = json.loads(MX_RECORDS.read_text(encoding="utf-8"))
    record = record_pkg["records"][0]
    record["compiledRelease"]["tender"]["title"] = "Achat\u2028de fournitures"
    lines = ["", json.dumps({"hello": "world"}), "", json.dumps(record, ensure_ascii=False), "", "",
             '{"ocid": "x", ', json.dumps(record_pkg)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    records, info = read(path)
    assert balance(records, info)
    assert [(type(r).__name__, r.source.row, r.source.path) for r in records] == [
        ("Rejection", 2, "line 2"),
        ("RawRecord", 4, "line 4.compiledRelease.contracts[0]"),
        ("RawRecord", 4, "line 4.compiledRelease.contracts[1]"),
        ("Rejection", 7, "line 7"),
        ("RawRecord", 8, "line 8.records[0].compiledRelease.contracts[0]"),
        ("RawRecord", 8, "line 8.records[0].compiledRelease.contracts[1]"),
    ]
    bad = records[3]
    assert bad.message_fr.startswith("ligne 7 : JSON illisible, colonne 15 (")
    assert bad.message_en.startswith("line 7: unreadable JSON, column 15 (")
    assert records[0].message_fr == "ligne 2 : ni une release, ni un record, ni un paquet OCDS"
    assert records[0].message_en == "line 2: neither an OCDS release, record nor package"


def test_json_lines_of_packages_and_records(tmp_path):
    rama = json.loads(RAMA.read_text(encoding="utf-8"))
    record_pkg = json.loads(MX_RECORDS.read_text(encoding="utf-8"))
    lines = [json.dumps(rama), json.dumps(record_pkg["records"][0]), json.dumps(record_pkg)]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines), encoding="utf-8")
    records, info = read(path)
    assert balance(records, info) and len(records) == 5
    paths = [r.source.path for r in records]
    assert paths == ["line 1.releases[0].contracts[0]", "line 2.compiledRelease.contracts[0]",
                     "line 2.compiledRelease.contracts[1]", "line 3.records[0].compiledRelease.contracts[0]",
                     "line 3.records[0].compiledRelease.contracts[1]"]


def test_json_lines_with_a_broken_first_line_is_an_input_error(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"ocid": "a", \n{"ocid": "b"}\n', encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read(path)
    assert exc.value.message("fr").startswith(f"{path}: JSON illisible ligne 1")


def test_json_lines_with_no_ocds_line_is_not_ocds(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('{"a": 1}\n{"b": 2}\n', encoding="utf-8")
    with pytest.raises(InputError, match="not an OCDS file"):
        read(path)


# --- the synthetic French file: sustainability, lots, criteria, scale ---------------------------------------


def test_synthetic_file_orders():
    records, info = read(SYNTHETIC)
    assert balance(records, info) and len(records) == 4
    assert "awards_skipped:1" in info.notes and "consultations:1" in info.notes
    found = by_id(SYNTHETIC)
    assert list(found) == ["ocds-test00-AMP-2026-0001/C1", "ocds-test00-AMP-2026-0001/A2",
                           "ocds-test00-AMP-2026-0002", "ocds-test00-AMP-2026-0003/2"]


def test_contract_of_lot_one_takes_tender_and_lot_sustainability():
    o = by_id(SYNTHETIC)["ocds-test00-AMP-2026-0001/C1"]
    assert o.env_considerations == ("clause", "criterion")  # wasteReduction/CPC + carbon/awardCriteria, specs
    assert o.social_considerations == ("clause", "reserved")  # social/reservedParticipation on the lot
    assert o.price_weight == 40 and o.env_weight == 15
    assert o.award_criteria.startswith("Prix 40 %; Valeur technique 45 %")
    assert o.object == "Restauration collective des crèches métropolitaines — Repas en liaison froide"
    assert o.buyer_siret == "20005478100022" and o.supplier_siret == "44306184100047"  # FR-SIRET, FR-RCS
    assert o.supplier_size == "pme" and o.supplier_postcode == "13003" and o.supplier_country == "FR"
    assert o.procedure == "appel_offres_ouvert"  # procurementMethodDetails
    assert o.offers_received == 4 and o.lots == 2  # the lot's bids statistic, not the tender's
    assert o.cpv == "55523100" and o.place_code == "13001" and o.place_type == "postcode"
    assert o.launch_date == dt.date(2026, 9, 1) and o.notification_date == dt.date(2026, 11, 28)
    assert o.amount == 455000 and o.duration_months == 24 and o.nature == "marche"
    assert codes(o) == []


def test_award_of_lot_two_reports_what_it_cannot_map():
    o = by_id(SYNTHETIC)["ocds-test00-AMP-2026-0001/A2"]
    assert o.env_considerations == ("clause",) and o.social_considerations == ("clause",)  # tender level only
    assert o.price_weight == 60 and o.env_weight == 0  # decimals; no environmental criterion among complete ones
    assert o.cpv == "15800000" and o.place_code is None  # lot 2's own item, not lot 1's
    assert o.supplier_size == "ge" and o.supplier_country == "IT" and o.supplier_postcode is None
    assert o.supplier_siret is None and o.offers_received == 2
    (w,) = [w for w in o.warnings if w.code == "sustainability_unmapped"]
    assert "environmental: euGPPCriteria" in w.message_fr and "social.smeInclusion: selectionCriteria" in w.message_en


def test_consultation_without_award():
    o = by_id(SYNTHETIC)["ocds-test00-AMP-2026-0002"]
    assert o.env_considerations == ("none",) and o.social_considerations == ("none",)  # hasSustainability false
    assert o.price_weight == 100 and o.env_weight == 0  # priceOnly
    assert o.amount == 90000 and o.duration_months == 24 and o.cpv == "77313000"
    assert o.nature is None and o.supplier_name is None and o.launch_date == dt.date(2026, 9, 5)
    assert o.buyer_siret is None  # FR-RCS with 9 digits is a SIREN, not a SIRET
    assert "procedure_ambiguous" in codes(o)


def test_direct_award_inline_supplier_and_additional_cpv():
    o = by_id(SYNTHETIC)["ocds-test00-AMP-2026-0003/2"]
    assert o.procedure == "sans_publicite" and o.supplier_siret == "81234567800013"  # no scheme, 14 digits
    assert o.cpv == "30192000" and o.supplier_postcode == "13600" and o.offers_received == 1
    assert o.env_considerations is None and o.social_considerations is None  # nothing said: unknown


def release_with(sustainability=None, lot=None, **tender) -> dict:
    tender = {"title": "T", **tender}
    if sustainability is not None:
        tender["sustainability"] = sustainability
    if lot is not None:
        tender["lots"] = [{"id": "1", **lot}]
    return {"ocid": "ocds-t-1", "id": "1", "date": "2026-01-01", "tag": ["tender"], "tender": tender}


def read_release(tmp_path, release: dict) -> Order:
    path = tmp_path / "r.json"
    path.write_text(json.dumps({"releases": [release]}), encoding="utf-8")
    (rec,) = read(path)[0]
    order = validate(rec)
    assert isinstance(order, Order)
    return order


def _codelist(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8") as fh:
        return [row["Code"] for row in csv.DictReader(fh)]


@pytest.mark.parametrize("strategy", _codelist("sustainabilityStrategy.csv"))
@pytest.mark.parametrize("goal", ["environmental.wasteReduction", "social.laborRightsPromotion"])
def test_every_strategy_is_mapped_or_reported(tmp_path, goal, strategy):
    order = read_release(tmp_path, release_with([{"goal": goal, "strategies": [strategy]}]))
    field = "env_considerations" if goal.startswith("env") else "social_considerations"
    expected = {"awardCriteria": "criterion", "contractPerformanceConditions": "clause",
                "technicalSpecifications": "clause", "reservedParticipation": "reserved"}.get(strategy)
    if expected == "reserved" and field == "env_considerations":
        expected = None  # no environmental "marché réservé"
    if expected:
        assert getattr(order, field) == (expected,)
        assert "sustainability_unmapped" not in codes(order)
    else:
        assert getattr(order, field) is None
        assert "sustainability_unmapped" in codes(order)


@pytest.mark.parametrize("goal", _codelist("sustainabilityGoal.csv"))
def test_every_goal_lands_in_its_family(tmp_path, goal):
    order = read_release(tmp_path, release_with([{"goal": goal, "strategies": ["awardCriteria"]}]))
    family = goal.split(".")[0]
    assert order.env_considerations == (("criterion",) if family == "environmental" else None)
    assert order.social_considerations == (("criterion",) if family == "social" else None)
    assert order.innovative is (True if goal == "economic.innovativePurchase" else None)


def test_goal_without_strategy_is_reported_not_guessed(tmp_path):
    order = read_release(tmp_path, release_with([{"goal": "environmental.recycling"}]))
    assert order.env_considerations is None and "sustainability_unmapped" in codes(order)


def test_points_weights_and_unknown_scale(tmp_path):
    lot = {"awardCriteria": {"criteria": [
        {"type": "price", "name": "Prix", "numbers": [{"number": 30, "weight": "pointsExact"}]},
        {"type": "quality", "name": "Réduction des émissions de CO2",
         "numbers": [{"number": 10, "weight": "pointsExact"}]},
        {"type": "quality", "name": "Technique", "numbers": [{"number": 60, "weight": "pointsExact"}]}]}}
    release = release_with(lot=lot)
    release["awards"] = [{"id": "a", "suppliers": [{"id": "s"}]}]
    release["parties"] = [{"id": "s", "name": "S", "details": {"scale": "gigantic"}}]
    order = read_release(tmp_path, release)
    assert order.price_weight == 30 and order.env_weight == 10
    assert order.env_considerations == ("criterion",)  # a weighted environmental award criterion
    assert order.supplier_size is None and "scale_unknown" in codes(order)


def test_amount_without_currency_is_unknown(tmp_path):
    release = release_with(value={"amount": 5000})
    order = read_release(tmp_path, release)
    assert order.amount is None and "currency_missing" in codes(order)


def test_co_contractors_are_named(tmp_path):
    release = release_with()
    release["awards"] = [{"id": "a", "suppliers": [{"id": "1", "name": "Un"}, {"id": "2", "name": "Deux"}]}]
    order = read_release(tmp_path, release)
    assert order.supplier_name == "Un" and "co_contractors" in codes(order)


# --- bad inputs: one clear line -----------------------------------------------------------------------------------


def one_line_error(path: Path, **options) -> str:
    with pytest.raises(InputError) as exc:
        read(path, **options)
    message = exc.value.message("fr")
    assert "\n" not in message and message.startswith(str(path))
    assert "\n" not in exc.value.message("en")
    return message


def test_not_ocds(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"data": [1, 2], "meta": {}}', encoding="utf-8")
    assert "n'est pas un fichier OCDS" in one_line_error(path)
    path.write_text("[1, 2, 3]", encoding="utf-8")
    assert "trouvé list" in one_line_error(path)


def test_truncated(tmp_path):
    path = tmp_path / "x.json"
    path.write_bytes(CDMX.read_bytes()[:5000])
    assert "JSON illisible ligne" in one_line_error(path)


@pytest.mark.parametrize("leading", ["", "\n\n"])
def test_a_truncated_pretty_printed_file_gives_the_position_of_its_error(tmp_path, leading):
    """Its first line « { » does not parse alone: the file was taken for JSON Lines with a broken first line
    and refused at « ligne 1, colonne 2 »; a truncated DECP file was refused at its error's position."""
    text = json.dumps(json.loads(FICTIONAL_RELEASES.read_text(encoding="utf-8")), indent=2, ensure_ascii=False)
    lines = text.split("\n")
    cut = "\n".join(lines[:82]) + "\n" + lines[82][:9]
    with pytest.raises(json.JSONDecodeError) as plain:
        json.loads(cut)
    assert (plain.value.lineno, plain.value.colno) == (83, 10)
    path = tmp_path / "x.json"
    path.write_text(leading + cut, encoding="utf-8")
    line = 83 + leading.count("\n")
    assert one_line_error(path).startswith(f"{path}: JSON illisible ligne {line}, colonne 10 (Expecting property")


def test_json_lines_with_a_broken_first_line_after_blank_lines_gives_its_line(tmp_path):
    path = tmp_path / "x.jsonl"
    path.write_text('\n\n  {"ocid": "a", "tag": ]\n{"ocid": "b"}\n', encoding="utf-8")
    assert one_line_error(path).startswith(f"{path}: JSON illisible ligne 3, colonne 24 (Expecting value)")


def test_deep_nesting(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('{"releases": [' + '{"a": [' * 3000 + "]}" * 3000 + "]}", encoding="utf-8")
    assert "imbriqué sur" in one_line_error(path)


def test_size_limit(tmp_path):
    assert "refusé" in one_line_error(CDMX, max_bytes=1000)


def test_bad_items_are_rejected_rows(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps({"releases": [3, {"id": "no-ocid"}, "https://x/r.json",
                                             {"ocid": "ocds-x", "date": "2026-01-01"}]}), encoding="utf-8")
    records, info = read(path)
    assert balance(records, info)
    assert [r.code for r in records] == ["not_a_release", "ocds_no_ocid", "ocds_linked_release",
                                         "ocds_nothing_to_check"]
    path.write_text(json.dumps({"records": [{"ocid": "o", "releases": [{"url": "u", "date": "d"}]}]}))
    (rej,), _ = read(path)
    assert rej.code == "ocds_no_release"


# --- through the pipeline -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", OCDS_FILES, ids=lambda p: p.name)
def test_every_sample_goes_through_the_pipeline(path):
    book = load_rulebook(default_rulebook_path())
    info = InputInfo(path=str(path), format="ocds")
    scored, rejected = [], []
    process(OcdsReader().read(path, ReadOptions(), info), book, scored, rejected)
    assert info.rows_read == len(scored) + len(rejected)
    assert scored and all(s.findings for s in scored)


def test_document_followed_by_garbage(tmp_path):
    path = tmp_path / "x.json"
    path.write_text(RAMA.read_text(encoding="utf-8") + "\n}\n", encoding="utf-8")
    message = one_line_error(path)
    assert "données en trop après le JSON, ligne" in message


@pytest.mark.parametrize(("weight", "numbers", "env"), [
    ("percentageExact", (1, 99), 1.0), ("percentageExact", (0.5, 99.5), 0.5),
    ("decimalExact", (0.005, 0.995), 0.5), ("pointsExact", (1, 199), 0.5)])
def test_a_small_criterion_weight_stays_small(tmp_path, weight, numbers, env):
    """A weight of 1 % (or 0.5 %) was passed on as the number 1.0 (0.5), which a share reads as a fraction:
    100 % (50 %) for the environmental criterion, and a buyer's token criterion looked decisive."""
    lot = {"awardCriteria": {"criteria": [
        {"type": "quality", "name": "Performance environnementale",
         "numbers": [{"number": numbers[0], "weight": weight}]},
        {"type": "price", "name": "Prix", "numbers": [{"number": numbers[1], "weight": weight}]}]}}
    order = read_release(tmp_path, release_with(lot=lot))
    assert order.env_weight == env and order.price_weight == 100 - env
    assert "ambiguous_percent" not in codes(order)
