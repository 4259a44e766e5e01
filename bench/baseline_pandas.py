"""The baseline a user would write without `procurement`: pandas in, plain-Python rules, pandas + openpyxl out.

    python bench/baseline_pandas.py orders.xlsx --out DIR [--outputs xlsx,csv] [--header-row 5]

- reads with pandas: `read_excel(engine="openpyxl")` for a workbook (header on the export's row 5, under
  the title block), `read_csv(sep=";", dtype=str)` for a CSV (dtype=str, or SIRET and postcode zeros are
  lost);
- parses each row by hand (French numbers, dd/mm/yyyy dates, the export's labels) and applies the 30
  hand-written rules of `bench/bench_engine.py` (same three-valued logic: an unknown value gives
  insufficient_data);
- writes the input columns plus one status column per rule with pandas: `to_excel(engine="openpyxl")`
  (results.xlsx, sheet « Résultats ») and `to_csv` (results.csv, ';', UTF-8 with BOM).

No validation report, no evidence, no HTML, no JSON: less than `procurement` writes, on purpose the least
a user would settle for.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench_engine import BASELINE, RULES  # noqa: E402  (the 30 hand-written rules)

RULE_IDS = [r[0] for r in RULES]

# The export's headers (both the workbook's and the CSV's) -> the names the rules use.
HEADERS = {
    "N° de commande": "id", "Référence": "id", "Service": "buyer_name", "Direction": "buyer_name",
    "Objet": "object", "Libellé": "object", "Nature": "nature", "Nature du marché": "nature",
    "Procédure": "procedure", "Mode de passation": "procedure", "Code CPV": "cpv", "CPV": "cpv",
    "Montant HT (€)": "amount", "Montant HT": "amount", "Date de lancement": "launch_date",
    "Date de lancement de la consultation": "launch_date", "Date de notification": "notification_date",
    "Fournisseur": "supplier_name", "Titulaire": "supplier_name", "SIRET": "supplier_siret",
    "SIRET titulaire": "supplier_siret", "Code postal": "supplier_postcode", "CP fournisseur": "supplier_postcode",
    "Pays": "supplier_country", "Code NAF": "supplier_naf", "Code APE": "supplier_naf",
    "Taille entreprise": "supplier_size", "Catégorie entreprise": "supplier_size", "Statut": "supplier_status",
    "Marché innovant": "innovative", "Considérations environnementales": "env_considerations",
    "Considérations sociales": "social_considerations", "Critères d'attribution": "award_criteria",
    "Part réemploi/recyclé (%)": "recycled_share", "Part bio (%)": "organic_share",
    "Part EGAlim (%)": "egalim_share", "Part EGAlim viandes et poissons (%)": "meat_fish_egalim_share",
    "Intermédiaires": "intermediaries", "Nb intermédiaires": "intermediaries",
}
NATURES = {"bon de commande": "bon_de_commande", "marché": "marche", "accord-cadre": "accord_cadre",
           "accord cadre": "accord_cadre", "marché subséquent": "marche_subsequent", "offre": "offre"}
PROCEDURES = {
    "procédure adaptée": "procedure_adaptee", "mapa": "procedure_adaptee",
    "appel d'offres ouvert": "appel_offres_ouvert", "aoo": "appel_offres_ouvert",
    "appel d'offres restreint": "appel_offres_restreint", "procédure avec négociation": "procedure_negociee",
    "marché passé sans publicité ni mise en concurrence préalable": "sans_publicite",
    "sans publicité ni mise en concurrence": "sans_publicite", "dialogue compétitif": "dialogue_competitif",
    "concours": "concours",
}
CONSIDERATIONS = {"clause environnementale": "clause", "critère environnemental": "criterion",
                  "pas de considération environnementale": "none", "clause sociale": "clause",
                  "critère social": "criterion", "marché réservé": "reserved", "pas de considération sociale": "none"}
REGION_SUD = ("83", "84", "04", "05", "06")
FIELDS = ("nature", "procedure", "cpv", "amount", "launch_date", "notification_date", "publication_date",
          "supplier_postcode", "supplier_commune", "supplier_size", "supplier_naf", "supplier_status",
          "supplier_band", "env_considerations", "social_considerations", "award_criteria", "egalim_share",
          "organic_share", "meat_fish_egalim_share", "intermediaries", "recycled_share", "innovative",
          "declared_emissions", "estimated_emissions", "contract_type")
DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})$")


def blank(v) -> bool:
    return v is None or v != v or (isinstance(v, str) and not v.strip())  # v != v: NaN and NaT


def text(v) -> str | None:
    return None if blank(v) else str(v).strip()


def number(v) -> float | None:
    if blank(v):
        return None
    if isinstance(v, int | float):
        return float(v)
    s = str(v).replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "").replace("%", "")
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    try:
        return float(s)
    except ValueError:
        return None


def date(v) -> dt.date | None:
    if blank(v):
        return None
    if isinstance(v, dt.datetime):  # pandas Timestamp too
        return v.date()
    if isinstance(v, dt.date):
        return v
    m = DATE.match(str(v).strip())
    if not m:
        return None
    try:
        return dt.date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        return None


def code(v, width: int) -> str | None:
    """A code typed as a number loses its leading zeros: put them back."""
    if blank(v):
        return None
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    s = str(v).strip()
    return s.zfill(width) if s.isdigit() else s


def cpv(v) -> str | None:
    s = code(v, 8)
    m = re.match(r"\d{7,8}", s or "")
    return m[0].zfill(8) if m else None


def labels(v) -> tuple[str, ...] | None:
    s = text(v)
    if s is None:
        return None
    found = tuple(CONSIDERATIONS[p] for p in (x.strip().casefold() for x in s.split(",")) if p in CONSIDERATIONS)
    return found or None


def parse(rec: dict) -> SimpleNamespace:
    """One row as the rules read it."""
    o = SimpleNamespace(**dict.fromkeys(FIELDS))
    get = rec.get
    o.nature = NATURES.get((text(get("nature")) or "").casefold())
    o.procedure = PROCEDURES.get((text(get("procedure")) or "").casefold())
    o.cpv = cpv(get("cpv"))
    if o.cpv:
        o.contract_type = ("travaux" if o.cpv.startswith("45") else
                           "fournitures" if int(o.cpv[:2]) <= 44 or o.cpv.startswith("48") else "services")
    o.amount = number(get("amount"))
    o.launch_date = date(get("launch_date"))
    o.notification_date = date(get("notification_date"))
    postcode = code(get("supplier_postcode"), 5)
    o.supplier_postcode = postcode
    country = (text(get("supplier_country")) or "").casefold()
    if postcode and country in ("", "fr", "france"):
        o.supplier_band = "amp" if postcode.startswith("13") else "region_sud" if postcode.startswith(REGION_SUD) \
            else "france"
    elif country and country not in ("fr", "france"):
        o.supplier_band = "eu"
    size = text(get("supplier_size"))
    o.supplier_size = size.casefold() if size else None
    o.supplier_naf = text(get("supplier_naf"))
    status = text(get("supplier_status"))
    o.supplier_status = status.casefold() if status else "none"
    o.env_considerations = labels(get("env_considerations"))
    o.social_considerations = labels(get("social_considerations"))
    o.award_criteria = text(get("award_criteria"))
    for name in ("egalim_share", "organic_share", "meat_fish_egalim_share", "recycled_share"):
        setattr(o, name, number(get(name)))
    n = number(get("intermediaries"))
    o.intermediaries = None if n is None else int(n)
    innovative = (text(get("innovative")) or "").casefold()
    o.innovative = True if innovative == "oui" else False if innovative == "non" else None
    return o


def read(path: Path, header_row: int):
    import pandas as pd

    if path.suffix.lower() == ".xlsx":
        return pd.read_excel(path, header=header_row - 1, engine="openpyxl")
    return pd.read_csv(path, sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)


def run(path: Path, out: Path, outputs: tuple[str, ...] = ("xlsx", "csv"), header_row: int = 5) -> int:
    df = read(path, header_row if path.suffix.lower() == ".xlsx" else 1)
    fields = {col: HEADERS[col] for col in df.columns if col in HEADERS}
    statuses: list[list[str]] = []
    for rec in df.to_dict("records"):
        o = parse({field: rec[col] for col, field in fields.items()})
        statuses.append([rule(o) for rule in BASELINE])
    for i, rid in enumerate(RULE_IDS):
        df[rid] = [s[i] for s in statuses]
    out.mkdir(parents=True, exist_ok=True)
    if "xlsx" in outputs:
        df.to_excel(out / "results.xlsx", sheet_name="Résultats", index=False, engine="openpyxl")
    if "csv" in outputs:
        df.to_csv(out / "results.csv", sep=";", index=False, encoding="utf-8-sig")
    return len(df)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--outputs", default="xlsx,csv", help="comma-separated: xlsx, csv")
    parser.add_argument("--header-row", type=int, default=5, help="Excel row of the workbook's header")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    n = run(args.input, args.out, tuple(args.outputs.split(",")), args.header_row)
    print(f"baseline: {n:,} rows in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
