#!/usr/bin/env python3
"""Write the sample inputs of `procurement`: AMP purchase orders and contracts of 2025, as finance users
export them, with a few deliberately broken rows.

    python samples/generate.py            # writes next to this script and refreshes samples/README.md
    python samples/generate.py --out DIR  # writes the three files into DIR (README untouched)

Outputs:
    commandes-2025.xlsx  about 500 orders, sheet "Commandes 2025", title block above the header
    commandes-2025.csv   about 200 other orders, French CSV (';', decimal comma, UTF-8 with BOM)
    fournisseurs.csv     the directory of every supplier used in both files

Deterministic: random.Random(2025) for the supplier pool and the workbook, random.Random(2026) for the
CSV; the xlsx archive gets fixed timestamps, so two runs give byte-identical files. Only the standard
library and openpyxl are used, and nothing is read from ../shared at run time: the communes, postcodes
and CPV codes needed are in `_catalogue.py`.

Every company name and SIRET is fictional: SIRETs are random digits completed so that the SIREN and the
14-digit SIRET pass the Luhn check; any match with a real company is a coincidence.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import math
import random
import re
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _catalogue import (  # noqa: E402  (the catalogue sits next to this script)
    AMP_PLACES,
    AREA_WORDS,
    BUILDINGS,
    BUSINESS_PARK_NAMES,
    BUSINESS_PARKS,
    CPV,
    EXECUTION_PLACES,
    EXECUTION_POSTCODES,
    FAMILIES,
    FOREIGN_SUPPLIERS,
    FRANCE_PLACES,
    PARKS,
    REGION_SUD_PLACES,
    SERVICES,
    STATUS_NAMES,
    STREET_NAMES,
    STREET_TYPES,
    STREETS,
    SURNAMES,
    TERRITOIRES,
    TRADES,
)

SEED = 2025
CSV_SEED = SEED + 1
XLSX_ORDERS = 500
CSV_ORDERS = 200
FIXED_TIME = dt.datetime(2026, 1, 15, 8, 0, 0)
XLSX_NAME = "commandes-2025.xlsx"
CSV_NAME = "commandes-2025.csv"
SUPPLIERS_NAME = "fournisseurs.csv"
SHEET = "Commandes 2025"
TITLE_ROWS = (
    "Métropole Aix-Marseille-Provence",
    "Extraction des commandes et marchés – exercice 2025",
    "Service des achats – édité le 15/01/2026",
    None,
)
HEADER_ROW = len(TITLE_ROWS) + 1  # Excel row of the header (5); data start on the next row
CLIMATE_LAW_DATE = dt.date(2026, 8, 21)

# (header as the finance user typed it, canonical field it must match). The order is the export's, not
# fields.py's, and the labels mix canonical French headers and aliases on purpose.
XLSX_COLUMNS: tuple[tuple[str, str], ...] = (
    ("N° de commande", "id"),
    ("Service", "buyer_name"),
    ("Objet", "object"),
    ("Nature", "nature"),
    ("Procédure", "procedure"),
    ("Code CPV", "cpv"),
    ("Montant HT (€)", "amount"),
    ("Date de lancement", "launch_date"),
    ("Date de notification", "notification_date"),
    ("Durée (mois)", "duration_months"),
    ("Lieu d'exécution", "place_code"),
    ("Type de code", "place_type"),
    ("Fournisseur", "supplier_name"),
    ("SIRET", "supplier_siret"),
    ("Code postal", "supplier_postcode"),
    ("Pays", "supplier_country"),
    ("Code NAF", "supplier_naf"),
    ("Taille entreprise", "supplier_size"),
    ("Statut", "supplier_status"),
    ("Accord-cadre de rattachement", "framework_id"),
    ("Nombre de lots", "lots"),
    ("Offres reçues", "offers_received"),
    ("Marché innovant", "innovative"),
    ("Considérations environnementales", "env_considerations"),
    ("Considérations sociales", "social_considerations"),
    ("Critères d'attribution", "award_criteria"),
    ("Pondération prix (%)", "price_weight"),
    ("Critère environnemental (%)", "env_weight"),
    ("Heures d'insertion", "insertion_hours"),
    ("Part réemploi/recyclé (%)", "recycled_share"),
    ("Part bio (%)", "organic_share"),
    ("Part EGAlim (%)", "egalim_share"),
    ("Part EGAlim viandes et poissons (%)", "meat_fish_egalim_share"),
    ("Intermédiaires", "intermediaries"),
    ("Distance (km)", "delivery_km"),
)

# The CSV is another export (another tool, other labels, fewer columns).
CSV_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Référence", "id"),
    ("Date de notification", "notification_date"),
    ("Direction", "buyer_name"),
    ("Libellé", "object"),
    ("Nature du marché", "nature"),
    ("Mode de passation", "procedure"),
    ("CPV", "cpv"),
    ("Montant HT", "amount"),
    ("Durée", "duration_months"),
    ("Lieu d'exécution", "place_code"),
    ("Type de code", "place_type"),
    ("Titulaire", "supplier_name"),
    ("SIRET titulaire", "supplier_siret"),
    ("CP fournisseur", "supplier_postcode"),
    ("Pays", "supplier_country"),
    ("Code APE", "supplier_naf"),
    ("Catégorie entreprise", "supplier_size"),
    ("Statut", "supplier_status"),
    ("Date de lancement de la consultation", "launch_date"),
    ("Accord-cadre de rattachement", "framework_id"),
    ("Offres reçues", "offers_received"),
    ("Considérations environnementales", "env_considerations"),
    ("Considérations sociales", "social_considerations"),
    ("Heures d'insertion", "insertion_hours"),
    ("Part bio (%)", "organic_share"),
    ("Part EGAlim (%)", "egalim_share"),
    ("Part EGAlim viandes et poissons (%)", "meat_fish_egalim_share"),
    ("Nb intermédiaires", "intermediaries"),
    ("Distance de livraison", "delivery_km"),
    ("Part réemploi/recyclé (%)", "recycled_share"),
)

SUPPLIER_COLUMNS = ("SIRET", "Raison sociale", "Adresse", "Code postal", "Commune", "Code INSEE",
                    "Catégorie entreprise", "Code NAF", "Statut", "Pays")

NATURE_LABELS = {"bon_de_commande": "Bon de commande", "marche": "Marché", "accord_cadre": "Accord-cadre",
                 "marche_subsequent": "Marché subséquent"}
PROCEDURE_LABELS = {
    "procedure_adaptee": ("Procédure adaptée", "Procédure adaptée", "Procédure adaptée", "MAPA"),
    "appel_offres_ouvert": ("Appel d'offres ouvert", "Appel d'offres ouvert", "AOO"),
    "appel_offres_restreint": ("Appel d'offres restreint",),
    "procedure_negociee": ("Procédure avec négociation",),
    "sans_publicite": ("Marché passé sans publicité ni mise en concurrence préalable",
                       "Sans publicité ni mise en concurrence"),
    "dialogue_competitif": ("Dialogue compétitif",),
    "concours": ("Concours",),
}
ENV_LABELS = {"clause": "Clause environnementale", "criterion": "Critère environnemental",
              "none": "Pas de considération environnementale"}
SOCIAL_LABELS = {"clause": "Clause sociale", "criterion": "Critère social", "reserved": "Marché réservé",
                 "none": "Pas de considération sociale"}
PLACE_TYPE_LABELS = {"commune": "Code commune", "postcode": "Code postal", "departement": "Code département"}
SIZE_LABELS = {"pme": "PME", "eti": "ETI", "ge": "GE"}
STATUS_LABELS = {"siae": "SIAE", "ea": "EA", "esat": "ESAT", "ess": "ESS", "none": "aucun"}

MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD/MM/YYYY"
NBSP, NNBSP = "\u00a0", "\u202f"


# ------------------------------------------------------------------------------------------ SIRET


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(prefix: str) -> str:
    """prefix + the digit that makes the whole Luhn-valid."""
    return next(prefix + str(d) for d in range(10) if luhn_ok(prefix + str(d)))


def make_siret(rng: random.Random, used: set[str]) -> str:
    """A fictional SIRET: Luhn-valid SIREN (9 digits) + NIC (5 digits), the 14 digits Luhn-valid."""
    while True:
        siren = luhn_complete(str(rng.randint(3, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(7)))
        nic = f"{rng.choice((0, 0, 0, 1, 2)) * 10 + rng.randint(1, 9):04d}"  # 0001-0029: first establishments
        siret = luhn_complete(siren + nic)
        if siret not in used and siren != "356000000":  # La Poste's SIRETs follow another rule
            used.add(siret)
            return siret


# ------------------------------------------------------------------------------------------ suppliers


@dataclass
class Supplier:
    siret: str  # "" for a foreign supplier
    name: str
    address: str
    postcode: str
    commune: str
    insee: str  # "" abroad
    country: str  # ISO code
    country_name: str
    band: str  # amp | region_sud | france | eu | outside
    size: str
    naf: str
    status: str  # siae | ea | esat | ess | none
    trade: str
    producer: bool = False  # sells its own produce (food): 0-1 intermediary


BANDS = ("amp", "region_sud", "france")
BAND_PLACES = {"amp": AMP_PLACES, "region_sud": REGION_SUD_PLACES, "france": FRANCE_PLACES}
LEGAL_FORMS = (("SAS", 40), ("SARL", 25), ("SA", 6), ("SASU", 9), ("EURL", 6), ("SCOP", 4), ("SNC", 2),
               ("", 8))
PRODUCER_NAF = re.compile(r"^(01|10)")
ASSOCIATION_NAF = {"9499Z", "8899B", "8810C"}


def _pick(rng: random.Random, weighted) -> object:
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights)[0]


def _address(rng: random.Random) -> str:
    street = f"{rng.randint(1, 260)} {rng.choice(STREET_TYPES)} {rng.choice(STREET_NAMES)}"
    if rng.random() < 0.3:
        return f"{rng.choice(BUSINESS_PARKS)} {rng.choice(BUSINESS_PARK_NAMES)}, {street}"
    return street


def build_suppliers(rng: random.Random) -> dict[str, list[Supplier]]:
    """The supplier pool, by trade. Built once and shared by the workbook and the CSV."""
    used_sirets: set[str] = set()
    used_names: set[str] = set()
    pools: dict[str, list[Supplier]] = {}
    for family in FAMILIES:
        band_weights = family["bands"][:3]
        for trade in dict.fromkeys(item[1] for item in family["items"]):
            naf_local, naf_national, names_local, names_national, count, statuses = TRADES[trade]
            pool = pools.setdefault(trade, [])
            for _ in range(count):
                band = rng.choices(BANDS, band_weights)[0]
                commune, insee, postcode, area = rng.choice(BAND_PLACES[band])
                national = (band == "france" and rng.random() < 0.7) or (band != "france" and rng.random() < 0.15)
                patterns = (names_national or names_local) if national else names_local
                status = "none"
                if statuses and band != "france" and rng.random() < 0.3:
                    status = rng.choice(statuses)
                    patterns = STATUS_NAMES[status]
                for _attempt in range(50):
                    geo, de_geo = rng.choice(AREA_WORDS[area])
                    pattern, _, naf = rng.choice(patterns).partition("|")  # "Boulangerie {nom}|1071C"
                    if status == "esat":
                        naf = "8810C"
                    naf = naf or rng.choice(naf_national if national else naf_local)
                    base = pattern.format(geo=geo, de_geo=de_geo, nom=rng.choice(SURNAMES))
                    if status != "none" or naf in ASSOCIATION_NAF or base.startswith("Association"):
                        name = base  # associations and social-economy bodies: no company form
                    else:
                        form = "SA" if base.startswith("Groupe") and rng.random() < 0.5 else _pick(rng, LEGAL_FORMS)
                        name = f"{base} {form}".strip()
                    if base.casefold() not in used_names:
                        break
                used_names.add(base.casefold())
                if status != "none":
                    size = "pme"
                elif base.startswith("Groupe"):
                    size = rng.choice(("ge", "ge", "eti"))
                else:
                    size = rng.choices(("pme", "eti", "ge"), family["sizes"])[0]
                    if size == "ge" and not (national and rng.random() < 0.4):
                        size = "eti"
                pool.append(Supplier(
                    siret=make_siret(rng, used_sirets), name=name, address=_address(rng), postcode=postcode,
                    commune=commune, insee=insee, country="FR", country_name="France", band=band, size=size,
                    naf=naf, status=status, trade=trade, producer=bool(PRODUCER_NAF.match(naf)),
                ))
    for name, city, postcode, iso, country, address, band, trade, naf, size in FOREIGN_SUPPLIERS:
        pools[trade].append(Supplier(
            siret="", name=name, address=address, postcode=postcode, commune=city, insee="", country=iso,
            country_name=country, band=band, size=size, naf=naf, status="none", trade=trade,
            producer=bool(PRODUCER_NAF.match(naf)),
        ))
    return pools


# ------------------------------------------------------------------------------------------ orders


@dataclass
class Framework:
    id: str
    trade: str
    supplier: Supplier
    procedure: str
    notified: dt.date
    env: tuple[str, ...] | None
    social: tuple[str, ...] | None


@dataclass
class Order:
    """One purchase with canonical values (as `procurement` should read them) plus rendering hints."""

    family: dict
    item: tuple
    nature: str
    values: dict[str, object] = field(default_factory=dict)
    supplier: Supplier | None = None
    framework: Framework | None = None
    hints: set[str] = field(default_factory=set)
    row: int = 0  # Excel row once written
    note: str = ""  # why this row is special (rule trigger), for the README

    @property
    def cpv(self) -> str:
        return self.item[0]

    @property
    def flags(self) -> set[str]:
        return set(self.item[3].split())

    @property
    def kind(self) -> str:
        c = self.cpv
        if c.startswith("45"):
            return "travaux"
        return "fournitures" if int(c[:2]) <= 44 or c.startswith("48") else "services"


def loguniform(rng: random.Random, lo: float, hi: float) -> float:
    return math.exp(rng.uniform(math.log(lo), math.log(hi)))


def cents(x: float) -> float:
    return round(x, 2)


def weekday(d: dt.date) -> dt.date:
    while d.weekday() >= 5:
        d += dt.timedelta(days=1)
    return d


def share(x: float) -> float:
    """A percentage that no reader can take for a 0-1 fraction: 0, or above 1."""
    x = round(max(0.0, min(100.0, x)))
    return 2.0 if 0 < x <= 1 else float(x)


class OrderFactory:
    """Draws realistic orders for one file from the shared supplier pool."""

    def __init__(self, rng: random.Random, pools: dict[str, list[Supplier]], year: int = 2025):
        self.rng = rng
        self.pools = pools
        self.year = year
        self.frameworks: dict[str, list[Framework]] = {}
        self.external_seq = rng.randint(40, 120)

    # -- drawing helpers
    def family(self) -> dict:
        return self.rng.choices(FAMILIES, [f["weight"] for f in FAMILIES])[0]

    def item(self, family: dict, natures: str | None = None) -> tuple:
        items = [i for i in family["items"] if natures is None or any(n in i[2] for n in natures)]
        return self.rng.choices(items, [len(i[2]) for i in items])[0]  # long bags: frequent purchases

    def date_in_year(self) -> dt.date:
        d = dt.date(self.year, 1, 2) + dt.timedelta(days=self.rng.randint(0, 360))
        return min(weekday(d), dt.date(self.year, 12, 31))

    def supplier(self, trade: str, big: bool = False) -> Supplier:
        pool = self.pools[trade]
        if big:  # large contracts go mostly to larger firms
            weights = [0 if s.status != "none" else {"pme": 0.3, "eti": 4, "ge": 6}[s.size] for s in pool]
            return self.rng.choices(pool, weights)[0]
        return self.rng.choice(pool)

    def place(self, order: Order, template: str) -> dict[str, str]:
        rng = self.rng
        name, insee = rng.choice(EXECUTION_PLACES[:7]) if rng.random() < 0.3 else rng.choice(EXECUTION_PLACES)
        territoire = rng.choice(TERRITOIRES)
        v = order.values
        r = rng.random()
        if "{territoire}" in template and "{lieu}" not in template and r < 0.7:
            v["place_code"], v["place_type"] = ("84" if insee == "84089" else "13"), "departement"
        elif r < 0.8:
            v["place_code"], v["place_type"] = insee, "commune"
        elif r < 0.9:
            v["place_code"], v["place_type"] = EXECUTION_POSTCODES[insee], "postcode"
        elif r < 0.95:
            v["place_code"], v["place_type"] = insee, None  # code without its type
        batiment, du_batiment = rng.choice(BUILDINGS)
        return {"lieu": name, "territoire": territoire, "rue": rng.choice(STREETS), "batiment": batiment,
                "du_batiment": du_batiment, "parc": rng.choice(PARKS), "n": str(rng.randint(1, 6))}

    def object_text(self, order: Order) -> str:
        template = self.rng.choice(order.item[4])
        words = self.place(order, template)
        text = template.format(**words)
        text = re.sub(r"\bde Les ", "des ", text)
        return re.sub(r"\bde ([AEIOUYÉÈÊÂÎÔ])", r"d'\1", text)  # "de Aix" -> "d'Aix"

    # -- frameworks
    def framework_for(self, trade: str, when: dt.date) -> Framework:
        rng = self.rng
        known = [f for f in self.frameworks.get(trade, []) if f.notified < when]
        if known and rng.random() < 0.7:
            return rng.choice(known)
        self.external_seq += rng.randint(1, 9)
        year = rng.choice((2023, 2024, 2024))
        fw = Framework(
            id=f"AC{year % 100}-{self.external_seq:04d}", trade=trade, supplier=self.supplier(trade),
            procedure=rng.choice(("appel_offres_ouvert", "appel_offres_ouvert", "procedure_adaptee")),
            notified=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            env=rng.choice((("clause",), ("clause", "criterion"), ("none",), None)),
            social=rng.choice((("clause",), ("none",), ("none",), None)),
        )
        self.frameworks.setdefault(trade, []).append(fw)
        return fw

    # -- amounts and procedures
    def amount_and_procedure(self, order: Order) -> None:
        rng, v, kind, flags = self.rng, order.values, order.kind, order.flags
        nature = order.nature
        works = kind == "travaux"
        if nature == "bon_de_commande":
            if order.framework:
                amount = loguniform(rng, 2_000, 180_000) if works else loguniform(rng, 300, 60_000)
                procedure = order.framework.procedure
            else:
                amount = loguniform(rng, 1_000, 95_000) if works else loguniform(rng, 200, 38_000)
                procedure = _pick(rng, (("sans_publicite", 65), ("procedure_adaptee", 25), (None, 10)))
            if "food" in flags:
                amount = min(amount, loguniform(rng, 150, 18_000))
        elif nature == "marche_subsequent":
            amount = loguniform(rng, 15_000, 480_000)
            procedure = order.framework.procedure if order.framework else "appel_offres_ouvert"
        else:
            big = "big" in flags
            if big:
                amount = loguniform(rng, 1_500_000, 40_000_000)
                tier = "formal"
            elif works:
                major = "major" in flags  # only large works may exceed the EU works threshold
                tier = _pick(rng, (("small", 20), ("mapa", 70), ("formal", 10 if major else 0)))
                amount = {"small": lambda: loguniform(rng, 25_000, 99_000),
                          "mapa": lambda: loguniform(rng, 100_000, 5_200_000 if major else 2_500_000),
                          "formal": lambda: loguniform(rng, 5_700_000, 22_000_000)}[tier]()
            else:
                modest = bool(flags & {"food", "catering"}) or order.family["service"] == "social"
                tier = _pick(rng, (("mapa", 75 if modest else 62), ("formal", 25 if modest else 38)))
                hi = 4_500_000 if "large" in flags else 950_000
                amount = loguniform(rng, 40_000, 214_000) if tier == "mapa" else loguniform(rng, 230_000, hi)
            if nature == "accord_cadre":
                amount = round(amount * rng.uniform(1.1, 1.8), -3)  # a maximum, above the expected spend
                if not works and tier == "mapa" and amount >= 215_000:
                    amount = 210_000.0
                if works and tier == "mapa" and amount >= 5_300_000:
                    amount = 5_000_000.0
            if tier == "small":
                procedure = rng.choice(("sans_publicite", "procedure_adaptee", "procedure_adaptee"))
            elif tier == "mapa":
                procedure = "procedure_adaptee" if not works or rng.random() < 0.85 else "appel_offres_ouvert"
            else:
                procedure = _pick(rng, (("appel_offres_ouvert", 80), ("appel_offres_restreint", 10),
                                        ("procedure_negociee", 5), ("dialogue_competitif", 5)))
                if procedure == "dialogue_competitif" and order.family["service"] != "si":
                    procedure = "appel_offres_ouvert"
                if procedure == "procedure_negociee" and kind != "services":
                    procedure = "appel_offres_ouvert"
                if order.cpv == "71240000":
                    procedure = "concours"
        v["amount"] = cents(amount)
        v["procedure"] = procedure

    # -- one order
    def make(self, nature: str, family: dict | None = None, item: tuple | None = None,
             planned_launch: dt.date | None = None) -> Order:
        rng = self.rng
        family = family or self.family()
        item = item or self.item(family, nature[0] if nature != "marche_subsequent" else "s")
        order = Order(family=family, item=item, nature=nature)
        v = order.values
        v["buyer_name"] = SERVICES[family["service"]]
        v["cpv"] = item[0]
        v["object"] = self.object_text(order)
        trade = item[1]
        notified = None if planned_launch else self.date_in_year()
        if nature in {"bon_de_commande", "marche_subsequent"} and notified:
            attach = nature == "marche_subsequent" or ("a" in item[2] and rng.random() < 0.6) or rng.random() < 0.2
            if attach:
                order.framework = self.framework_for(trade, notified)
        self.amount_and_procedure(order)
        if planned_launch is None:
            big = v["amount"] >= 1_000_000
            order.supplier = order.framework.supplier if order.framework else self.supplier(trade, big)
        v["notification_date"] = notified
        self.dates_and_duration(order, notified, planned_launch)
        if order.framework:
            v["framework_id"] = order.framework.id
        self.competition(order)
        self.considerations(order, planned_launch)
        self.sustainability(order)
        if nature == "accord_cadre" and notified:
            self.frameworks.setdefault(trade, []).append(Framework(
                id="", trade=trade, supplier=order.supplier, procedure=v["procedure"] or "procedure_adaptee",
                notified=notified, env=v.get("env_considerations"), social=v.get("social_considerations")))
            order.hints.add("framework")
        return order

    def dates_and_duration(self, order: Order, notified: dt.date | None, planned: dt.date | None) -> None:
        rng, v, nature, flags = self.rng, order.values, order.nature, order.flags
        if planned:
            v["launch_date"] = planned
        elif nature in {"marche", "accord_cadre"}:
            if rng.random() < 0.92:
                lead = rng.randint(60, 240) if (order.kind == "travaux" or "big" in flags) else rng.randint(30, 150)
                v["launch_date"] = weekday(notified - dt.timedelta(days=lead))
        elif nature == "marche_subsequent":
            if rng.random() < 0.6:
                v["launch_date"] = weekday(notified - dt.timedelta(days=rng.randint(10, 40)))
        elif v["procedure"] == "procedure_adaptee" and not order.framework and rng.random() < 0.4:
            v["launch_date"] = weekday(notified - dt.timedelta(days=rng.randint(5, 30)))
        if v.get("launch_date") and notified and v["launch_date"] >= notified:
            v["launch_date"] = notified - dt.timedelta(days=7)
        if nature == "bon_de_commande":
            v["duration_months"] = 1 if rng.random() < 0.2 else None
        elif nature == "accord_cadre":
            v["duration_months"] = rng.choice((12, 24, 36, 48, 48))
        elif nature == "marche_subsequent":
            v["duration_months"] = rng.randint(2, 18)
        elif "big" in flags and order.kind == "services":
            v["duration_months"] = rng.choice((60, 72, 84, 96))
        elif order.kind == "travaux":
            v["duration_months"] = rng.randint(2, 24)
        elif order.kind == "fournitures":
            v["duration_months"] = rng.randint(1, 12)
        else:
            v["duration_months"] = rng.choice((12, 12, 24, 36, 48))

    def competition(self, order: Order) -> None:
        rng, v = self.rng, order.values
        if order.nature in {"marche", "accord_cadre"}:
            many = "food" in order.flags or "catering" in order.flags
            v["lots"] = 1 if rng.random() < 0.6 else rng.randint(3, 12) if many else rng.randint(2, 8)
            v["innovative"] = _pick(rng, ((False, 88), (True, 4), (None, 8)))
        if order.nature in {"marche", "accord_cadre", "marche_subsequent"} and v["notification_date"]:
            v["offers_received"] = 1 if v["procedure"] == "sans_publicite" else max(1, round(rng.gauss(4, 2.5)))

    def considerations(self, order: Order, planned: dt.date | None) -> None:
        rng, v, flags = self.rng, order.values, order.flags
        amount = v["amount"] or 0
        status = order.supplier.status if order.supplier else "none"
        if order.nature == "bon_de_commande":
            if rng.random() < 0.55:
                return
            if order.framework and rng.random() < 0.7:
                v["env_considerations"], v["social_considerations"] = order.framework.env, order.framework.social
                return
            v["env_considerations"] = ("clause",) if rng.random() < 0.2 else ("none",)
            v["social_considerations"] = ("none",)
            return
        formal = v["procedure"] not in {"procedure_adaptee", "sans_publicite", None}
        after_law = planned is not None and planned >= CLIMATE_LAW_DATE
        env = []
        if rng.random() < (0.8 if after_law else 0.62):
            env.append("clause")
        if rng.random() < (0.75 if after_law else 0.6 if formal else 0.35):
            env.append("criterion")
        social = []
        if status in {"siae", "ea", "esat"} and rng.random() < 0.6:
            social.append("reserved")
        elif rng.random() < (0.55 if "labour" in flags and amount >= 90_000 else 0.15):
            social.append("clause")
        if rng.random() < 0.08:
            social.append("criterion")
        v["env_considerations"] = tuple(env) or ("none",)
        v["social_considerations"] = tuple(social) or ("none",)
        if rng.random() < 0.08:
            v["env_considerations"] = None
        if rng.random() < 0.1:
            v["social_considerations"] = None
        if "clause" in social and "labour" in flags and rng.random() < 0.85:
            v["insertion_hours"] = float(min(15_000, max(35, round(amount / 1000 * rng.uniform(2.5, 6), -1))))
        if (formal or (order.nature == "accord_cadre" and rng.random() < 0.5)) and rng.random() < 0.65:
            self.criteria(order)

    def criteria(self, order: Order) -> None:
        rng, v = self.rng, order.values
        env = v.get("env_considerations") or ()
        if "criterion" in env:
            e = rng.choice((10, 15, 20, 25))
            p = rng.choice((40, 50, 60))
            second = "Délai d'intervention" if order.kind == "travaux" else "Valeur technique"
            v["award_criteria"] = f"Prix ({p} %), {second} ({100 - p - e} %), Performance environnementale ({e} %)"
            v["price_weight"], v["env_weight"] = float(p), float(e)
        elif rng.random() < 0.15:
            v["award_criteria"] = "Prix (100 %)"
            v["price_weight"] = 100.0
        else:
            p = rng.choice((40, 50, 60, 70))
            v["award_criteria"] = f"Prix ({p} %), Valeur technique ({100 - p} %)"
            v["price_weight"] = float(p)

    def sustainability(self, order: Order) -> None:
        rng, v, flags, s = self.rng, order.values, order.flags, order.supplier
        if "recyc" in flags and rng.random() < 0.7:
            if "reconditionn" in v["object"]:
                v["recycled_share"] = 100.0
            elif order.cpv in {"44113600", "14212200", "45233222"}:
                v["recycled_share"] = share(rng.uniform(10, 40))
            else:
                v["recycled_share"] = share(rng.choice((0, 0, rng.uniform(5, 45))))
        if "food" in flags and rng.random() < 0.85:
            if s and s.producer and s.name.startswith("Bio "):
                organic = 100.0
            elif s and s.producer:
                organic = rng.choice((0, 20, 35, 50, 100))
            else:
                organic = rng.uniform(0, 30)
            if re.search(r"\bbio\b", v["object"]):
                organic = max(organic, rng.uniform(70, 100))
            v["organic_share"] = share(organic)
            labelled = any(w in v["object"] for w in ("Label Rouge", "AOP", "fermière", "Provence"))
            v["egalim_share"] = share(max(organic, rng.uniform(80, 100) if labelled else organic + rng.uniform(0, 45)))
            if "meat" in flags:
                v["meat_fish_egalim_share"] = share(rng.uniform(20, 100))
            if s and rng.random() < 0.8:
                if s.band in {"eu", "outside"}:
                    v["intermediaries"] = rng.choice((2, 3))
                elif s.producer:
                    v["intermediaries"] = rng.choice((0, 0, 0, 1))
                else:
                    v["intermediaries"] = rng.choice((1, 2, 2, 3))
                lo, hi = {"amp": (4, 60), "region_sud": (50, 260), "france": (250, 950)}.get(s.band, (350, 1250))
                v["delivery_km"] = float(rng.randint(lo, hi))
        if "catering" in flags and order.nature != "bon_de_commande" and rng.random() < 0.8:
            organic = rng.uniform(12, 45)
            v["organic_share"] = share(organic)
            v["egalim_share"] = share(organic + rng.uniform(15, 40))
            v["meat_fish_egalim_share"] = share(rng.uniform(35, 80))


def generate_orders(rng: random.Random, pools: dict[str, list[Supplier]], count: int) -> list[Order]:
    """`count` orders: accords-cadres first (so that orders can call them off), then the rest, then
    consultations planned for 2026; sorted as the finance tool lists them and numbered."""
    f = OrderFactory(rng, pools)
    n_frameworks = round(count * 0.06)
    n_planned = round(count * 0.05)
    orders: list[Order] = []
    for _ in range(n_frameworks):
        family = f.family()
        orders.append(f.make("accord_cadre", family, f.item(family, "a")))
    while len(orders) < count - n_planned:
        family = f.family()
        item = f.item(family)
        letter = rng.choice(item[2].replace("a", "s"))  # accords-cadres were drawn above; call them off
        nature = {"b": "bon_de_commande", "m": "marche", "s": "marche_subsequent"}[letter]
        orders.append(f.make(nature, family, item))
    for i in range(n_planned):
        # Consultations programmed for 2026, about half launched after the Climate law date.
        launch = weekday(dt.date(2026, 2, 2) + dt.timedelta(days=round(300 * (i + rng.random()) / n_planned)))
        family = f.family()
        nature = rng.choice(("marche", "marche", "accord_cadre"))
        item = f.item(family, "m" if nature == "marche" else "ma")
        o = f.make(nature, family, item, planned_launch=launch)
        o.values["object"] += " (2027-2030)" if launch >= CLIMATE_LAW_DATE else " (2026-2029)"
        o.hints.add("planned")
        orders.append(o)
    # Listed by notification date (planned consultations last, by launch date), then numbered.
    orders.sort(key=lambda o: (o.values["notification_date"] is None,
                               o.values["notification_date"] or o.values["launch_date"], o.cpv))
    seq = {"bon_de_commande": rng.randint(1200, 1900), "marche": rng.randint(10, 60),
           "accord_cadre": rng.randint(1, 9), "marche_subsequent": rng.randint(1, 9), "planned": 0}
    prefix = {"bon_de_commande": "BC25-{:05d}", "marche": "25M{:04d}", "accord_cadre": "AC25-{:04d}",
              "marche_subsequent": "25MS{:03d}", "planned": "CONS26-{:03d}"}
    for o in orders:
        key = "planned" if "planned" in o.hints else o.nature
        seq[key] += rng.randint(1, 7) if key == "bon_de_commande" else 1
        o.values["id"] = prefix[key].format(seq[key])
    # Frameworks notified in the file take their id now; orders calling them off point to it.
    for trade_frameworks in f.frameworks.values():
        for fw in trade_frameworks:
            if not fw.id:
                fw.id = next(o.values["id"] for o in orders
                             if o.nature == "accord_cadre" and o.values["notification_date"] == fw.notified
                             and o.supplier is fw.supplier)
    for o in orders:
        if o.framework:
            o.values["framework_id"] = o.framework.id
    return orders


# ------------------------------------------------------------------------------------------ rule triggers


def plant_triggers(orders: list[Order], rng: random.Random) -> None:
    """Rows that are valid data but should make rules fire. Documented in the README."""

    def pick(pred, note):
        candidates = [o for o in orders if not o.note and pred(o)]
        o = rng.choice(candidates)
        o.note = note
        return o

    o = pick(lambda o: o.nature == "marche" and o.kind != "travaux" and o.values["notification_date"]
             and "big" not in o.flags, "« sans publicité » à 150 000 € (fournitures/services)")
    o.values.update(amount=150_000.0, procedure="sans_publicite", offers_received=1, lots=1)
    o = pick(lambda o: o.nature == "marche" and o.kind != "travaux" and o.values["notification_date"]
             and "big" not in o.flags, "MAPA à 320 000 € (au-dessus du seuil européen)")
    o.values.update(amount=320_000.0, procedure="procedure_adaptee")
    o = pick(lambda o: o.nature == "bon_de_commande" and not o.framework and o.kind != "travaux",
             "bon de commande hors marché de 62 400 € sans publicité")
    o.values.update(amount=62_400.0, procedure="sans_publicite")
    for text in ("Prix (60 %), Valeur technique (30 %), Proximité géographique de l'entreprise (10 %)",
                 "Prix (50 %), Valeur technique (40 %), Implantation locale du fournisseur (10 %)"):
        o = pick(lambda o: o.nature in {"marche", "accord_cadre"} and o.values["notification_date"],
                 "critère d'attribution géographique (localisme)")
        o.values.update(award_criteria=text, price_weight=float(text[6:8]), env_weight=None)
    o = pick(lambda o: "planned" in o.hints and o.values["launch_date"] >= CLIMATE_LAW_DATE,
             "consultation lancée après le 21/08/2026 avec le prix pour seul critère")
    o.values.update(env_considerations=("none",), award_criteria="Prix (100 %)", price_weight=100.0,
                    env_weight=None)
    o = pick(lambda o: o.nature == "marche" and o.kind == "services" and o.values["notification_date"]
             and "labour" in o.flags and (o.values["amount"] or 0) >= 230_000,
             "service au-dessus du seuil européen sans considération sociale")
    o.values.update(social_considerations=("none",), insertion_hours=None)
    o = pick(lambda o: "food" in o.flags and o.nature == "bon_de_commande" and o.supplier
             and o.supplier.band == "amp",
             "denrées : part bio 5 %, EGAlim 12 %")
    o.values.update(organic_share=5.0, egalim_share=12.0)
    # Splitting: five purchase orders for laptops from one supplier, outside any framework, 2025.
    si = [o for o in orders if o.nature == "bon_de_commande" and o.item[1] == "materiel_si" and not o.note]
    laptops = next(i for f in FAMILIES for i in f["items"] if i[0] == "30213100")
    split = rng.sample(si, 5)
    for o in split:
        o.item, o.supplier, o.framework = laptops, split[0].supplier, None
        o.note = "fractionnement : 5 bons de commande d'ordinateurs portables au même fournisseur (≈ 180 k€)"
        o.values.update(cpv="30213100", object="Fourniture d'ordinateurs portables", procedure="sans_publicite",
                        amount=cents(rng.uniform(33_000, 39_500)), framework_id=None)


# ------------------------------------------------------------------------------------------ rendering


@dataclass
class CellSpec:
    value: object
    number_format: str | None = None
    as_text: bool = False  # keep a text beginning with "=" as text, not a formula


def _fr_number(x: float, decimals: int = 2, sep: str = NBSP) -> str:
    s = f"{x:,.{decimals}f}".replace(",", "\x00").replace(".", ",").replace("\x00", sep)
    return s


def render_xlsx_row(o: Order, rng: random.Random) -> dict[str, CellSpec]:
    v, s = o.values, o.supplier
    cells: dict[str, CellSpec] = {}
    cells["id"] = CellSpec(v["id"])
    cells["buyer_name"] = CellSpec(v["buyer_name"])
    cells["object"] = CellSpec(v["object"])
    cells["nature"] = CellSpec(NATURE_LABELS[o.nature] if o.nature != "accord_cadre" or rng.random() < 0.8
                               else "Accord cadre")
    if v["procedure"]:
        cells["procedure"] = CellSpec(rng.choice(PROCEDURE_LABELS[v["procedure"]]))
    code, check = o.cpv, CPV[o.cpv][0]
    r = rng.random()
    if r < 0.5:
        cells["cpv"] = CellSpec(code)
    elif r < 0.78:
        cells["cpv"] = CellSpec(f"{code}-{check}")
    elif r < 0.85:
        cells["cpv"] = CellSpec(f"{code}-{check} {CPV[code][1]}")
    else:
        cells["cpv"] = CellSpec(int(code), "0") if not code.startswith("0") else CellSpec(code)
    if v["amount"] is not None:
        cells["amount"] = CellSpec(v["amount"], MONEY_FORMAT)
    for name in ("launch_date", "notification_date"):
        if v.get(name):
            cells[name] = CellSpec(v[name], DATE_FORMAT)
    if v.get("duration_months"):
        cells["duration_months"] = CellSpec(v["duration_months"])
    if v.get("place_code"):
        pc = v["place_code"]
        cells["place_code"] = CellSpec(int(pc) if v["place_type"] == "postcode" and rng.random() < 0.5 else pc)
        if v.get("place_type"):
            cells["place_type"] = CellSpec(PLACE_TYPE_LABELS[v["place_type"]])
    if s:
        cells["supplier_name"] = CellSpec(s.name)
        if s.siret:
            cells["supplier_siret"] = CellSpec(int(s.siret), "0") if rng.random() < 0.1 else CellSpec(s.siret)
        sparse = rng.random() < 0.25  # older rows: postcode, NAF and size left for the directory
        if not sparse:
            pc = s.postcode
            cells["supplier_postcode"] = CellSpec(int(pc) if rng.random() < 0.3 and not pc.startswith("0")
                                                  and s.country == "FR" else pc)
            cells["supplier_naf"] = CellSpec(s.naf if rng.random() < 0.75 else f"{s.naf[:2]}.{s.naf[2:]}")
            cells["supplier_size"] = CellSpec(SIZE_LABELS[s.size])
        if s.country != "FR":
            cells["supplier_country"] = CellSpec(s.country_name if rng.random() < 0.6 else s.country)
        elif rng.random() < 0.8:
            cells["supplier_country"] = CellSpec("France" if rng.random() < 0.7 else "FR")
        if s.status != "none":
            cells["supplier_status"] = CellSpec(STATUS_LABELS[s.status])
    if v.get("framework_id"):
        cells["framework_id"] = CellSpec(v["framework_id"])
    for name in ("lots", "offers_received", "intermediaries"):
        if v.get(name) is not None:
            cells[name] = CellSpec(v[name])
    if v.get("innovative") is not None:
        cells["innovative"] = CellSpec("Oui" if v["innovative"] else "Non")
    if v.get("env_considerations"):
        cells["env_considerations"] = CellSpec(", ".join(ENV_LABELS[c] for c in v["env_considerations"]))
    if v.get("social_considerations"):
        cells["social_considerations"] = CellSpec(", ".join(SOCIAL_LABELS[c] for c in v["social_considerations"]))
    if v.get("award_criteria"):
        cells["award_criteria"] = CellSpec(v["award_criteria"])
    percent_cells = rng.random() < 0.05  # typed in Excel percent cells: 0.35 shown as 35 %
    for name in ("price_weight", "env_weight", "recycled_share", "organic_share", "egalim_share",
                 "meat_fish_egalim_share"):
        x = v.get(name)
        if x is None:
            continue
        cells[name] = CellSpec(x / 100, "0%") if percent_cells and x > 0 else CellSpec(int(x) if x.is_integer() else x)
    if v.get("insertion_hours") is not None:
        cells["insertion_hours"] = CellSpec(int(v["insertion_hours"]))
    if v.get("delivery_km") is not None:
        cells["delivery_km"] = CellSpec(int(v["delivery_km"]))
    return cells


# ------------------------------------------------------------------------------------------ broken rows


@dataclass
class Broken:
    key: str
    what: str  # what is wrong, in French, for the README
    expected: str  # expected outcome
    row: int = 0  # Excel row (xlsx) or line (CSV), filled when written
    id: str = ""


def _blank_id(c, o):
    c.pop("id", None)


def _spaced(siret: str) -> str:
    return f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"


# Deliberately broken rows. Each entry documents itself: (key, what is wrong, expected outcome under the
# policy of procurement/validate.py, which generated rows may carry it, how the cells are broken). They
# are spread through the file by _place_broken, never on a rule-trigger row, and their Excel rows are
# written to samples/README.md; tests/test_samples.py runs them through the readers and checks the outcome.
# Besides these: one entirely blank row after data index BLANK_ROW_AFTER (skipped by readers), and the
# hidden row (a valid row that Excel does not show).
XLSX_BROKEN: tuple[tuple[str, str, str, object, object], ...] = (
    # (key, what is wrong, expected outcome, which rows qualify, how to break the cells)
    ("amount_text", "Montant « à définir » (texte)", "rejetée : montant illisible (not_a_number)",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount=CellSpec("à définir"))),
    ("amount_negative", "Montant négatif -3 450,00 € (un avoir saisi comme commande)",
     "rejetée : montant négatif (negative_amount)",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount=CellSpec(-3450.0, MONEY_FORMAT))),
    ("date_impossible", "Date de notification « 31/02/2025 » (texte, date impossible)",
     "gardée avec avertissement : date mise de côté (impossible_date)",
     lambda o: o.values["notification_date"] is not None,
     lambda c, o: c.update(notification_date=CellSpec("31/02/2025"))),
    ("cpv_word", "Code CPV « voirie » (un mot au lieu d'un code)", "rejetée : code CPV illisible (cpv_format)",
     lambda o: o.family["service"] == "voirie",
     lambda c, o: c.update(cpv=CellSpec("voirie"))),
    ("cpv_lost_zero", "Code CPV 3221000 saisi comme nombre : le zéro initial de 03221000 est perdu",
     "gardée : lue comme 03221000 (Légumes)",
     lambda o: o.cpv == "03221000",
     lambda c, o: c.update(cpv=CellSpec(3221000, "0"))),
    ("siret_spaces", "SIRET écrit avec des espaces", "gardée : SIRET lu sans les espaces",
     lambda o: o.supplier is not None and o.supplier.siret,
     lambda c, o: (c.update(supplier_siret=CellSpec(_spaced(o.supplier.siret))),
                   f"« {_spaced(o.supplier.siret)} »")[1]),
    ("siret_luhn", "SIRET à 14 chiffres dont la clé de Luhn est fausse (dernier chiffre modifié)",
     "gardée avec avertissement siret_checksum",
     lambda o: o.supplier is not None and o.supplier.siret,
     lambda c, o: c.update(supplier_siret=CellSpec(
         o.supplier.siret[:13] + str((int(o.supplier.siret[13]) + 1) % 10)))),
    ("missing_id", "N° de commande vide", "rejetée : identifiant manquant (missing_id)",
     lambda o: True, _blank_id),
    ("nature_unknown", "Nature « devis » (hors liste)", "rejetée : nature inconnue",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(nature=CellSpec("devis"))),
    ("percent_140", "Part EGAlim 140 %", "rejetée : pourcentage hors de 0-100 (percent_range)",
     lambda o: "egalim_share" in o.values and o.values["egalim_share"] is not None,
     lambda c, o: c.update(egalim_share=CellSpec(140))),
    ("hidden_row", "Ligne masquée dans le classeur (données valides)",
     "gardée avec avertissement hidden_row (lue comme les autres)",
     lambda o: o.nature == "bon_de_commande", None),
    ("formula_amount", "Montant saisi comme formule =1200*12 ; openpyxl n'écrit pas de valeur calculée en cache",
     "gardée : montant inconnu (la cellule se lit vide sans valeur en cache ; 14 400 si Excel a recalculé "
     "et enregistré le classeur)",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount=CellSpec("=1200*12", MONEY_FORMAT))),
    ("script_object", "Objet contenant `<script>alert(1)</script>`",
     "gardée : le texte doit apparaître tel quel (échappé) dans les rapports HTML",
     lambda o: True,
     lambda c, o: c.update(object=CellSpec("<script>alert(1)</script> " + o.values["object"]))),
    ("formula_injection", "Fournisseur `=HYPERLINK(\"http://x\",\"clic\")` écrit comme texte (injection de formule)",
     "gardée : nom lu comme texte ; les exports CSV/XLSX doivent le neutraliser (préfixe ')",
     lambda o: o.supplier is not None,
     lambda c, o: c.update(supplier_name=CellSpec('=HYPERLINK("http://x","clic")', as_text=True))),
    ("postcode_lost_zero", "Code postal saisi comme nombre : le zéro initial est perdu",
     "gardée : code postal lu sur 4 chiffres ; l'enrichissement doit le compléter ou laisser la localisation "
     "inconnue",
     lambda o: o.supplier is not None and o.supplier.country == "FR" and o.supplier.postcode.startswith("0"),
     lambda c, o: (c.update(supplier_postcode=CellSpec(int(o.supplier.postcode))),
                   f"{int(o.supplier.postcode)} pour {o.supplier.postcode} {o.supplier.commune}")[1]),
    ("amount_as_text", "Montant saisi comme texte « 12 500,00 € » (espace insécable)",
     "gardée : montant lu 12 500,00",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount=CellSpec(f"12{NBSP}500,00 €"))),
)
BLANK_ROW_AFTER = 250  # data index after which an empty row is inserted

# The CSV's broken rows, same layout; "truncate" cuts the row after its 8th field.
CSV_BROKEN: tuple[tuple[str, str, str, object, object], ...] = (
    ("amount_nc", "Montant « NC » (non communiqué)",
     "gardée avec avertissement : montant inconnu (placeholder_amount, qui cite « NC »)",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount="NC")),
    ("date_impossible", "Date de notification « 30/02/2025 »",
     "gardée avec avertissement : date mise de côté (impossible_date)",
     lambda o: o.values["notification_date"] is not None,
     lambda c, o: c.update(notification_date="30/02/2025")),
    ("siret_13", "SIRET de 13 chiffres (un chiffre oublié à la saisie)",
     "gardée avec avertissement : SIRET mis de côté (siret_length)",
     lambda o: o.supplier is not None and o.supplier.siret,
     lambda c, o: c.update(supplier_siret=o.supplier.siret[:6] + o.supplier.siret[7:])),
    ("short_row", "Ligne tronquée : seules les 8 premières colonnes (jusqu'au montant) sont présentes",
     "gardée : les colonnes manquantes sont inconnues",
     lambda o: o.nature == "bon_de_commande", "truncate"),
    ("amount_words", "Montant « environ 8000 »", "rejetée : montant illisible (not_a_number)",
     lambda o: o.nature == "bon_de_commande",
     lambda c, o: c.update(amount="environ 8000")),
)


def _place_broken(orders: list[Order], specs, start: int = 5) -> list[tuple[int, tuple]]:
    """Spread the broken rows through the file: one target index per spec, first qualifying row after it."""
    taken: set[int] = set()
    placed = []
    n = len(orders)
    for k, spec in enumerate(specs):
        target = start + round(k * (n - 2 * start) / len(specs))
        for j in list(range(target, n)) + list(range(0, target)):
            o = orders[j]
            if j not in taken and not o.note and "planned" not in o.hints and spec[3](o):
                taken.add(j)
                placed.append((j, spec))
                break
        else:
            raise RuntimeError(f"no row qualifies for broken case {spec[0]}")
    return placed


# ------------------------------------------------------------------------------------------ writers


def write_xlsx(orders: list[Order], rng: random.Random, path: Path) -> list[Broken]:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.writer.excel import ExcelWriter

    rows = [render_xlsx_row(o, rng) for o in orders]
    broken: dict[int, Broken] = {}
    for j, (key, what, expected, _pred, mutate) in _place_broken(orders, XLSX_BROKEN):
        detail = mutate(rows[j], orders[j]) if mutate is not None else None
        if detail:
            what = f"{what} ({detail})"
        broken[j] = Broken(key, what, expected, id=str(rows[j].get("id", CellSpec("")).value or ""))
    # A few valid dates typed as text, as users do.
    text_dates = [j for j, o in enumerate(orders) if o.values["notification_date"] and j not in broken]
    for j in rng.sample(text_dates, 6):
        rows[j]["notification_date"] = CellSpec(orders[j].values["notification_date"].strftime("%d/%m/%Y"))

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ncols = len(XLSX_COLUMNS)
    last = get_column_letter(ncols)
    for r, text in enumerate(TITLE_ROWS, start=1):
        if text is None:
            continue
        ws.cell(r, 1, text)
        ws.merge_cells(f"A{r}:{last}{r}")
    ws["A1"].font = Font(bold=True, size=14, color="1F3864")
    ws["A2"].font = Font(bold=True, size=12)
    ws["A3"].font = Font(italic=True, size=10, color="595959")
    thin = Side(style="thin", color="808080")
    for c, (header, _field) in enumerate(XLSX_COLUMNS, start=1):
        cell = ws.cell(HEADER_ROW, c, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E78")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        ws.column_dimensions[get_column_letter(c)].width = {"object": 60, "supplier_name": 38, "buyer_name": 44,
                                                            "award_criteria": 50, "env_considerations": 34,
                                                            "social_considerations": 28}.get(_field, 16)
    ws.row_dimensions[HEADER_ROW].height = 45
    excel_row = HEADER_ROW
    for j, cells in enumerate(rows):
        excel_row += 1
        orders[j].row = excel_row
        for c, (_header, name) in enumerate(XLSX_COLUMNS, start=1):
            spec = cells.get(name)
            if spec is None:
                continue
            cell = ws.cell(excel_row, c)
            cell.value = spec.value
            if spec.as_text:
                cell.data_type = "s"
            if spec.number_format:
                cell.number_format = spec.number_format
        if j in broken:
            broken[j].row = excel_row
            if broken[j].key == "hidden_row":
                ws.row_dimensions[excel_row].hidden = True
        if j == BLANK_ROW_AFTER:
            excel_row += 1  # an empty row in the middle of the data
            broken[-1] = Broken("blank_row", "Ligne entièrement vide au milieu des données",
                                "ignorée : ni commande ni rejet (note blank_rows:1)", row=excel_row)
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 4)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{excel_row}"

    wb.properties.creator = "Service des achats"
    wb.properties.title = "Extraction des commandes et marchés 2025"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()  # save_workbook() would stamp the current time
    path.write_bytes(_stable_zip(buffer.getvalue()))
    return sorted(broken.values(), key=lambda b: b.row)


def _stable_zip(data: bytes) -> bytes:
    """The same archive with fixed member timestamps, so that two runs give identical bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o600 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def _csv_amount(x: float, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.5:
        return _fr_number(x, 2, NBSP)
    if r < 0.6:
        return _fr_number(x, 2, NNBSP)
    if r < 0.95:
        return _fr_number(x, 2, "")
    return _fr_number(x, 2, ".")  # "14.700,00": dot thousands, comma decimals


def _csv_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:.1f}".replace(".", ",")


def render_csv_row(o: Order, rng: random.Random) -> dict[str, str]:
    v, s = o.values, o.supplier
    out: dict[str, str] = {}
    out["id"] = v["id"]
    out["notification_date"] = v["notification_date"].strftime("%d/%m/%Y") if v["notification_date"] else ""
    out["launch_date"] = v["launch_date"].strftime("%d/%m/%Y") if v.get("launch_date") else ""
    out["buyer_name"] = v["buyer_name"]
    out["object"] = v["object"]
    out["nature"] = NATURE_LABELS[o.nature]
    out["procedure"] = rng.choice(PROCEDURE_LABELS[v["procedure"]]) if v["procedure"] else ""
    out["cpv"] = o.cpv if rng.random() < 0.6 else f"{o.cpv}-{CPV[o.cpv][0]}"
    out["amount"] = _csv_amount(v["amount"], rng) if v["amount"] is not None else ""
    out["duration_months"] = str(v["duration_months"]) if v.get("duration_months") else ""
    out["place_code"] = v.get("place_code") or ""
    out["place_type"] = PLACE_TYPE_LABELS[v["place_type"]] if v.get("place_type") else ""
    if s:
        out["supplier_name"] = s.name
        out["supplier_siret"] = s.siret
        sparse = rng.random() < 0.15
        out["supplier_postcode"] = "" if sparse else s.postcode
        out["supplier_country"] = s.country
        out["supplier_naf"] = "" if sparse else f"{s.naf[:2]}.{s.naf[2:]}"
        out["supplier_size"] = "" if sparse else SIZE_LABELS[s.size]
        out["supplier_status"] = STATUS_LABELS[s.status] if s.status != "none" else ""
    out["framework_id"] = v.get("framework_id") or ""
    out["offers_received"] = str(v["offers_received"]) if v.get("offers_received") is not None else ""
    env, soc = v.get("env_considerations"), v.get("social_considerations")
    out["env_considerations"] = ", ".join(ENV_LABELS[c] for c in env) if env else ""
    out["social_considerations"] = ", ".join(SOCIAL_LABELS[c] for c in soc) if soc else ""
    for name in ("insertion_hours", "organic_share", "egalim_share", "meat_fish_egalim_share", "delivery_km",
                 "recycled_share"):
        x = v.get(name)
        out[name] = "" if x is None else _csv_number(x)
        if x and name.endswith("share") and rng.random() < 0.1:
            out[name] += " %"
    out["intermediaries"] = str(v["intermediaries"]) if v.get("intermediaries") is not None else ""
    return out


def write_csv(orders: list[Order], rng: random.Random, path: Path) -> list[Broken]:
    rows = [render_csv_row(o, rng) for o in orders]
    # An object typed on two lines inside its cell (Alt+Entrée), kept in one quoted field.
    multiline = next(j for j, o in enumerate(orders) if o.nature == "marche" and j > 20)
    rows[multiline]["object"] = rows[multiline]["object"] + "\nAvenant n° 1 : prolongation de 3 mois"
    broken: dict[int, Broken] = {}
    truncate: set[int] = set()
    for j, (key, what, expected, _pred, mutate) in _place_broken(orders, CSV_BROKEN, start=30):
        if mutate == "truncate":
            truncate.add(j)
        else:
            mutate(rows[j], orders[j])
        broken[j] = Broken(key, what, expected, id=rows[j]["id"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([h for h, _ in CSV_COLUMNS])
    line = 2
    for j, row in enumerate(rows):
        values = [row.get(name, "") for _h, name in CSV_COLUMNS]
        if j in truncate:
            values = values[:8]
        if j in broken:
            broken[j].row = line
        writer.writerow(values)
        line += 1 + sum(str(x).count("\n") for x in values)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return sorted(broken.values(), key=lambda b: b.row)


def write_suppliers(suppliers: list[Supplier], path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(SUPPLIER_COLUMNS)
    for s in sorted(suppliers, key=lambda s: (s.name.casefold(), s.siret)):
        writer.writerow([s.siret, s.name, s.address, s.postcode, s.commune, s.insee, SIZE_LABELS[s.size],
                         f"{s.naf[:2]}.{s.naf[2:]}", STATUS_LABELS[s.status], s.country])
    path.write_bytes(buffer.getvalue().encode("utf-8"))


# ------------------------------------------------------------------------------------------ main


@dataclass
class Result:
    xlsx_orders: list[Order]
    csv_orders: list[Order]
    xlsx_broken: list[Broken]
    csv_broken: list[Broken]
    suppliers: list[Supplier]


def check_headers() -> None:
    """Every header of both exports must name the intended canonical field (procurement/fields.py)."""
    if str(HERE.parent) not in sys.path:
        sys.path.insert(0, str(HERE.parent))
    from procurement.fields import match_header  # stdlib-only module of this repository

    for header, name in XLSX_COLUMNS + CSV_COLUMNS:
        found = match_header(header)
        assert found == name, f"header {header!r} matches {found!r}, not {name!r}"
    for header, name in (("SIRET", "supplier_siret"), ("Raison sociale", "supplier_name"),
                         ("Code postal", "supplier_postcode"), ("Code INSEE", "supplier_commune"),
                         ("Catégorie entreprise", "supplier_size"), ("Code NAF", "supplier_naf"),
                         ("Statut", "supplier_status"), ("Pays", "supplier_country")):
        assert header in SUPPLIER_COLUMNS and match_header(header) == name, header


def generate(out: Path) -> Result:
    check_headers()
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    pools = build_suppliers(rng)
    xlsx_orders = generate_orders(rng, pools, XLSX_ORDERS)
    plant_triggers(xlsx_orders, rng)
    xlsx_broken = write_xlsx(xlsx_orders, rng, out / XLSX_NAME)

    csv_rng = random.Random(CSV_SEED)
    csv_orders = generate_orders(csv_rng, pools, CSV_ORDERS)
    csv_broken = write_csv(csv_orders, csv_rng, out / CSV_NAME)

    used = {id(o.supplier): o.supplier for o in xlsx_orders + csv_orders if o.supplier}
    for o in xlsx_orders + csv_orders:
        if o.framework:
            used.setdefault(id(o.framework.supplier), o.framework.supplier)
    suppliers = list(used.values())
    write_suppliers(suppliers, out / SUPPLIERS_NAME)
    return Result(xlsx_orders, csv_orders, xlsx_broken, csv_broken, suppliers)


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def readme_tables(result: Result) -> str:
    """The generated part of samples/README.md: broken rows and rule triggers with their rows."""
    lines = ["### `commandes-2025.xlsx` (feuille « Commandes 2025 », en-tête ligne "
             f"{HEADER_ROW}, données à partir de la ligne {HEADER_ROW + 1})", "",
             "| Ligne Excel | N° de commande | Cas | Résultat attendu |", "|---|---|---|---|"]
    lines += [f"| {b.row} | {_md(b.id) or '(vide)'} | {_md(b.what)} | {_md(b.expected)} |"
              for b in result.xlsx_broken]
    lines += ["", "### `commandes-2025.csv` (ligne du fichier, en-tête = ligne 1)", "",
              "| Ligne | Référence | Cas | Résultat attendu |", "|---|---|---|---|"]
    lines += [f"| {b.row} | {_md(b.id)} | {_md(b.what)} | {_md(b.expected)} |" for b in result.csv_broken]
    lines += ["", "### Lignes valides qui doivent déclencher des règles (`commandes-2025.xlsx`)", "",
              "| Ligne Excel | N° de commande | Ce qui doit être signalé |", "|---|---|---|"]
    lines += [f"| {o.row} | {_md(o.values['id'])} | {_md(o.note)} |" for o in result.xlsx_orders if o.note]
    return "\n".join(lines) + "\n"


README_START = "<!-- generated:start (python samples/generate.py) -->"
README_END = "<!-- generated:end -->"


def update_readme(path: Path, tables: str) -> None:
    text = path.read_text(encoding="utf-8")
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    path.write_text(text[:start] + "\n" + tables + text[end:], encoding="utf-8")


def summary(result: Result) -> str:
    from collections import Counter

    bands = Counter(s.band for s in result.suppliers)
    statuses = sum(s.status != "none" for s in result.suppliers)
    natures = Counter(o.nature for o in result.xlsx_orders)
    return (f"xlsx: {len(result.xlsx_orders)} orders {dict(natures)}; csv: {len(result.csv_orders)} orders; "
            f"suppliers: {len(result.suppliers)} {dict(bands)}, with a status: {statuses}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output directory (default: samples/)")
    args = parser.parse_args(argv)
    result = generate(args.out)
    if args.out.resolve() == HERE:
        update_readme(HERE / "README.md", readme_tables(result))
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
