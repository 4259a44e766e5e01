"""DECP readers: JSON (2019 and 2024 formats) and tabular exports, on real files copied in tests/data/decp.

Each test names the quirk it covers; tests/data/decp/README.md says where every file comes from.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from procurement.errors import InputError
from procurement.model import Rejection
from procurement.read.base import InputInfo, RawRecord, ReadOptions
from procurement.read.decp_holders import country_of, is_siret_like
from procurement.read.decp_json import DecpJsonReader
from procurement.read.decp_tabular import DecpTabularReader

DATA = Path(__file__).parent / "data" / "decp"
JSON_FILES = sorted(DATA.glob("*.json"))
CSV_FILES = sorted(DATA.glob("*.csv"))


def read(reader, path: Path, **options) -> tuple[list[RawRecord | Rejection], InputInfo]:
    info = InputInfo(path=str(path), format=reader.name)
    return list(reader.read(path, ReadOptions(**options), info)), info


def read_json(path: Path, **options):
    return read(DecpJsonReader(), path, **options)


def read_csv(path: Path, **options):
    return read(DecpTabularReader(), path, **options)


def values(record: RawRecord) -> dict[str, object]:
    return {f: c.value for f, c in record.cells.items()}


def codes(record: RawRecord) -> list[str]:
    return [w.code for w in record.warnings]


def by_id(records) -> dict[str, RawRecord]:
    return {r.cells["id"].value: r for r in records if isinstance(r, RawRecord)}


def balance(records, info: InputInfo) -> bool:
    """rows_read = orders + merged rows + rejected rows."""
    orders = [r for r in records if isinstance(r, RawRecord)]
    rejected = [r for r in records if isinstance(r, Rejection)]
    return info.rows_read == len(orders) + sum(len(r.source.merged_rows) for r in orders) + len(rejected)


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", JSON_FILES, ids=lambda p: p.name)
def test_json_detects_every_decp_json_and_tabular_does_not(path):
    head = path.read_bytes()[: 64 * 1024]
    assert DecpJsonReader().detect(path, head)
    assert not DecpTabularReader().detect(path, head)


@pytest.mark.parametrize("path", CSV_FILES, ids=lambda p: p.name)
def test_tabular_detects_every_decp_table_and_json_does_not(path):
    head = path.read_bytes()[: 64 * 1024]
    assert DecpTabularReader().detect(path, head)
    assert not DecpJsonReader().detect(path, head)


@pytest.mark.parametrize("head", [
    b'{"foo": 1}',
    b'{"version": "1.1", "releases": [{"ocid": "ocds-213czf-1", "buyer": {"name": "x"}}]}',
    b"[1, 2, 3]",
    b"Identifiant;Objet;Montant HT;Code CPV\n1;Papier;12,50;30197630\n",
    b"",
])
def test_neither_reader_claims_other_files(head, tmp_path):
    path = tmp_path / "x.txt"
    assert not DecpJsonReader().detect(path, head)
    assert not DecpTabularReader().detect(path, head)


def test_registry_sends_decp_files_to_the_decp_readers():
    from procurement.read import choose_reader

    assert choose_reader(DATA / "bretagne_2021_subset.csv").name == "decp-csv"
    assert choose_reader(DATA / "augmente_2022_sample.csv").name == "decp-csv"
    assert choose_reader(DATA / "pes_2019_subset.json").name == "decp-json"
    assert choose_reader(DATA / "real_2024_decp-59920013600241.json").name == "decp-json"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_a_decp_json_saved_as_utf16_is_recognised(tmp_path, codec):
    """Its reader reads UTF-16, but the detector looked for « marches » in the raw bytes and the file was
    refused as an unrecognised JSON."""
    from procurement.read import choose_reader

    bom = b"\xff\xfe" if codec.endswith("le") else b"\xfe\xff"
    path = tmp_path / "decp.json"
    path.write_bytes(bom + (DATA / "pes_2019_subset.json").read_text(encoding="utf-8").encode(codec))
    assert choose_reader(path).name == "decp-json"
    records, _ = read_json(path)
    assert len(records) == len(read_json(DATA / "pes_2019_subset.json")[0])


def test_a_json_file_that_is_not_json_says_so(tmp_path):
    from procurement.read import choose_reader

    (tmp_path / "bad.json").write_text("not json\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        choose_reader(tmp_path / "bad.json")
    assert "bad.json: JSON illisible : le fichier ne commence ni par « { »" in caught.value.message("fr")
    (tmp_path / "other.json").write_text('{"autre": 1}', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        choose_reader(tmp_path / "other.json")
    assert "fichier JSON non reconnu" in caught.value.message("fr")


# --- JSON, real and official files -------------------------------------------------------------


def test_real_2024_export_with_type_empty_arrays_and_incomplete_subcontracting():
    records, info = read_json(DATA / "real_2024_decp-59920013600241.json")
    assert info.rows_read == 5 and len(records) == 5
    assert "decp_format:2024" in info.notes and "marches:5" in info.notes
    first = records[0]
    assert first.source.path == "marches.marche[0]" and first.source.row == 1
    assert values(first) | {"object": None} == {
        "id": "H9O2024T0000256", "buyer_siret": "59920013600241", "object": None,
        "procedure": "Appel d'offres ouvert", "cpv": "45111100", "publication_date": "2024-07-09",
        "notification_date": "2024-05-30", "nature": "Marché", "place_code": "22",
        "place_type": "Code département", "amount": 32122.0, "duration_months": 4,
        "supplier_siret": "32933888305269", "offers_received": 11, "innovative": False,
        "env_considerations": {"considerationEnvironnementale": ["Pas de considération environnementale"]},
        "social_considerations": {"considerationSociale": ["Pas de considération sociale"]},
    }
    assert "\n" in first.cells["object"].value  # kept for the text parser
    assert first.cells["supplier_siret"].column == "marches.marche[0].titulaires[0].titulaire.id"
    assert first.cells["amount"].column == "marches.marche[0].montant"
    # `modifications: []` changes nothing; no warning on a clean record.
    assert all(r.warnings == [] for r in records)
    assert [r.cells["amount"].value for r in records][1] == 146780.0


def test_official_2024_example_marches_and_concessions():
    records, info = read_json(DATA / "v2_marches_concessions.json")
    assert info.rows_read == 4 and "concessions:2" in info.notes and "marches:2" in info.notes
    # File order: the example lists the concessions first.
    assert [r.source.path for r in records] == [
        "marches.contrat-concession[0]", "marches.contrat-concession[1]", "marches.marche[0]", "marches.marche[1]"]
    assert [r.source.row for r in records] == [1, 2, 3, 4]
    concession = records[0]
    v = values(concession)
    assert v["nature"] == "Concession" and v["buyer_siret"] == "12345678901234"
    assert v["notification_date"] == "2024-04-02"  # dateSignature
    assert v["amount"] == 25.0  # valeurGlobale 10.3 replaced by the modification
    assert concession.cells["amount"].column == (
        "marches.contrat-concession[0].modifications[0].modification.valeurGlobale")
    assert v["duration_months"] == 14 and v["supplier_siret"] == "38103128500491"
    modified = [w for w in concession.warnings if w.code == "modified" and w.field == "amount"]
    assert modified[0].message_en.endswith("initial €10.30, current €25")
    assert "co_contractors" in codes(concession)

    marche = records[2]
    v = values(marche)
    assert v["id"] == "TEST2022" and v["nature"] == "Accord-cadre"  # techniques: ["Concours", "Accord-cadre"]
    assert v["amount"] == 123457.87 and v["duration_months"] == 12
    assert v["supplier_siret"] == "868768687576575"  # the modification's titulaire, raw (15 digits)
    assert v["origin_france"] == 0.1 and v["origin_eu"] == 0.1 and v["framework_id"] == "1234567890"
    assert v["cpv"] == "45000000-7" and v["innovative"] is True
    assert "test_record" in codes(marche)  # "envoi pour Json test 1"


def test_official_2024_example_with_modified_amount():
    records, _ = read_json(DATA / "v2_marches_avec_modifications.json")
    v = values(records[1])
    assert v["id"] == "TEST2022Bis" and v["amount"] == 123457.87
    w = next(w for w in records[1].warnings if w.code == "modified" and w.field == "amount")
    assert w.value == "123457.87"
    assert w.message_fr.endswith("initial 575\u202f000\u202f€, actuel 123\u202f457,87\u202f€")


def test_official_2019_examples_concession_in_the_list_and_titulaire_replaced():
    records, info = read_json(DATA / "v15_paquet.json")
    assert "decp_format:2019" in info.notes and "concessions:1" in info.notes
    concession = values(records[1])
    assert concession["nature"] == "Concession" and concession["amount"] == 27860000
    assert concession["buyer_siret"] == "21350238800019" and concession["buyer_name"] == "Ville de Millau"
    assert concession["supplier_name"] == "Atlas SAS"
    # The second titulaire is a German VAT number: listed as a co-contractor, never the supplier.
    marche = records[0]
    assert values(marche)["supplier_siret"] == "81223113200026"
    assert "DE814864138" in next(w.value for w in marche.warnings if w.code == "co_contractors")

    records, _ = read_json(DATA / "v15_mar-avec-modifications.json")
    (record,) = records
    # Hellman is replaced by Amandier: the modification's titulaires are the current ones.
    others = next(w for w in record.warnings if w.code == "co_contractors")
    assert "87127639200012" in others.value and "Amandier SA" in others.value and "Hellman" not in others.value


def test_duplicate_titulaire_is_one_contractor_and_2019_modified_amount():
    (record,), _ = read_json(DATA / "rama_001b_duplicate_supplier.json")
    assert values(record)["supplier_siret"] == "38024392300089" and record.warnings == []
    (record,), _ = read_json(DATA / "rama_002_modification_montant.json")
    assert values(record)["amount"] == 100000
    assert record.cells["amount"].column == "marches[0].modifications[0].montant"
    assert "initial €80,000" in next(w.message_en for w in record.warnings if w.code == "modified")


def test_pes_2019_subset():
    records, info = read_json(DATA / "pes_2019_subset.json")
    # 47 records, of which 2 earlier versions folded into their latest (tests/test_decp_versions.py):
    # 20191815201 into 20191815202, 2019A01600 into 2019A01601.
    assert info.rows_read == 47 and len(records) == 45 and balance(records, info)
    ids = by_id(records)
    assert "20191815201" not in ids and ids["20191815202"].source.merged_rows == (14,)
    assert "2019A01600" not in ids and ids["2019A01601"].source.merged_rows == (6,)
    first = values(records[0])
    assert first["id"] == "2019I1703000" and first["amount"] == 153900 and first["buyer_name"] == "INOVALYS"
    assert first["notification_date"] == "2018-12-17+01:00"  # timezone suffix passed through
    assert first["place_code"] == "INO" and first["supplier_name"] == "AXIMA CONCEPT"
    assert values(ids["201918MA0100"])["nature"] == "Marché subséquent"
    # Modification: new montant.
    assert values(ids["20191815202"])["amount"] == 57379.41
    # Test records kept, flagged.
    tests = [r.cells["id"].value for r in records if "test_record" in codes(r)]
    assert tests == ["2019PES0100", "2018tet01", "2018TEST00"]
    assert values(ids["2019PES0100"])["amount"] == 1000000
    # Duplicate (buyer, id): each repeat kept with a warning naming the first occurrence.
    dups = [r for r in records if "duplicate_id" in codes(r)]
    assert [r.cells["id"].value for r in dups] == [
        "201818M12600", "2018J1134A00", "2019A18-0600", "2018180000003500", "201817100", "201817100"]
    assert "marches[22]" in dups[0].warnings[0].message_fr
    # 14 co-titulaires: one supplier, 13 others listed (10 shown).
    big = next(r for r in records if r.cells["id"].value == "201918ME01BC0100")
    w = next(w for w in big.warnings if w.code == "co_contractors")
    assert "14" in w.message_en and "(+3)" in w.value
    # Foreign titulaires: no supplier_siret, a country.
    countries = {r.cells["id"].value: values(r).get("supplier_country") for r in records
                 if "supplier_country" in r.cells}
    assert countries == {"20181813400": "ES", "2018J145200": "IT", "2018J144500": "US", "2018J183300": "CH"}
    assert all("supplier_siret" not in r.cells for r in records if "supplier_country" in r.cells)
    # Placeholders are the validator's business: passed through.
    assert values(ids["2018E030000"])["amount"] == 999999999


# --- JSON quirks (synthetic files) -------------------------------------------------------------


def test_quirks_2019_bom_control_chars_strings_nan_nested_titulaires():
    records, info = read_json(DATA / "quirks_2019.json")
    assert "encoding:utf-8-sig" in info.notes and info.rows_read == 6 and balance(records, info)
    r0, r1, dsp, tva, null, test = records
    v = values(r0)
    assert v["object"] == "ENTRETIEN DES ESPACES VERTS\tLOT 1\x0b"  # raw control characters read
    assert v["cpv"] == "9310000" and v["place_code"] == "13056" and v["place_type"] == "Code commune"
    assert v["supplier_siret"] == "\t32359288100060"  # raw: the SIRET parser strips the tab
    # Modifications applied in date order though listed later-first; strings passed through.
    assert v["amount"] == "36000.00" and r0.cells["amount"].column == "marches[0].modifications[0].montant"
    assert v["duration_months"] == "40" and r0.cells["duration_months"].column.endswith("modifications[1].dureeMois")
    v = values(r1)
    assert v["buyer_siret"] == "20005480700017"  # flat "acheteur.id"
    assert "amount" not in v  # NaN is blank
    assert "place_code" not in v  # no lieuExecution
    assert v["supplier_siret"] == " 77567706500119 "  # empty typeIdentifiant, 14 digits
    assert r1.cells["supplier_siret"].column == "marches[1].titulaires[0][0].id"
    assert v["nature"] == "ACCORD-CADRE"
    v = values(dsp)
    assert v["nature"] == "Concession" and v["amount"] == 2500000 and v["notification_date"] == "2019-06-01"
    assert v["supplier_country"] == "CH" and "supplier_siret" not in v
    v = values(tva)
    assert v["supplier_country"] == "FR" and v["supplier_name"] == "BORNES SAS" and "supplier_siret" not in v
    assert "siret 44306184100047 (ELEC 13)" in tva.warnings[0].value
    assert isinstance(null, Rejection) and null.code == "not_a_record"
    assert null.source.row == 5 and null.source.path == "marches[4]"
    assert codes(test) == ["test_record"] and "supplier_siret" not in test.cells  # empty titulaires


def test_quirks_2024_wrapped_and_unwrapped_titulaires_and_modifications_by_id():
    records, _ = read_json(DATA / "quirks_2024.json")
    sub, ac, dsp = records
    v = values(sub)
    assert v["nature"] == "Marché subséquent" and v["framework_id"] == "2023-122455T"
    assert sub.cells["nature"].column == "marches.marche[0].idAccordCadre"
    assert v["innovative"] == "non" and v["offers_received"] == 0
    assert "origin_eu" not in v and "origin_france" not in v  # NaN and null
    # id order: 1 (120000, 18 months, garbage titulaires ignored), 2 (150000), 3 (nested titulaires).
    assert v["amount"] == 150000 and v["duration_months"] == 18
    assert v["supplier_siret"] == "44306184100047"
    assert sub.cells["supplier_siret"].column == (
        "marches.marche[0].modifications[2].modification.titulaires[0][0][0].id")
    assert sorted(codes(sub)) == ["co_contractors", "modified", "modified", "modified"]
    # The initial titulaires, wrapped and unwrapped in one list, both read.
    from procurement.read.decp_json import _holders

    raw = json.loads((DATA / "quirks_2024.json").read_text())["marches"]["marche"][0]["titulaires"]
    assert [h.id for h in _holders(raw, "t")] == ["39210031900038", "39210873400063"]
    v = values(ac)
    assert v["nature"] == "Accord-cadre" and v["supplier_country"] == "US" and "supplier_siret" not in v
    assert v["social_considerations"] == "Pas de considération sociale"
    assert v["env_considerations"] == ["Clause environnementale", "Critère environnemental"]
    assert v["origin_france"] == 0.25
    v = values(dsp)
    assert v["nature"] == "Concession" and v["amount"] == 95000000 and v["supplier_siret"] == "55204599900869"
    assert v["social_considerations"] == {"considerationSociale": ["Concession réservée"]}


def test_bare_list_with_flat_dotted_keys():
    (record,), info = read_json(DATA / "quirks_bare_list.json")
    assert "decp_format:list" in info.notes and record.source.path == "[0]"
    v = values(record)
    assert v["buyer_siret"] == "21130028400013" and v["place_code"] == "13200"
    assert record.cells["place_code"].column == "[0].lieuExecution.code"
    assert v["supplier_siret"] == "12345678900022"  # typeIdentifiant "Siret"


# --- JSON errors -------------------------------------------------------------------------------


def one_line(exc: InputError) -> str:
    text = exc.message("fr") + exc.message("en")
    assert "\n" not in text
    return text


@pytest.mark.parametrize("depth", [201, 300, 5000])
def test_deep_nesting_refused_clearly(tmp_path, depth):
    path = tmp_path / "deep.json"
    path.write_text('{"marches": ' + "[" * depth + "]" * depth + "}")
    with pytest.raises(InputError) as err:
        read_json(path)
    assert "200" in one_line(err.value)


def test_brackets_inside_strings_do_not_count_as_nesting(tmp_path):
    path = tmp_path / "brackets.json"
    objet = "[" * 500 + '\\"{' * 300 + "\\\\"
    path.write_text('{"marches": [{"id": "1", "objet": "' + objet + '"}]}')
    (record,), _ = read_json(path)
    assert record.cells["object"].value.startswith("[[[")


def test_truncated_json_is_one_clear_line(tmp_path):
    data = (DATA / "real_2024_decp-59920013600241.json").read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError) as err:
        read_json(path)
    text = one_line(err.value)
    assert "ligne" in err.value.message("fr") and "line" in err.value.message("en") and "truncated" in text


@pytest.mark.parametrize("content", ['{"foo": 1}', "[1, 2, 3]", '{"marches": {"foo": []}}', '"marches"'])
def test_json_that_is_not_decp_says_what_was_expected(tmp_path, content):
    path = tmp_path / "other.json"
    path.write_text(content)
    with pytest.raises(InputError) as err:
        read_json(path)
    assert "marches" in one_line(err.value) and "contrat-concession" in err.value.message("en")


def test_file_over_the_size_limit_is_refused(tmp_path):
    with pytest.raises(InputError):
        read_json(DATA / "quirks_bare_list.json", max_bytes=100)


def test_cp1252_json_is_read(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes('{"marches": [{"id": "1", "objet": "Rénovation"}]}'.encode("cp1252"))
    (record,), info = read_json(path)
    assert record.cells["object"].value == "Rénovation" and "encoding:cp1252" in info.notes


def test_helpers_siret_and_country():
    assert is_siret_like("SIRET", "x") and is_siret_like("Siret", "1") and is_siret_like("siret", "1")
    assert is_siret_like("", "\t32359288100060") and is_siret_like(None, "32359288100060")
    assert not is_siret_like("", "3235928810006") and not is_siret_like("TVA", "32359288100060")
    assert country_of("TVA", "FR32918951849") == "FR" and country_of("TVA", "EL123456789") == "GR"
    assert country_of("TVA", "99999999999") is None and country_of("HORS-UE", "USCOLUMBIA") == "US"
    assert country_of("HORS_UE", "CHCIE") == "CH" and country_of("FRWF", "FRWFASSOC") is None


# --- tabular, real files -----------------------------------------------------------------------


def test_augmente_2022_markers_and_python_reprs():
    records, info = read_csv(DATA / "augmente_2022_sample.csv")
    assert info.rows_read == 9 and len(records) == 9 and balance(records, info)
    assert "delimiter:;" in info.notes and info.header_row == 1
    first = records[0]
    v = values(first)
    assert first.source.row == 2 and first.cells["amount"].column == "O (montant)"
    assert v["id"] == "202404" and v["amount"] == "45155.0" and v["supplier_siret"] == "35043845300028"
    assert "innovative" not in v  # MQ
    assert "framework_id" not in v  # CDL
    assert "co_contractors" not in codes(first)  # titulaire_id_2 = CDL
    assert v["social_considerations"] == "['Pas de considération sociale']"  # passed through
    ids = by_id(records)
    inx = ids["202424 3 001"]  # "INX 202424 3 001"
    assert [(w.code, w.field, w.column) for w in inx.warnings] == [("invalid_in_source", "id", "G (id)")]
    both = ids["2023AOVOI40 L1"]
    assert values(both)["cpv"] == "67151000-0"
    assert [w.field for w in both.warnings if w.code == "invalid_in_source"] == ["id", "cpv"]
    # techniques "['Accord-cadre']" makes an accord-cadre; origineFrance 1.0 on clothing CPV.
    epi = ids["2022115C"]
    assert values(epi)["nature"] == "Accord-cadre" and values(epi)["origin_france"] == "1.0"
    assert values(ids["2024FCS05_1"])["supplier_country"] == "FR"  # TVA FR32918951849


def test_augmente_2019_co_contractors_and_montant_modification():
    records, _ = read_csv(DATA / "augmente_2019_sample.csv")
    ids = by_id(records)
    ski = ids["20202020-0000200"]
    assert values(ski)["supplier_siret"] == "33901418500013"
    w = next(w for w in ski.warnings if w.code == "co_contractors")
    assert "PERILLAT TRAVAUX PUBLICS" in w.value and "LEC TRAVAUX PUBLICS" in w.value
    assert values(ski)["amount"] == "349054.58"  # the contract's amount, not split
    college = ids["2020007901"]
    assert values(college)["amount"] == "45579.37"
    assert college.cells["amount"].column == "AZ (montantModification)"
    assert "initial €39,839.99" in next(w.message_en for w in college.warnings if w.code == "modified")
    assert values(college)["duration_months"] == "9" and len(college.warnings) == 1  # same duration


def test_table_schema_example_versions_and_co_contractors():
    """Version 00 (marked donneesActuelles = non) and version 01 of one marché: one contract since
    2026-11-27 (decp_versions.superseded_into), where both were counted, the first with a warning only."""
    records, info = read_csv(DATA / "table-schema_exemple-valide.csv")
    assert info.rows_read == 4 and len(records) == 1 and balance(records, info)
    (current,) = records
    assert current.source.row == 4 and current.source.merged_rows == (2, 3, 5)
    assert "superseded_version" not in codes(current)
    folded = next(w for w in current.warnings if w.code == "versions_merged")
    assert "2019000564623 suivi du numéro d'ordre de la modification : 00, lues en A2 (id)" in folded.message_fr
    modified = next(w for w in current.warnings if w.code == "modified")  # the first version's 3 months: initial
    assert "initial 3, actuel 6" in modified.message_fr
    assert values(current)["duration_months"] == "6" and values(current)["supplier_name"] == "Colin Maudry"
    assert current.cells["duration_months"].column == "V4 (dureeMois)"  # grouped: the label names the row
    assert "Datactivist" in next(w.value for w in current.warnings if w.code == "co_contractors")
    assert values(current)["nature"] == "Marché subséquent"  # idAccordCadre set


def test_bretagne_buyer_export_groups_multi_attributaire_frameworks():
    records, info = read_csv(DATA / "bretagne_2021_subset.csv")
    assert "delimiter:|" in info.notes
    assert info.rows_read == 16 and len(records) == 12 and balance(records, info)
    assert info.columns["LieuExecution_code"] == "place_code" and info.columns["DureeMois"] == "duration_months"
    assert "Annee" in info.ignored_columns
    first = values(records[0])
    assert first["amount"] == "14\u00a0700,00" and first["notification_date"] == "01/01/2021"
    assert first["supplier_siret"] == "45066344800022" and first["nature"] == "Marché Subséquent"
    ac = by_id(records)["202190205"]
    assert ac.source.row == 12 and ac.source.merged_rows == (13, 14)
    assert values(ac)["amount"] == "600\u00a0000,00"  # once, not 3 × 600 000
    assert values(ac)["supplier_name"] == "ACTION'TOP"
    assert "CECOP" in next(w.value for w in ac.warnings if w.code == "co_contractors")


# --- tabular, built files ----------------------------------------------------------------------

DECP_INFO_HEADER = (
    "uid,id,acheteur_id,acheteur_nom,titulaire_id,titulaire_typeIdentifiant,titulaire_nom,objet,montant,"
    "codeCPV,procedure,techniques,dureeMois,dateNotification,datePublicationDonnees,considerationsSociales,"
    "considerationsEnvironnementales,lieuExecution_code,lieuExecution_typeCode,idAccordCadre,modification_id,"
    "donneesActuelles,titulaire_categorie\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_decp_info_grouping_current_version_never_summed(tmp_path):
    A = "20005480700017A1,A1,20005480700017,Métropole AMP"
    rows = [
        # uid A: 2 titulaires × 2 modifications, current version listed first (decp.info sorts that way).
        f"{A},44306184100047,SIRET,ELEC 13,Travaux,120000,45210000,Procédure adaptée,Sans objet,14,2024-06-01,"
        "2024-06-10,Clause sociale,Sans objet,13055,Code commune,,1,true,PME",
        f"{A},39210031900038,SIRET,BTP SUD,Travaux,120000,45210000,Procédure adaptée,Sans objet,14,2024-06-01,"
        "2024-06-10,Clause sociale,Sans objet,13055,Code commune,,1,true,ETI",
        f"{A},44306184100047,SIRET,ELEC 13,Travaux,100000,45210000,Procédure adaptée,Sans objet,12,2024-01-10,"
        "2024-01-20,Clause sociale,Sans objet,13055,Code commune,,0,false,PME",
        f"{A},39210031900038,SIRET,BTP SUD,Travaux,100000,45210000,Procédure adaptée,Sans objet,12,2024-01-10,"
        "2024-01-20,Clause sociale,Sans objet,13055,Code commune,,0,false,ETI",
        # uid B: 3 co-titulaires of one version, one of them foreign.
        "21130055300016B7,B7,21130055300016,Ville,11111111111111,SIRET,UN,Nettoyage,50000,90910000,"
        "Procédure adaptée,Accord-cadre,24,2024-02-01,2024-02-05,Sans objet,Sans objet,13,Code département,,0,"
        "true,",
        "21130055300016B7,B7,21130055300016,Ville,22222222222222,SIRET,DEUX,Nettoyage,50000,90910000,"
        "Procédure adaptée,Accord-cadre,24,2024-02-01,2024-02-05,Sans objet,Sans objet,13,Code département,,0,"
        "true,",
        "21130055300016B7,B7,21130055300016,Ville,DE814864138,TVA,DREI,Nettoyage,50000,90910000,"
        "Procédure adaptée,Accord-cadre,24,2024-02-01,2024-02-05,Sans objet,Sans objet,13,Code département,,0,"
        "true,",
        "",
        # uid C: one row.
        "21130055300016C1,C1,21130055300016,Ville,33333333333333,SIRET,TROIS,Papier,9000,30197630,"
        "Procédure adaptée,Sans objet,12,2024-03-01,2024-03-02,,,,,B7,0,true,GE",
    ]
    path = write(tmp_path, "decp-info.csv", DECP_INFO_HEADER + "\n".join(rows) + "\n")
    assert DecpTabularReader().detect(path, path.read_bytes())
    records, info = read_csv(path)
    assert info.rows_read == 8 and len(records) == 3 and balance(records, info)
    assert "blank_rows:1" in info.notes and "merged_rows:5" in info.notes
    a, b, c = records
    assert a.source.row == 2 and a.source.merged_rows == (3, 4, 5)
    v = values(a)
    assert v["amount"] == "120000" and a.cells["amount"].column == "I2 (montant)"  # one row's value
    assert v["duration_months"] == "14"
    assert v["notification_date"] == "2024-01-10" and a.cells["notification_date"].column == "N4 (dateNotification)"
    assert v["publication_date"] == "2024-01-20"
    assert v["supplier_siret"] == "44306184100047" and v["supplier_size"] == "PME"
    assert v["social_considerations"] == "Clause sociale" and v["env_considerations"] == "Sans objet"
    assert "nature" not in v  # no nature column, no technique, no idAccordCadre: none invented
    mods = {w.field: w for w in a.warnings if w.code == "modified"}
    assert mods["amount"].message_en.endswith("initial €100,000, current €120,000")
    assert "12" in mods["duration_months"].message_fr
    others = [w for w in a.warnings if w.code == "co_contractors"]
    assert len(others) == 1 and "39210031900038 (BTP SUD)" in others[0].value  # listed once, not per version
    v = values(b)
    assert b.source.merged_rows == (7, 8) and v["amount"] == "50000" and v["nature"] == "Accord-cadre"
    assert "TVA DE814864138 (DREI)" in next(w.value for w in b.warnings if w.code == "co_contractors")
    assert c.source.row == 10 and c.source.merged_rows == () and c.cells["amount"].column == "I (montant)"
    assert values(c)["nature"] == "Marché subséquent" and "env_considerations" not in c.cells


def test_without_donnees_actuelles_latest_modification_then_date_wins(tmp_path):
    header = ("id,acheteur.id,codeCPV,montant,dureeMois,dateNotification,titulaire_id_1,"
              "titulaire_typeIdentifiant_1,idModification\n")
    rows = [
        "X1,21130055300016,45210000,80000,6,2023-05-01,11111111111111,SIRET,",
        "X1,21130055300016,45210000,95000,8,2023-09-01,11111111111111,SIRET,2",
        "X1,21130055300016,45210000,90000,7,2023-07-01,11111111111111,SIRET,1",
        "Y1,21130055300016,45210000,1000,6,2023-05-01,22222222222222,SIRET,",
        "Y1,21130055300016,45210000,2000,6,01/06/2023,22222222222222,SIRET,",
        "Y1,21130055300016,45210000,1500,6,15/05/2023,22222222222222,SIRET,",
    ]
    records, info = read_csv(write(tmp_path, "v.csv", header + "\n".join(rows) + "\n"))
    x, y = records
    assert values(x)["amount"] == "95000" and x.cells["amount"].column == "D3 (montant)"
    assert values(x)["notification_date"] == "2023-05-01"
    assert values(y)["amount"] == "2000"  # dd/mm/yyyy ordered as dates
    assert balance(records, info) and info.rows_read == 6


def test_markers_mq_cdl_inx_in_a_built_table(tmp_path):
    header = ("id;acheteur.id;codeCPV;montant;objet;titulaire_id_1;titulaire_typeIdentifiant_1;titulaire_id_2;"
              "titulaire_typeIdentifiant_2;offresRecues\n")
    rows = ["INX 2024 A 1;21130055300016;INX 4521000;MQ;CDL;INX 4430618410004;SIRET;CDL;CDL;MQ"]
    (record,), _ = read_csv(write(tmp_path, "m.csv", header + "\n".join(rows) + "\n"))
    v = values(record)
    # An amount's « MQ » is passed on: the validator makes it unknown and says so (placeholder_amount).
    assert v == {"id": "2024 A 1", "buyer_siret": "21130055300016", "cpv": "4521000", "amount": "MQ",
                 "supplier_siret": "4430618410004"}
    assert [w.field for w in record.warnings if w.code == "invalid_in_source"] == ["id", "cpv"]


def test_nc_ids_of_one_buyer_stay_separate_contracts(tmp_path):
    """An id « NC » names no contract: two « NC » contracts of a buyer are two orders, told apart by their
    date and object, while the rows of one of them (two titulaires) still make one order."""
    header = "id;acheteur.id;codeCPV;montant;objet;dateNotification;titulaire_id_1;titulaire_typeIdentifiant_1\n"
    rows = ["NC;21130055300016;45210000;1000;Voirie A;2024-03-01;44306184100047;SIRET",
            "NC;21130055300016;45210000;1000;Voirie A;2024-03-01;55210055400013;SIRET",
            "NC;21130055300016;30197630;250;Papier;2024-05-02;44306184100047;SIRET",
            "2024-7;21130055300016;30197630;90;Encre;2024-05-02;44306184100047;SIRET",
            "2024-7;21130055300016;30197630;90;Encre;2024-05-02;55210055400013;SIRET"]
    records, info = read_csv(write(tmp_path, "nc.csv", header + "\n".join(rows) + "\n"))
    assert [(values(r)["id"], values(r)["object"], len(r.source.merged_rows)) for r in records] == [
        ("NC", "Voirie A", 1), ("NC", "Papier", 0), ("2024-7", "Encre", 1)]
    assert balance(records, info) and info.rows_read == 5


def test_tabular_refuses_a_table_without_decp_columns(tmp_path):
    path = write(tmp_path, "plain.csv", "Identifiant;Objet;Montant HT\n1;Papier;12,50\n")
    with pytest.raises(InputError) as err:
        read_csv(path)
    assert "acheteur_id" in one_line(err.value)


def test_user_mapping_overrides_a_decp_column(tmp_path):
    header = "id,acheteur_id,codeCPV,montant,Montant TTC\n"
    path = write(tmp_path, "map.csv", header + "Z9,21130055300016,30197630,100,120\n")
    (record,), _ = read_csv(path, mapping={"Montant TTC": "amount", "montant": "lots"})
    assert values(record)["amount"] == "120" and values(record)["lots"] == "100"


# --- every file --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", JSON_FILES + CSV_FILES, ids=lambda p: p.name)
def test_every_row_accounted_for_and_only_canonical_fields(path):
    from procurement.fields import FIELDS_BY_NAME

    reader = DecpJsonReader() if path.suffix == ".json" else DecpTabularReader()
    records, info = read(reader, path)
    assert records and balance(records, info)
    assert set(info.columns.values()) <= set(FIELDS_BY_NAME)
    for record in records:
        assert record.source.row is not None and record.source.file == path.name
        if isinstance(record, RawRecord):
            assert set(record.cells) <= set(FIELDS_BY_NAME) and "id" in record.cells
            assert all(isinstance(c.column, str) and c.column for c in record.cells.values())


def test_json_keys_with_stray_spaces_are_read(tmp_path):
    path = write(tmp_path, "k.json", '{"marches": [{"id": "1", "lieuExecution": '
                                     '{"code ": "13001", " typeCode": "Code commune", "nom ": "AIX"}}]}')
    (record,), _ = read_json(path)
    assert values(record) == {"id": "1", "place_code": "13001", "place_type": "Code commune"}
