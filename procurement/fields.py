"""The canonical fields of an order: one table that readers, the rule compiler and the writers share.

A field is declared once, with its type, its French and English headers and the aliases seen in real
files (DECP names, finance exports). Readers match headers against this table; the rulebook compiler
checks each condition's field and value type against it; writers use its headers. Adding a field here
makes it readable, usable in rules and exported without touching any other module's logic.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    """The value type of a field, as the rule compiler and the cell parsers see it."""

    TEXT = "text"
    CODE = "code"  # identifier kept as text, leading zeros significant (SIRET, INSEE, postcode)
    SIRET = "siret"
    CPV = "cpv"
    NAF = "naf"
    MONEY = "money"  # € HT
    NUMBER = "number"
    INTEGER = "integer"
    PERCENT = "percent"  # 0-100
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    ENUM_SET = "enum_set"  # a set of enumerated values (DECP considerations)


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    kind: Kind
    fr: str  # French header, as in our template and exports
    en: str  # English header
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # canonical codes for ENUM / ENUM_SET
    derived: bool = False  # computed by enrichment, never read from input
    help_fr: str = ""
    help_en: str = ""
    group: str = "order"  # order | buyer | supplier | sustainability | derived

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


NATURES = (
    "marche", "marche_defense_securite", "accord_cadre", "marche_subsequent", "bon_de_commande", "offre", "concession",
)
PROCEDURES = (
    "procedure_adaptee",
    "appel_offres_ouvert",
    "appel_offres_restreint",
    "procedure_negociee",
    "sans_publicite",
    "dialogue_competitif",
    "concours",
    "autre",
)
ENV_CONSIDERATIONS = ("clause", "criterion", "none")
SOCIAL_CONSIDERATIONS = ("clause", "criterion", "reserved", "none")
SIZES = ("pme", "eti", "ge")
STATUSES = ("siae", "ea", "esat", "ess", "none")
PLACE_TYPES = ("commune", "postcode", "departement", "region", "country")
BANDS = ("amp", "region_sud", "france", "eu", "outside")

# Headers of a place column that say which kind of code it holds, so that its type goes with every value:
# half the French postcodes are also the INSEE code of another commune (13004: Marseille 4e as a
# postcode, Arles as a commune code), and a code alone cannot tell them apart.
_PLACE_TYPE_HEADERS: dict[str, str] = {
    "code postal du lieu d'exécution": "postcode", "code postal lieu d'exécution": "postcode",
    "code postal du lieu": "postcode", "cp lieu d'exécution": "postcode", "cp du lieu d'exécution": "postcode",
    "place postcode": "postcode", "postcode of the place of performance": "postcode",
    "code insee du lieu d'exécution": "commune", "code insee lieu d'exécution": "commune",
    "code insee du lieu": "commune", "code commune du lieu d'exécution": "commune",
    "code commune lieu d'exécution": "commune", "place insee code": "commune",
    "insee code of the place of performance": "commune",
}

_F = Field
FIELDS: tuple[Field, ...] = (
    _F("id", Kind.CODE, "Identifiant", "Id",
       ("id", "identifiant", "n° de commande", "numero de commande", "n° commande", "n° marché",
        "numero de marche", "numéro du marché", "reference", "référence", "uid", "id marche", "order id",
        "contract id", "n°", "numero"),
       help_fr="Identifiant unique de la commande, du marché ou de l'offre.",
       help_en="Unique identifier of the order, contract or bid."),
    _F("buyer_name", Kind.TEXT, "Acheteur", "Buyer",
       ("acheteur", "acheteur_nom", "acheteur nom", "nom acheteur", "service", "service acheteur",
        "direction", "buyer name", "buyer", "entité", "entite"), group="buyer",
       help_fr="Service ou entité acheteuse.", help_en="Purchasing service or body."),
    _F("buyer_siret", Kind.SIRET, "SIRET acheteur", "Buyer SIRET",
       ("acheteur_id", "acheteur.id", "siret acheteur", "buyer siret", "buyer id"), group="buyer"),
    _F("object", Kind.TEXT, "Objet", "Object",
       ("objet", "objet du marché", "objet du marche", "objet de la commande", "libellé", "libelle",
        "intitulé", "intitule", "description", "object", "title", "designation", "désignation"),
       help_fr="Objet de l'achat.", help_en="What is bought."),
    _F("nature", Kind.ENUM, "Nature", "Nature", ("nature", "type de contrat", "contract type", "nature du marché"),
       choices=NATURES,
       help_fr="Marché, marché de défense ou de sécurité, accord-cadre, marché subséquent, bon de commande, offre "
               "ou concession.",
       help_en="Contract, defence or security contract, framework agreement, call-off, purchase order, bid or "
               "concession."),
    _F("procedure", Kind.ENUM, "Procédure", "Procedure",
       ("procedure", "procédure", "procédure de passation", "type de procédure", "mode de passation"),
       choices=PROCEDURES),
    # Only an « Autre procédure » needs it: the procedure names the others. PROC-03/04 ask for it there.
    _F("formalised_procedure", Kind.BOOL, "Procédure formalisée", "Formalised procedure",
       ("procédure formalisée", "procedure formalisee", "formalised procedure", "formalized procedure"),
       help_fr="Pour une « Autre procédure » : oui si elle est formalisée (publicité européenne, comme un appel "
               "d'offres ou une procédure avec négociation), non sinon.",
       help_en="For an “Other procedure”: yes if it is formalised (EU-wide publicity, like a tender or a "
               "negotiated procedure), no otherwise."),
    _F("cpv", Kind.CPV, "Code CPV", "CPV code",
       ("codecpv", "code cpv", "cpv", "cpv code", "cpv principal", "code cpv principal"),
       help_fr="Code CPV principal (8 chiffres, chiffre de contrôle facultatif).",
       help_en="Main CPV code (8 digits, check digit optional)."),
    _F("amount", Kind.MONEY, "Montant HT", "Amount excl. VAT",
       ("montant", "montant ht", "montant ht (€)", "montant (€ ht)", "montant € ht", "montant total ht",
        "amount", "amount excl vat", "amount (eur)", "valeur", "prix ht", "prix", "price", "total ht",
        # a consultation's estimate and a bid's price, as buyers head them
        "montant estimé", "montant estimé ht", "prix de l'offre", "prix de l'offre ht"),
       help_fr="Montant hors taxes en euros (maximum pour un accord-cadre).",
       help_en="Amount excluding VAT in euros (maximum for a framework agreement)."),
    # A modified contract's amount is its current one; its procedure was chosen on the initial one
    # (R2121-3: the estimated value at launch), which procedure and threshold rules judge when it is known.
    _F("initial_amount", Kind.MONEY, "Montant initial HT", "Initial amount excl. VAT",
       ("montant initial", "montant initial ht", "montantinitial", "montant initial du marché",
        "montant à la notification", "montant d'origine", "initial amount",
        "original amount", "amount at notification"),
       help_fr="Montant hors taxes à la notification, avant modification (avenant), quand il diffère du montant.",
       help_en="Amount excluding VAT when notified, before any modification, when it differs from the amount."),
    _F("launch_date", Kind.DATE, "Date de lancement", "Launch date",
       ("date de lancement", "date lancement", "date de lancement de la consultation",
        "date d'envoi de l'avis", "date avis", "launch date", "consultation date", "datelancement"),
       help_fr="Date d'engagement de la consultation ou d'envoi de l'avis d'appel à la concurrence.",
       help_en="Date the consultation was launched or the contract notice sent."),
    _F("notification_date", Kind.DATE, "Date de notification", "Notification date",
       ("datenotification", "date de notification", "date notification", "date de commande", "date commande",
        "date", "notification date", "order date", "date d'attribution"),
       help_fr="Date de notification du marché ou d'émission du bon de commande.",
       help_en="Date the contract was notified or the order issued."),
    _F("publication_date", Kind.DATE, "Date de publication des données", "Data publication date",
       ("datepublicationdonnees", "date de publication", "date publication données", "publication date")),
    # A concession's essential data are due before its execution begins (R3131-1 CCP, DECP-02): DECP gives the
    # day as `dateDebutExecution`, in the concession records of the 2019 and 2022/2024 formats.
    _F("execution_start_date", Kind.DATE, "Date de début d'exécution", "Start of execution",
       ("datedebutexecution", "date de début d'exécution", "date début d'exécution", "début d'exécution",
        "date de commencement d'exécution", "start of execution", "execution start date", "execution start"),
       help_fr="Date à laquelle l'exécution du contrat a commencé (dateDebutExecution d'une concession DECP).",
       help_en="Date the performance of the contract began (dateDebutExecution of a DECP concession)."),
    _F("duration_months", Kind.INTEGER, "Durée (mois)", "Duration (months)",
       ("dureemois", "durée (mois)", "duree (mois)", "durée", "duree", "durée en mois", "duration",
        "duration (months)", "duration months")),
    _F("place_code", Kind.CODE, "Lieu d'exécution", "Place of performance",
       ("lieuexecution_code", "lieuexecution.code", "lieu d'exécution", "lieu d'execution", "lieu d exécution",
        "code lieu d'exécution", "lieu", "place of performance", "place code", *_PLACE_TYPE_HEADERS),
       help_fr="Code INSEE de la commune, code postal ou département du lieu d'exécution.",
       help_en="INSEE commune code, postcode or département of the place of performance."),
    _F("place_type", Kind.ENUM, "Type de code du lieu", "Place code type",
       ("lieuexecution_typecode", "lieuexecution.typecode", "type de code", "type code lieu", "place code type"),
       choices=PLACE_TYPES),
    _F("supplier_name", Kind.TEXT, "Fournisseur", "Supplier",
       ("titulaire", "titulaire_denominationsociale", "titulaire_nom", "denominationsociale", "fournisseur",
        "nom du fournisseur", "raison sociale", "attributaire", "titulaire du marché", "supplier",
        "supplier name", "tiers", "entreprise", "candidat", "soumissionnaire"), group="supplier"),
    _F("supplier_siret", Kind.SIRET, "SIRET fournisseur", "Supplier SIRET",
       ("titulaire_id", "siret", "siret fournisseur", "siret titulaire", "siret du titulaire",
        "titulaire siret", "supplier siret", "supplier id"), group="supplier"),
    _F("supplier_postcode", Kind.CODE, "Code postal fournisseur", "Supplier postcode",
       ("code postal", "cp", "code postal fournisseur", "cp fournisseur", "code postal titulaire",
        "supplier postcode", "postcode", "zip"), group="supplier"),
    _F("supplier_commune", Kind.CODE, "Commune fournisseur (INSEE)", "Supplier commune (INSEE)",
       ("titulaire_commune_code", "code commune", "code insee", "commune insee", "code insee fournisseur",
        "supplier commune", "supplier insee"), group="supplier"),
    _F("supplier_country", Kind.CODE, "Pays fournisseur", "Supplier country",
       ("pays", "pays fournisseur", "country", "supplier country", "code pays"), group="supplier",
       help_fr="Code pays ISO 3166 (FR, IT...) ou nom du pays.", help_en="ISO 3166 country code or name."),
    _F("supplier_size", Kind.ENUM, "Taille fournisseur", "Supplier size",
       ("titulaire_categorie", "catégorie entreprise", "categorie entreprise", "taille", "taille entreprise",
        "supplier size", "company size", "categorieentreprise"), choices=SIZES, group="supplier"),
    _F("supplier_naf", Kind.NAF, "Code NAF fournisseur", "Supplier NAF code",
       ("naf", "ape", "code naf", "code ape", "naf/ape", "code naf/ape", "supplier naf", "nace",
        "activiteprincipaleetablissement"), group="supplier"),
    _F("supplier_status", Kind.ENUM, "Statut fournisseur", "Supplier status",
       ("statut", "statut fournisseur", "statut ess", "structure", "type de structure", "supplier status"),
       choices=STATUSES, group="supplier",
       help_fr="SIAE, EA, ESAT, ESS ou aucun.", help_en="SIAE, EA, ESAT, ESS or none."),
    _F("env_considerations", Kind.ENUM_SET, "Considérations environnementales", "Environmental considerations",
       ("considerationsenvironnementales", "considérations environnementales", "considerations environnementales",
        "consideration environnementale", "clause environnementale", "environmental considerations"),
       choices=ENV_CONSIDERATIONS, group="sustainability",
       help_fr="Clause environnementale, critère environnemental, ou aucune (valeurs DECP).",
       help_en="Environmental clause, environmental criterion, or none (DECP values)."),
    _F("social_considerations", Kind.ENUM_SET, "Considérations sociales", "Social considerations",
       ("considerationssociales", "considérations sociales", "considerations sociales", "consideration sociale",
        "clause sociale", "social considerations"),
       choices=SOCIAL_CONSIDERATIONS, group="sustainability",
       help_fr="Clause sociale, critère social, marché réservé, ou aucune (valeurs DECP).",
       help_en="Social clause, social criterion, reserved contract, or none (DECP values)."),
    _F("env_weight", Kind.PERCENT, "Pondération critère environnemental (%)", "Environmental criterion weight (%)",
       ("pondération environnementale", "ponderation environnementale", "poids critère environnemental",
        "critère environnemental (%)", "environmental weight"), group="sustainability"),
    _F("price_weight", Kind.PERCENT, "Pondération prix (%)", "Price criterion weight (%)",
       ("pondération prix", "ponderation prix", "poids prix", "critère prix (%)", "price weight"),
       group="sustainability"),
    _F("award_criteria", Kind.TEXT, "Critères d'attribution", "Award criteria",
       ("critères d'attribution", "criteres d'attribution", "critères", "award criteria"),
       group="sustainability",
       help_fr="Texte des critères d'attribution et de leurs pondérations.",
       help_en="Text of the award criteria and their weights."),
    _F("insertion_hours", Kind.NUMBER, "Heures d'insertion", "Integration hours",
       ("heures d'insertion", "heures insertion", "nombre d'heures d'insertion", "insertion hours",
        "integration hours"),
       group="sustainability"),
    _F("intermediaries", Kind.INTEGER, "Intermédiaires jusqu'au producteur", "Intermediaries to producer",
       ("intermédiaires", "intermediaires", "nombre d'intermédiaires", "nb intermédiaires", "intermediaries"),
       group="sustainability"),
    _F("delivery_km", Kind.NUMBER, "Distance de livraison (km)", "Delivery distance (km)",
       ("distance", "distance (km)", "distance de livraison", "km", "delivery distance", "delivery km"),
       group="sustainability"),
    _F("organic_share", Kind.PERCENT, "Part bio (%)", "Organic share (%)",
       ("part bio", "bio (%)", "% bio", "part biologique", "organic share", "organic (%)"), group="sustainability"),
    _F("egalim_share", Kind.PERCENT, "Part EGAlim (%)", "EGAlim share (%)",
       ("part egalim", "egalim (%)", "% egalim", "part durable et de qualité", "egalim share",
        "sustainable and quality share"), group="sustainability"),
    _F("meat_fish_egalim_share", Kind.PERCENT, "Part EGAlim viandes et poissons (%)",
       "EGAlim share, meat and fish (%)",
       ("part egalim viandes", "egalim viandes et poissons", "egalim viande poisson", "meat fish egalim share"),
       group="sustainability"),
    _F("recycled_share", Kind.PERCENT, "Part réemploi/recyclé (%)", "Reuse/recycled share (%)",
       ("part réemploi", "part recyclé", "réemploi/recyclé (%)", "part reemploi recycle", "recycled share",
        "reuse share", "agec (%)"), group="sustainability"),
    _F("declared_emissions", Kind.NUMBER, "Émissions déclarées (kgCO2e)", "Declared emissions (kgCO2e)",
       ("émissions déclarées", "emissions declarees", "emissions (kgco2e)", "kgco2e", "bilan carbone",
        "declared emissions"), group="sustainability"),
    _F("origin_france", Kind.PERCENT, "Part origine France (%)", "French origin share (%)",
       ("originefrance", "origine france", "part france", "french origin"), group="sustainability"),
    _F("origin_eu", Kind.PERCENT, "Part origine UE (%)", "EU origin share (%)",
       ("origineue", "origine ue", "part ue", "eu origin"), group="sustainability"),
    _F("lots", Kind.INTEGER, "Nombre de lots", "Number of lots",
       ("lots", "nombre de lots", "nb lots", "number of lots")),
    _F("offers_received", Kind.INTEGER, "Offres reçues", "Offers received",
       ("offresrecues", "offres reçues", "offres recues", "nombre d'offres", "offers received")),
    _F("innovative", Kind.BOOL, "Marché innovant", "Innovative",
       ("marcheinnovant", "marché innovant", "innovant", "innovative")),
    _F("framework_id", Kind.CODE, "Accord-cadre de rattachement", "Framework agreement",
       ("idaccordcadre", "accord-cadre", "id accord-cadre", "framework id", "framework agreement")),
    _F("tender_id", Kind.CODE, "Consultation", "Tender",
       ("consultation", "id consultation", "référence consultation", "tender", "tender id"),
       help_fr="Pour une offre : la consultation à laquelle elle répond.",
       help_en="For a bid: the tender it answers."),
    # Derived by enrichment from the reference data; never read from input.
    _F("supplier_departement", Kind.CODE, "Département fournisseur", "Supplier département", derived=True,
       group="derived"),
    _F("supplier_region", Kind.CODE, "Région fournisseur", "Supplier region", derived=True, group="derived"),
    _F("supplier_band", Kind.ENUM, "Zone du fournisseur", "Supplier location band", choices=BANDS, derived=True,
       group="derived"),
    _F("supplier_distance_km", Kind.NUMBER, "Distance fournisseur-lieu d'exécution (km)",
       "Supplier to place of performance distance (km)", derived=True, group="derived"),
    _F("place_commune", Kind.CODE, "Commune du lieu d'exécution", "Place of performance commune",
       derived=True, group="derived"),
    _F("place_departement", Kind.CODE, "Département du lieu d'exécution", "Place of performance département",
       derived=True, group="derived"),
    _F("place_in_amp", Kind.BOOL, "Exécution dans la Métropole", "Performed in the Metropolis",
       derived=True, group="derived"),
    _F("emission_factor", Kind.NUMBER, "Facteur d'émission (kgCO2e/k€)", "Emission factor (kgCO2e/k€)",
       derived=True, group="derived"),
    _F("estimated_emissions", Kind.NUMBER, "Émissions estimées (kgCO2e)", "Estimated emissions (kgCO2e)",
       derived=True, group="derived"),
    _F("contract_type", Kind.ENUM, "Type d'achat", "Purchase type", choices=("travaux", "fournitures", "services"),
       derived=True, group="derived"),
    _F("published_within_two_months", Kind.BOOL, "Données publiées dans les deux mois",
       "Data published within two months", derived=True, group="derived"),
    _F("published_before_execution", Kind.BOOL, "Données publiées avant le début d'exécution",
       "Data published before the start of execution", derived=True, group="derived"),
    _F("threshold_amount", Kind.MONEY, "Montant jugé par les seuils (initial, sinon actuel)",
       "Amount judged by the thresholds (initial, else current)", derived=True, group="derived"),
)

FIELDS_BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
INPUT_FIELDS: tuple[Field, ...] = tuple(f for f in FIELDS if not f.derived)


def normalize_header(text: object) -> str:
    """Fold a header to compare it: case, accents, punctuation and spacing do not matter.

    Users type 'Montant HT (€)', 'MONTANT  H.T.' or 'montant_ht'; all must meet the same field.
    """
    # A typographic apostrophe (’, as Excel's autocorrect types it) is an apostrophe: dropped as non-ASCII,
    # « Lieu d’exécution » folded to "lieu dexecution" and missed the field « Lieu d'exécution » names.
    s = str(text).replace("\u2019", "'")
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode("ascii").lower()
    s = s.replace(".", "")  # 'H.T.' is 'HT', 'N°' is 'N'
    s = re.sub(r"[^a-z0-9%]+", " ", s)
    return " ".join(s.split())


def _build_header_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for f in INPUT_FIELDS:
        for label in (f.name, f.fr, f.en, *f.aliases):
            key = normalize_header(label)
            # The first declaration wins: aliases are listed most specific field first.
            index.setdefault(key, f.name)
    return index


HEADER_INDEX: dict[str, str] = _build_header_index()
# Folded header of a place column -> the place type its values have (see _PLACE_TYPE_HEADERS).
PLACE_TYPE_OF_HEADER: dict[str, str] = {normalize_header(h): kind for h, kind in _PLACE_TYPE_HEADERS.items()}


_UNITS = re.compile(r"\([^)]*\)|\b(?:en )?(?:euros?|eur)\b|€")
# Header cells longer than this are not tried without their units (the longest known label has 37
# characters once folded): `_UNITS` scans to the end of the text from every unclosed "(", so a cell of
# "(a " repeated 40,000 times took seconds to be turned down as a header; 1,000 characters take a
# millisecond at worst.
MAX_HEADER = 1000
# Units that change what an amount means: VAT included, or thousands or millions of euros. Tried away,
# "Montant (TTC)" or "Montant (k€)" read as "Montant", an amount in euros excluding VAT: 43,200 € TTC
# (36,000 € HT) then crossed the 40,000 € threshold, and 300 k€ became 300 €. Such a header is left
# unrecognised (the amount is then missing, which its rules say, unless another column gives it HT);
# --mapping can still name it.
_NOT_EUROS_HT = re.compile(
    r"\bttc\b|toutes taxes|tva (?:comprise|incluse)|(?:incl\.?|including|with) vat|vat incl|gross|"
    r"\b[km] ?(?:€|eur\b|euros?\b)|\b[km]eur\b|\bmilliers?\b|\bmillions?\b|thousands?\b")


def match_header(text: object) -> str | None:
    """The canonical field a header names, or None.

    Units in brackets or in words ('Montant HT (en €)', 'Distance (km)') are tried away when the
    whole header is not known, so that users need not match our spelling of units; never units that
    change an amount's meaning ('(TTC)', '(k€)': `_NOT_EUROS_HT`).
    """
    if text is None:
        return None
    key = normalize_header(text)
    found = HEADER_INDEX.get(key)
    raw = str(text)
    if found is None and len(raw) <= MAX_HEADER and not _NOT_EUROS_HT.search(raw.lower()):
        stripped = normalize_header(_UNITS.sub(" ", raw.lower()))
        if stripped and stripped != key:
            found = HEADER_INDEX.get(stripped)
    return found
