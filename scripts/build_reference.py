#!/usr/bin/env python3
"""Build `procurement/data/` from the shared research data, reproducibly.

Why a script: the packaged tables are small extracts of larger public files (only the columns the program
uses). Rebuilding them from the same sources must give the same bytes, so that a reviewer can check that
nothing was edited by hand. Every cross-check the data relies on (92 AMP communes, 946 Région Sud
communes, 9,454 CPV codes, CPV division factors equal to the NACE table) is asserted here, and the
interpretation of the free-text "subgroup_overrides" column of the carbon mapping is pinned: if the
shared CSV changes, the build stops until someone reviews the new text.

Usage (from the project root or anywhere):
    .venv/bin/python scripts/build_reference.py                 # writes procurement/data/
    .venv/bin/python scripts/build_reference.py --check         # rebuilds in memory, compares bytes
    .venv/bin/python scripts/build_reference.py --shared ../shared/data

Paths are relative to the project root (the parent of this script's folder), never absolute.
Standard library only.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GZIP_OVER_BYTES = 1_500_000  # gzip a CSV only when it would be larger than this
COORD_DECIMALS = 4  # ~11 m; the centroids themselves are only good to a few km

EU_MEMBERS = (
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
    "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
)  # fmt: skip
# ISO codes of French overseas départements and collectivities: a supplier there is in France.
FRENCH_TERRITORIES = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "WF", "PF", "NC", "TF")
# French names, so that "Allemagne" or "Royaume-Uni" typed in a file is understood. Facts, written here.
FRENCH_NAMES = {
    "AT": "Autriche", "BE": "Belgique", "BG": "Bulgarie", "CY": "Chypre", "CZ": "Tchéquie",
    "DE": "Allemagne", "DK": "Danemark", "EE": "Estonie", "ES": "Espagne", "FI": "Finlande",
    "FR": "France", "GR": "Grèce", "HR": "Croatie", "HU": "Hongrie", "IE": "Irlande", "IT": "Italie",
    "LT": "Lituanie", "LU": "Luxembourg", "LV": "Lettonie", "MT": "Malte", "NL": "Pays-Bas",
    "PL": "Pologne", "PT": "Portugal", "RO": "Roumanie", "SE": "Suède", "SI": "Slovénie",
    "SK": "Slovaquie", "CH": "Suisse", "GB": "Royaume-Uni", "MC": "Monaco", "AD": "Andorre",
    "NO": "Norvège", "IS": "Islande", "LI": "Liechtenstein", "US": "États-Unis", "CA": "Canada",
    "MA": "Maroc", "DZ": "Algérie", "TN": "Tunisie", "TR": "Turquie", "CN": "Chine", "JP": "Japon",
    "IN": "Inde", "SN": "Sénégal", "CI": "Côte d'Ivoire", "IL": "Israël", "UA": "Ukraine",
    "GP": "Guadeloupe", "MQ": "Martinique", "GF": "Guyane", "RE": "La Réunion", "YT": "Mayotte",
    "PM": "Saint-Pierre-et-Miquelon", "BL": "Saint-Barthélemy", "MF": "Saint-Martin",
    "WF": "Wallis-et-Futuna", "PF": "Polynésie française", "NC": "Nouvelle-Calédonie",
    "TF": "Terres australes et antarctiques françaises",
}  # fmt: skip

# The "subgroup_overrides" column of carbon/cpv_division_to_nace_a64_monetary_factor.csv is free text.
# Its reading is pinned here: (the exact text, [(CPV prefix, NACE A64 code, note)], prefer_physical).
# Where the text names a family rather than a CPV group, the prefix comes from the CPV 2008 labels and the
# note says so. Texts that name no CPV group at all are recorded and not applied.
OVERRIDES: dict[str, tuple[str, list[tuple[str, str, str]], bool]] = {
    "03": ("033->A03 (fish); 034->A02 (forestry products)",
           [("0331", "A03", "csv says 033 (fish); applied to 0331 'Poissons, crustacés' only, since 0332-0334"
                            " are livestock and animal products (A01)"),
            ("034", "A02", "csv")], False),
    "09": ("0931/0932 electricity & heat, 0912 gas -> prefer physical factors (kWh); D35 as monetary fallback",
           [("0931", "D35", "csv: prefer physical factors"), ("0932", "D35", "csv: prefer physical factors"),
            ("0912", "D35", "csv: prefer physical factors")], True),
    "14": ("147 basic metals -> C24", [("147", "C24", "csv")], False),
    "15": ("raw fruit/veg/meat bought directly from farms -> A01", [], False),  # not a CPV group
    "19": ("195 rubber/plastic materials -> C22", [("195", "C22", "csv")], False),
    "30": ("3019 office supplies (paper etc.) -> C17/C31_32",
           [("3019", "C31_32", "csv names C17/C31_32; non-paper office supplies -> C31_32"),
            ("301927", "C17", "csv 'paper' -> C17: 30192700 Papeterie"),
            ("301976", "C17", "csv 'paper' -> C17: 30197600 Papier et carton traités"),
            ("30199", "C17", "csv 'paper' -> C17: 30199000 Articles de papeterie et autres articles en papier")],
           False),
    "33": ("331 medical equipment -> C31_32 (NAF 32.5); 337 personal care -> C20",
           [("331", "C31_32", "csv"), ("337", "C20", "csv")], False),
    "34": ("345 ships, 346 rail, 347 aircraft -> C30",
           [("345", "C30", "csv"), ("346", "C30", "csv"), ("347", "C30", "csv")], False),
    "35": ("mixed (vehicles C29/C30, uniforms C13T15, weapons C25)",
           [("353", "C25", "csv 'weapons' -> 35300000 Armes, munitions"),
            ("354", "C29", "csv 'vehicles' -> 35400000 Véhicules militaires"),
            ("355", "C30", "csv 'vehicles' -> 35500000 Navires de guerre"),
            ("356", "C30", "csv 'vehicles' -> 35600000 Avions, missiles et spationefs militaires"),
            ("3581", "C13T15", "csv 'uniforms' -> 35810000 Équipement individuel (uniformes, gilets)")], False),
    "39": ("397 domestic appliances -> C27; 398 cleaning/polishing products -> C20",
           [("397", "C27", "csv"), ("398", "C20", "csv")], False),
    "44": ("metal structures/products (442-445) -> C25; wood -> C16; cables -> C27",
           [("442", "C25", "csv"), ("443", "C25", "csv"), ("444", "C25", "csv"), ("445", "C25", "csv"),
            ("44191", "C16", "csv 'wood' -> 44191000 Matériaux divers de construction en bois"),
            ("4432", "C27", "csv 'cables' -> 44320000 Câbles et produits connexes")], False),
    "48": ("custom development -> J62_63", [], False),  # custom development is CPV 72, not 48
    "50": ("501 vehicle repair -> G45; 507 building installations maintenance -> F",
           [("501", "G45", "csv"), ("507", "F", "csv")], False),
    "55": ("5552/5551 catering, 5553 school meals -> I", [], False),  # same NACE as the division
    "60": ("602 rail -> H49; 604 air -> H51; 606 water -> H50",
           [("602", "H49", "csv"), ("604", "H51", "csv"), ("606", "H50", "csv")], False),
    "63": ("635 travel agencies -> N79", [("635", "N79", "csv")], False),
    "64": ("641 postal/courier -> H53", [("641", "H53", "csv")], False),
    "65": ("651 water distribution -> E36; prefer physical factors (kWh, m3)",
           [("651", "E36", "csv: prefer physical factors")], True),
    "66": ("665 insurance -> K65", [("665", "K65", "csv")], False),
    "77": ("7731-7734 planting/maintenance of green areas -> N80T82 (NAF 81.3); 772 forestry services -> A02",
           [("7731", "N80T82", "csv"), ("7732", "N80T82", "csv"), ("7733", "N80T82", "csv"),
            ("7734", "N80T82", "csv"), ("772", "A02", "csv")], False),
    "79": ("793/7934 market research & advertising -> M73; 796 recruitment -> N78; 797 security/investigation"
           " -> N80T82; 798 printing -> C18; 795 office support -> N80T82",
           [("793", "M73", "csv"), ("7934", "M73", "csv"), ("796", "N78", "csv"), ("797", "N80T82", "csv"),
            ("798", "C18", "csv"), ("795", "N80T82", "csv")], False),
    "85": ("853 social work -> Q87_88", [("853", "Q87_88", "csv")], False),
    "90": ("909 cleaning & sanitation services -> N80T82 (NAF 81.2)", [("909", "N80T82", "csv")], False),
    "92": ("926 sporting services -> R93", [("926", "R93", "csv")], False),
    "98": ("981 membership organisation services -> S94", [("981", "S94", "csv")], False),
}  # fmt: skip


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def csv_bytes(header: list[str], rows: list[list[object]]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def coord(text: str) -> str:
    return f"{float(text):.{COORD_DECIMALS}f}" if text else ""


class Output:
    """The files to write: name -> bytes. CSVs over GZIP_OVER_BYTES are gzipped deterministically."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def add_csv(self, name: str, header: list[str], rows: list[list[object]]) -> None:
        data = csv_bytes(header, rows)
        if len(data) > GZIP_OVER_BYTES:
            buf = io.BytesIO()
            with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
                gz.write(data)
            self.files[name + ".gz"] = buf.getvalue()
        else:
            self.files[name] = data
        print(f"  {name}: {len(rows)} rows, {len(data):,} bytes", file=sys.stderr)


def build_geo(shared: Path, out: Output) -> dict[str, str]:
    geo = shared / "geo"
    france = read_csv(geo / "france_communes.csv")
    amp = read_csv(geo / "amp_communes_with_marseille_arrondissements.csv")
    sud = read_csv(geo / "region_sud_paca_communes.csv")
    arrs = read_csv(geo / "france_arrondissements_municipaux.csv")
    aliases = read_csv(geo / "commune_code_aliases.csv")
    postcodes = read_csv(geo / "postal_code_centroids.csv")
    amp_pc = read_csv(geo / "amp_postal_codes.csv")

    communes = {r["code_insee"]: r for r in france}
    assert len(communes) == len(france) == 34_969, len(france)
    members = [r for r in amp if r["code_insee"] in communes]
    arr_amp = [r for r in amp if r["code_insee"] not in communes]
    assert len(members) == 92 and all(r["amp_member"] == "1" for r in amp), len(members)
    assert sorted(r["code_insee"] for r in arr_amp) == [str(c) for c in range(13201, 13217)]
    assert {r["code_insee"] for r in members} == {r["code_insee"] for r in france if r["amp_member"] == "1"}
    assert len(sud) == 946 and {r["code_insee"] for r in sud} == {c for c, r in communes.items() if r["region"] == "93"}

    out.add_csv(
        "communes.csv",
        ["code", "name", "departement", "region", "lat", "lon"],
        [[c, r["nom"], r["departement"], r["region"], coord(r["lat"]), coord(r["lon"])]
         for c, r in sorted(communes.items())],
    )  # fmt: skip
    out.add_csv(
        "amp_communes.csv",
        ["code", "name", "parent", "territoire_code", "territoire_name", "postcodes", "lat", "lon"],
        [[r["code_insee"], r["nom"], "" if r["code_insee"] in communes else "13055", r["amp_territoire_code"],
          r["amp_territoire_nom"], r["codes_postaux"], coord(r["lat"]), coord(r["lon"])]
         for r in sorted(amp, key=lambda r: r["code_insee"])],
    )  # fmt: skip
    out.add_csv(
        "region_sud_communes.csv", ["code"], [[r["code_insee"]] for r in sorted(sud, key=lambda r: r["code_insee"])]
    )

    # Aliases: drop the rows where a delegated commune shares its parent's code (nothing to resolve).
    arr_coords = {r["code_insee"]: (coord(r["lat"]), coord(r["lon"])) for r in arrs}
    alias_rows = []
    parent_of: dict[str, str] = {}
    for r in sorted(aliases, key=lambda r: r["code"]):
        code, parent = r["code"], r["parent_code_insee"]
        if code == parent:
            continue
        assert code not in communes and parent in communes, r
        assert parent_of.setdefault(code, parent) == parent, r
        lat, lon = arr_coords.get(code, ("", ""))
        alias_rows.append([code, r["type"], parent, lat, lon])
    assert set(arr_coords) <= set(parent_of)
    out.add_csv("commune_aliases.csv", ["code", "type", "parent", "lat", "lon"], alias_rows)

    # Postcodes: the communes served, resolved to current (COG 2026) commune codes. Codes of communes merged
    # since 2020 without delegated communes are not in the COG any more: their land now belongs to a
    # neighbour, almost always one served by the same postcode, so they are dropped.
    amp_codes = {r["code_insee"] for r in members}
    dropped = []
    pc_rows = []
    for r in sorted(postcodes, key=lambda r: r["code_postal"]):
        served: list[str] = []
        for code in r["codes_insee"].split("|"):
            current = code if code in communes else parent_of.get(code)
            if current is None:
                dropped.append(f"{r['code_postal']}:{code}")
            elif current not in served:
                served.append(current)
        assert served, r
        served.sort()
        all_amp = "1" if all(c in amp_codes for c in served) else "0"
        pc_rows.append([r["code_postal"], coord(r["lat"]), coord(r["lon"]), "|".join(served), all_amp])
    out.add_csv("postcodes.csv", ["postcode", "lat", "lon", "communes", "all_in_amp"], pc_rows)
    print(f"  postcodes: dropped {len(dropped)} codes not in COG 2026: {' '.join(dropped)}", file=sys.stderr)
    # Cross-check with the AMP postcode list of the shared data.
    by_pc = {row[0]: row for row in pc_rows}
    for r in amp_pc:
        row = by_pc[r["code_postal"]]
        assert row[4] == r["all_communes_in_amp"], (r, row)
    assert sorted(r["code_postal"] for r in amp_pc if r["all_communes_in_amp"] == "0") == ["13780", "83640", "84120"]

    # Départements -> région, from the same COG 2026 communes; cross-checked against INSEE COG 2025.
    deps: dict[str, tuple[str, str, str]] = {}
    for r in france:
        entry = (r["departement_nom"], r["region"], r["region_nom"])
        assert deps.setdefault(r["departement"], entry) == entry, r
    cog = read_csv(shared / "decp" / "reference" / "insee_cog_2025_communes_departements_regions.csv")
    for r in cog:
        if r["departement_code"] in deps:
            assert deps[r["departement_code"]][1] == r["region_code"], r
    out.add_csv(
        "departements.csv",
        ["code", "name", "region", "region_name"],
        [[d, *deps[d]] for d in sorted(deps)],
    )
    return {d: v[1] for d, v in deps.items()}


def build_cpv(shared: Path, out: Output) -> list[str]:
    rows = read_csv(shared / "cpv" / "cpv_2008_fr.csv")
    assert len(rows) == 9_454, len(rows)
    table = []
    for r in rows:
        code, _, check = r["CODE"].partition("-")
        assert len(code) == 8 and code.isdigit() and len(check) == 1 and check.isdigit(), r
        table.append([code, check, r["FR"].strip()])
    table.sort()
    assert len({t[0] for t in table}) == len(table)
    out.add_csv("cpv.csv", ["code", "check", "label"], table)

    enums = json.loads((shared / "decp" / "reference" / "decp_enumerations.json").read_text(encoding="utf-8"))
    ranges = enums["origine_products_cpv_ranges_annexe_arrete_22_12_2022"]
    families = {"denrees_alimentaires": "food", "vehicules": "vehicles", "produits_de_sante": "health",
                "habillement": "clothing"}  # fmt: skip
    codes = {t[0] for t in table}
    range_rows = []
    for key, family in families.items():
        for lo, hi in ranges[key]:
            assert lo[:8] in codes and hi[:8] in codes, (lo, hi)
            range_rows.append([family, lo[:8], hi[:8]])
    out.add_csv("cpv_origin_ranges.csv", ["family", "first", "last"], range_rows)
    return [t[0] for t in table]


def build_carbon(shared: Path, out: Output, cpv_codes: list[str]) -> None:
    carbon = shared / "carbon"
    nace_rows = read_csv(carbon / "france_monetary_ratios_sdes_ges501_by_nace_a64.csv")
    factors = {r["nace_a64"]: int(r["kgCO2e_per_keur_2023"]) for r in nace_rows}
    assert len(factors) == 63
    out.add_csv(
        "nace_a64_factors.csv",
        ["nace", "label", "kgco2e_per_keur_2023"],
        [[r["nace_a64"], r["label_fr"], r["kgCO2e_per_keur_2023"]] for r in nace_rows],
    )

    divisions = sorted({c[:2] for c in cpv_codes})
    mapping = read_csv(carbon / "cpv_division_to_nace_a64_monetary_factor.csv")
    assert sorted(r["cpv_division"] for r in mapping) == divisions
    rows: list[list[object]] = []
    for r in mapping:
        div, nace, conf = r["cpv_division"], r["nace_a64_default"], r["mapping_confidence"]
        assert factors[nace] == int(r["kgCO2e_per_keur_2023"]), r  # the CSV agrees with the NACE table
        text = r["subgroup_overrides"].strip()
        expected, overrides, physical = OVERRIDES.get(div, ("", [], False))
        if text != expected:
            sys.exit(f"carbon mapping: division {div} overrides changed to {text!r}; review OVERRIDES")
        rows.append([div, nace, conf, int(physical), "csv default"])
        for prefix, o_nace, note in overrides:
            assert o_nace in factors and prefix.startswith(div), (prefix, o_nace)
            assert any(c.startswith(prefix) for c in cpv_codes), prefix
            rows.append([prefix, o_nace, conf, int(physical), note])
    rows.sort(key=lambda row: str(row[0]))
    out.add_csv("carbon_cpv.csv", ["cpv_prefix", "nace", "confidence", "prefer_physical", "note"], rows)


def build_naf(shared: Path, out: Output) -> None:
    rows = read_csv(shared / "naf" / "secteurs_covid_s1_s1bis_s2_naf.csv")
    assert len(rows) == 162
    out.add_csv(
        "naf_covid.csv",
        ["naf", "list"],
        [[r["code_naf"], r["liste"]] for r in sorted(rows, key=lambda r: r["code_naf"])],
    )


def build_countries(shared: Path, out: Output) -> None:
    path = shared / "ocds" / "schema" / "ocds-1.2-dev" / "codelists" / "country.csv"
    rows = read_csv(path)
    codes = {r["Code"] for r in rows}
    assert set(EU_MEMBERS) <= codes and set(FRENCH_NAMES) <= codes
    table = []
    for r in sorted(rows, key=lambda r: r["Code"]):
        c = r["Code"]
        group = "fr" if c == "FR" or c in FRENCH_TERRITORIES else "eu" if c in EU_MEMBERS else "other"
        table.append([c, r["Title"], FRENCH_NAMES.get(c, ""), group])
    out.add_csv("countries.csv", ["code", "name_en", "name_fr", "group"], table)
    licence = shared / "ocds" / "schema" / "ocds-1.1.5" / "LICENSE"
    out.files["licences/OCDS-Apache-2.0.txt"] = licence.read_bytes()


def build(shared: Path) -> dict[str, bytes]:
    out = Output()
    build_geo(shared, out)
    cpv_codes = build_cpv(shared, out)
    build_carbon(shared, out, cpv_codes)
    build_naf(shared, out)
    build_countries(shared, out)
    out.files["legal_thresholds_2026.json"] = (shared / "legal" / "legal_thresholds_2026.json").read_bytes()
    return out.files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default="../shared/data", help="shared data folder, relative to the project root")
    parser.add_argument("--out", default="procurement/data", help="output folder, relative to the project root")
    parser.add_argument("--check", action="store_true", help="compare with the files on disk, write nothing")
    args = parser.parse_args(argv)
    shared, out = ROOT / args.shared, ROOT / args.out
    files = build(shared)
    if args.check:
        stale = [n for n, b in files.items() if not (out / n).is_file() or (out / n).read_bytes() != b]
        for name in stale:
            print(f"differs: {name}", file=sys.stderr)
        return 1 if stale else 0
    for name, data in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    print(f"wrote {len(files)} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
