"""The order model: one purchase (contract, framework agreement, call-off, purchase order or bid).

Every field but the id is optional and defaults to None, meaning "unknown". No default may ever make a
rule pass: a rule that needs an unknown value reports insufficient data instead. Values arrive here
already parsed by `procurement.parse` (French numbers, dates, SIRET, CPV); the model fixes their
types and ranges so that the engine can trust them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, InstanceOf

from procurement.carriage import Uncarried

Percent = Annotated[float, Field(ge=0, le=100)]
NonNegative = Annotated[float, Field(ge=0)]
NonNegativeInt = Annotated[int, Field(ge=0)]

Nature = Literal[
    "marche", "marche_defense_securite", "accord_cadre", "marche_subsequent", "bon_de_commande", "offre", "concession"
]
Procedure = Literal[
    "procedure_adaptee",
    "appel_offres_ouvert",
    "appel_offres_restreint",
    "procedure_negociee",
    "sans_publicite",
    "dialogue_competitif",
    "concours",
    "autre",
]
EnvConsideration = Literal["clause", "criterion", "none"]
SocialConsideration = Literal["clause", "criterion", "reserved", "none"]
Size = Literal["pme", "eti", "ge"]
Status = Literal["siae", "ea", "esat", "ess", "none"]
PlaceType = Literal["commune", "postcode", "departement", "region", "country"]
Band = Literal["amp", "region_sud", "france", "eu", "outside"]
ContractType = Literal["travaux", "fournitures", "services"]


class Source(BaseModel):
    """Where a record came from, as the user sees it (Excel row numbers start at 1 with the header)."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = None
    path: str | None = None  # JSON path for DECP/OCDS records
    merged_rows: tuple[int, ...] = ()  # other rows folded into this order (DECP co-contractor rows)


class Warning_(BaseModel):
    """A problem on a kept row: the value was used (or set aside) and the user should know."""

    model_config = ConfigDict(frozen=True)

    code: str
    field: str | None = None
    column: str | None = None
    value: str | None = None
    message_fr: str
    message_en: str


class Order(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False)

    id: Annotated[str, Field(min_length=1, max_length=200)]
    buyer_name: str | None = None
    buyer_siret: str | None = None
    object: str | None = None
    nature: Nature | None = None
    procedure: Procedure | None = None
    formalised_procedure: bool | None = None  # said by the buyer for an « Autre procédure » (PROC-03/04)
    cpv: Annotated[str, Field(pattern=r"^[0-9]{8}$")] | None = None
    amount: NonNegative | None = None
    initial_amount: NonNegative | None = None  # before modifications (avenants): the value at launch
    launch_date: dt.date | None = None
    notification_date: dt.date | None = None
    publication_date: dt.date | None = None
    execution_start_date: dt.date | None = None  # a concession's essential data are due before it (R3131-1)
    duration_months: NonNegativeInt | None = None
    place_code: str | None = None
    place_type: PlaceType | None = None
    supplier_name: str | None = None
    supplier_siret: str | None = None
    supplier_postcode: str | None = None
    supplier_commune: str | None = None
    supplier_country: str | None = None
    supplier_size: Size | None = None
    supplier_naf: str | None = None
    supplier_status: Status | None = None
    env_considerations: tuple[EnvConsideration, ...] | None = None
    social_considerations: tuple[SocialConsideration, ...] | None = None
    env_weight: Percent | None = None
    price_weight: Percent | None = None
    award_criteria: str | None = None
    insertion_hours: NonNegative | None = None
    intermediaries: NonNegativeInt | None = None
    delivery_km: NonNegative | None = None
    organic_share: Percent | None = None
    egalim_share: Percent | None = None
    meat_fish_egalim_share: Percent | None = None
    recycled_share: Percent | None = None
    declared_emissions: NonNegative | None = None
    origin_france: Percent | None = None
    origin_eu: Percent | None = None
    lots: NonNegativeInt | None = None
    offers_received: NonNegativeInt | None = None
    innovative: bool | None = None
    framework_id: str | None = None
    tender_id: str | None = None
    # Derived by procurement.enrich from the packaged reference data.
    supplier_departement: str | None = None
    supplier_region: str | None = None
    supplier_band: Band | None = None
    supplier_distance_km: NonNegative | None = None
    place_commune: str | None = None
    place_departement: str | None = None
    place_in_amp: bool | None = None
    emission_factor: NonNegative | None = None
    estimated_emissions: NonNegative | None = None
    contract_type: ContractType | None = None
    published_within_two_months: bool | None = None  # essential data, R2196-1 (DECP-01)
    published_before_execution: bool | None = None  # a concession's essential data, R3131-1 (DECP-02)
    threshold_amount: NonNegative | None = None  # initial_amount, else amount: what thresholds judge

    source: Source
    warnings: tuple[Warning_, ...] = ()
    # Where each enriched value came from ("order" or "reference:<table>"), for evidence.
    origins: dict[str, str] = Field(default_factory=dict)
    # The fields its input format cannot carry (DECP, OCDS: procurement/carriage.py); None for a
    # spreadsheet, which can carry them all. Read by the operator `reported` only.
    uncarried: InstanceOf[Uncarried] | None = None


class Rejection(BaseModel):
    """An input row that could not become an order. Never dropped: listed in every output."""

    model_config = ConfigDict(frozen=True)

    source: Source
    code: str
    column: str | None = None
    field: str | None = None
    value: str | None = None
    message_fr: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_fr


def in_column(column: str, lang: str, json: bool = False) -> str:
    """How a rejection's message starts when the reader knows the cell's column (« colonne G (Montant HT) : »);
    in a JSON input (`json`: its source has a `path`) the value's field, a path that no one calls a column
    (« champ marches.marche[2].montant : »)."""
    if json:
        return f"field {column}: " if lang == "en" else f"champ {column} : "
    return f"column {column}: " if lang == "en" else f"colonne {column} : "


def without_column(message: str, column: str | None, lang: str) -> str:
    """A rejection's message without the column (or JSON field) it starts with (`in_column`), for a table that
    shows it in a cell of its own: « H (Montant HT) | colonne H (Montant HT) : … » said it twice."""
    for prefix in (in_column(column, lang), in_column(column, lang, json=True)) if column else ():
        if message.startswith(prefix):
            return message[len(prefix):]
    return message
