"""The packaged reference data and its lookup API (procurement.reference)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import procurement.reference as ref
from procurement.reference import _files, cpv, geo, naf

ROOT = Path(__file__).resolve().parent.parent
MARSEILLE, AIX, PARIS = "13055", "13001", "75056"


# --- counts -------------------------------------------------------------------------------------------


def test_amp_has_92_communes_and_16_arrondissements():
    assert len(geo.amp_codes(with_arrondissements=False)) == 92
    amp = ref.builtin_tables()["amp_communes"]
    assert len(amp) == 108
    assert {str(c) for c in range(13201, 13217)} <= amp


def test_region_sud_has_946_communes():
    assert len(geo.region_codes_of("93")) == 946
    rows = _files.read_rows("region_sud_communes.csv", ("code",))
    assert {r[0] for r in rows} == geo.region_codes_of("93")
    # The rules table adds Marseille's arrondissements, which SIRENE uses as commune codes.
    assert len(ref.builtin_tables()["region_sud_communes"]) == 946 + 16


def test_cpv_has_9454_codes():
    assert len(cpv.cpv_codes()) == 9_454


def test_france_has_34969_communes():
    assert len(_files.read_rows("communes.csv", ("code", "name", "departement", "region", "lat", "lon"))) == 34_969


# --- communes -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "territoire"),
    [
        (MARSEILLE, "Marseille", "T1"),
        (AIX, "Aix-en-Provence", "T2"),
        ("84089", "Pertuis", "T2"),
        ("83120", "Saint-Zacharie", "T4"),
        ("13047", "Istres", "T5"),
    ],
)
def test_amp_members(code, name, territoire):
    c = ref.commune(code)
    assert c is not None and c.name == name and c.in_amp and c.territoire == territoire


def test_arrondissement_resolves_to_marseille_and_stays_in_amp():
    c = ref.commune("13201")
    assert c is not None
    assert (c.code, c.name, c.departement, c.region, c.in_amp) == (MARSEILLE, "Marseille", "13", "93", True)
    # ... but keeps its own, finer centroid for distances.
    assert ref.commune_centroid("13208") != ref.commune_centroid(MARSEILLE)


def test_arles_is_in_the_13_but_not_in_the_metropole():
    c = ref.commune("13004")
    assert c is not None and c.departement == "13" and c.region == "93"
    assert c.in_amp is False and c.territoire is None


def test_delegated_and_associated_communes_resolve_to_parent():
    annecy = ref.commune("74011")  # Annecy-le-Vieux, delegated commune of Annecy since 2017
    assert annecy is not None and annecy.code == "74010" and annecy.name == "Annecy"
    assert ref.commune("01120").code == "01262"  # an associated commune


def test_commune_code_normalisation_and_unknown_codes():
    assert ref.commune(" 6088 ").code == "06088"  # leading zero lost in a spreadsheet
    assert ref.commune("2a004").name == "Ajaccio"
    assert ref.commune("00000") is None
    assert ref.commune("") is None


def test_overseas_commune():
    c = ref.commune("97105")
    assert c is not None and c.departement == "971" and c.region == "01" and not c.in_amp


# --- postcodes ----------------------------------------------------------------------------------------


def test_postcode_serving_one_commune():
    assert ref.communes_for_postcode("13008") == (MARSEILLE,)  # arrondissement resolved to Marseille
    info = ref.postcode_info("13008")
    assert info is not None and info.in_amp is True and info.departement == "13"


def test_postcode_serving_several_amp_communes():
    info = ref.postcode_info("13100")
    assert info is not None and len(info.communes) == 5 and info.in_amp is True


@pytest.mark.parametrize(
    ("postcode", "communes", "departement"),
    [("13780", ("13030", "83105"), None), ("83640", ("83093", "83120"), "83"), ("84120", None, "84")],
)
def test_postcodes_shared_between_amp_and_other_communes_are_ambiguous(postcode, communes, departement):
    info = ref.postcode_info(postcode)
    assert info is not None
    assert info.in_amp is None  # some served communes are in the Métropole, some are not
    assert info.region == "93" and info.departement == departement
    if communes:
        assert info.communes == communes


def test_unknown_postcode():
    assert ref.postcode_info("13291") is None  # a CEDEX code: not in La Poste's list
    assert ref.communes_for_postcode("99999") == ()
    assert ref.postcode_centroid("99999") is None
    assert ref.postcode_centroid("1000") == ref.postcode_centroid("01000")


# --- départements, distances --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dep", "region"), [("13", "93"), ("84", "93"), ("2A", "94"), ("2b", "94"), ("971", "01"), ("6", "93")]
)
def test_departement_region(dep, region):
    assert ref.departement_region(dep) == region


def test_unknown_departement_and_names():
    assert ref.departement_region("99") is None
    assert ref.departement_region("20") is None  # Corsica is 2A/2B since 1976
    assert ref.departement_name("13") == "Bouches-du-Rhône"
    assert ref.region_name("93") == "Provence-Alpes-Côte d'Azur"
    assert ref.territoire_name("T1") == "Marseille-Provence"


def test_distances_from_marseille():
    marseille = ref.commune_centroid(MARSEILLE)
    assert ref.distance_km(marseille, ref.commune_centroid(AIX)) == pytest.approx(25.8, abs=2)
    assert ref.distance_km(marseille, ref.commune_centroid(PARIS)) == pytest.approx(661, abs=2)
    assert ref.distance_km(marseille, marseille) == 0


def test_distance_is_symmetric_and_uses_mean_earth_radius():
    a, b = (0.0, 0.0), (0.0, 1.0)
    assert ref.distance_km(a, b) == ref.distance_km(b, a)
    assert ref.distance_km(a, b) == pytest.approx(6371.0088 * 3.141592653589793 / 180)


# --- CPV ----------------------------------------------------------------------------------------------


def test_cpv_lookups():
    assert ref.cpv_label("45233120") == "Travaux de construction de routes"
    assert ref.cpv_label("45233120-6") == "Travaux de construction de routes"
    assert ref.cpv_check_digit("45233120") == "6"
    assert ref.cpv_known("03000000") and not ref.cpv_known("12345678")
    assert ref.cpv_label("12345678") is None and ref.cpv_check_digit("12345678") is None
    assert ref.cpv_division_label("45") == "Travaux de construction"
    assert ref.cpv_division_label("3") is not None  # "03"
    assert ref.cpv_division_label("49") is None


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("45233120", "travaux"),
        ("03000000", "fournitures"),
        ("30190000", "fournitures"),
        ("44000000", "fournitures"),
        ("48000000", "fournitures"),
        ("50000000", "services"),
        ("98000000", "services"),
        ("12345678", None),  # division 12 does not exist
    ],
)
def test_cpv_contract_type(code, kind):
    assert ref.cpv_contract_type(code) == kind


# --- carbon -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("45233120", (245.0, "F", "high")),  # works
        ("72000000", (75.0, "J62_63", "high")),
        ("90000000", (785.0, "E37T39", "medium")),  # sewage and refuse
        ("90910000", (106.0, "N80T82", "medium")),  # 909 cleaning overrides division 90
        ("44300000", (317.0, "C25", "low")),  # 443 metal wire
        ("44321000", (299.0, "C27", "low")),  # 4432 cables: longest prefix wins over 443
        ("30199000", (357.0, "C17", "medium")),  # paper stationery
        ("30192100", (231.0, "C31_32", "medium")),  # other office supplies
        ("03311000", (693.0, "A03", "high")),  # fish
        ("03321000", (1208.0, "A01", "high")),  # livestock stays agriculture
    ],
)
def test_emission_factor(code, expected):
    assert ref.emission_factor(code) == expected


@pytest.mark.parametrize("code", ["09310000", "09130000", "65100000", "65300000", "12345678"])
def test_no_monetary_factor_for_energy_fuel_water_or_unknown_division(code):
    assert ref.emission_factor(code) is None


def test_nace_factor():
    assert ref.nace_factor("F") == (245.0, "Construction")
    assert ref.nace_factor("ZZ") is None


# --- NAF, legal, tables -------------------------------------------------------------------------------


def test_covid_sector():
    assert ref.covid_sector("5610A") == "s1"
    assert ref.covid_sector("56.10A") == "s1"
    assert ref.covid_sector("8121Z") == "s1bis"
    assert ref.covid_sector("0000Z") is None
    with pytest.raises(ValueError):
        naf.naf_codes("s3")


def test_thresholds_is_a_fresh_copy():
    first = ref.thresholds()
    assert first["currency"].startswith("EUR")
    first["currency"] = "changed"
    assert ref.thresholds()["currency"] != "changed"


def test_builtin_tables():
    tables = ref.builtin_tables()
    assert set(tables) >= {
        "amp_communes", "region_sud_communes", "region_sud_departements", "naf_s1", "naf_s1bis",
        "naf_s1_possible", "naf_s1bis_possible", "cpv_origin_food", "cpv_origin_vehicles",
        "cpv_origin_health", "cpv_origin_clothing", "eu_countries",
    }  # fmt: skip
    assert all(isinstance(t, frozenset) for t in tables.values())
    assert tables["region_sud_departements"] == {"04", "05", "06", "13", "83", "84"}
    assert (len(tables["naf_s1"]), len(tables["naf_s1bis"])) == (56, 54)
    assert (len(tables["naf_s1_possible"]), len(tables["naf_s1bis_possible"])) == (4, 16)
    assert "5610A" in tables["naf_s1"]
    assert {"84089", "83120", "13201", MARSEILLE} <= tables["amp_communes"]
    assert "13004" not in tables["amp_communes"]
    assert len(tables["eu_countries"]) == 27 and {"FR", "DE", "GR"} <= tables["eu_countries"]
    assert not {"GB", "CH", "EL"} & tables["eu_countries"]
    tables["naf_s1"] = frozenset()  # the caller's dict is a copy
    assert ref.builtin_tables()["naf_s1"]


def test_cpv_origin_ranges_are_expanded_to_known_codes():
    tables = ref.builtin_tables()
    food, vehicles = tables["cpv_origin_food"], tables["cpv_origin_vehicles"]
    assert {"15100000", "15982200"} <= food and "15990000" not in food  # tobacco is after the range
    assert "34144910" in vehicles and "34000000" not in vehicles
    assert "18143000" in tables["cpv_origin_clothing"]
    assert {"33198200", "33600000"} <= tables["cpv_origin_health"]
    assert all(c in cpv.cpv_codes() for name in ("food", "vehicles", "health", "clothing")
               for c in tables[f"cpv_origin_{name}"])  # fmt: skip


def test_countries():
    assert ref.country_code("France") == "FR"
    assert ref.country_code("ALLEMAGNE") == "DE"
    assert ref.country_code("Royaume-Uni") == "GB"
    assert ref.country_code("el") == "GR"
    assert ref.country_code("99100") == "FR"
    assert ref.country_code("Atlantide") is None
    assert ref.country_group("GP") == "fr" and ref.country_group("IT") == "eu" and ref.country_group("CH") == "other"
    assert ref.is_foreign_insee_code("99134") and not ref.is_foreign_insee_code("99100")


# --- packaging ----------------------------------------------------------------------------------------


def test_stale_data_file_is_a_clear_error():
    with pytest.raises(RuntimeError, match=r"build_reference\.py"):
        _files.read_rows("cpv.csv", ("wrong", "header"))


def test_nothing_is_loaded_at_import_time():
    code = (
        "import procurement.enrich, procurement.reference as r\n"
        "from procurement.reference import geo, cpv, carbon, naf, tables, countries\n"
        "loaded = [f.__qualname__ for m in (geo, cpv, carbon, naf, tables, countries) for f in vars(m).values()\n"
        "          if hasattr(f, 'cache_info') and f.cache_info().currsize]\n"
        "print(loaded)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


def test_no_absolute_path_in_packaged_files():
    for path in [*(ROOT / "procurement" / "data").rglob("*"), ROOT / "scripts" / "build_reference.py"]:
        if path.is_file() and path.suffix in (".csv", ".md", ".py", ".json"):
            assert "/work/" not in path.read_text(encoding="utf-8"), path


@pytest.mark.skipif(not (ROOT / ".." / "shared" / "data").is_dir(), reason="shared research data not present")
def test_packaged_data_is_reproducible_from_shared_data():
    out = subprocess.run(
        [sys.executable, "scripts/build_reference.py", "--check"], capture_output=True, text=True, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
