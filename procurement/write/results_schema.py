"""The shape of results.json (and of each line of results.jsonl), as pydantic models.

docs/results.schema.json is generated from these models (`python -m procurement.write.results_schema`
writes it; `--check` exits 1 when the committed file differs), and tests/test_exports.py parses the
results.json of every sample back through them. So the published schema, the models and the files we
write cannot drift apart: a key added to a record without a line here fails the tests
(`extra="forbid"`), and so does a schema file not regenerated after a change here.

The order's `data` model is derived from `procurement.model.Order` (every field optional, as unknown
values are left out of the file), so a field added to the order shows up here without a second list.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from procurement.model import Order

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "docs" / "results.schema.json"

Status = Literal["pass", "fail", "insufficient_data", "not_applicable", "waived"]
Score = Annotated[float, Field(ge=0, le=100)] | None
Share = Annotated[float, Field(ge=0, le=1)] | None
ChantierKey = Literal["1", "2", "3", "4", "5", "6", "7", "8"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------------------------------------------------
# meta
# ---------------------------------------------------------------------------------------------------------


class RulebookFile(_Strict):
    path: str
    sha256: str


class RulebookMeta(_Strict):
    """Which rulebook, exactly: `sha256` is that of its resolved content (formatting does not change it)."""

    id: str
    version: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    files: list[RulebookFile] = Field(description="The rulebook file and the files it extends, with their sha256.")
    rules: int = Field(ge=0, description="Number of rules applied (after --select / --ignore).")
    select: list[str] | None = None
    ignore: list[str] | None = None


class InputMeta(_Strict):
    path: str
    format: str = Field(description="Reader used: xlsx, csv, decp-json, decp-csv...")
    sha256: str
    sheet: str | None
    header_row: int | None = Field(description="Row of the header as the user sees it (tabular inputs).")
    rows_read: int = Field(ge=0)
    columns: dict[str, str] = Field(description="User header -> canonical field it was read as.")
    ignored_columns: list[str]
    notes: list[str]


class Counts(_Strict):
    """rows_read = orders + rejected + merged, always."""

    rows_read: int = Field(ge=0)
    orders: int = Field(ge=0)
    rejected: int = Field(ge=0)
    merged: int = Field(ge=0)


class LegalRefRecord(_Strict):
    """A legal reference of a rule, as its rulebook (`legal_ref`) gives it."""

    text: str = Field(description="The text: code, law, decree, judgment.")
    article: str | None = None
    date: dt.date | None = Field(default=None, description="Date of effect or of the decision.")
    url: str | None = None
    confidence: Literal["verified", "recalled"] = Field(
        description="`recalled`: not read in the text itself, to be checked.")
    note: str | None = None


class RuleMeta(_Strict):
    title: str
    kind: Literal["legal", "risk", "kpi"]
    severity: Literal["error", "warning", "info"]
    chantiers: list[Annotated[int, Field(ge=1, le=8)]]
    weight: float = Field(gt=0)
    legal_ref: list[LegalRefRecord] = Field(
        description="The rule's legal basis, given once here for all its findings.")


class BuildMeta(_Strict):
    """The program that scored the batch, by digest: the same version may run other code (a checkout with
    changes) or other reference tables (procurement/provenance.py)."""

    code_sha256: str = Field(description="sha256 of the package's program files (modules, templates, assets).")
    data_sha256: str = Field(description="sha256 of the package's reference tables (procurement/data).")


class Meta(_Strict):
    tool: Literal["procurement"]
    version: str
    build: BuildMeta
    generated_at: str = Field(description="ISO 8601 timestamp (fixed by SOURCE_DATE_EPOCH when set).")
    rulebook: RulebookMeta
    inputs: list[InputMeta]
    counts: Counts
    options: dict[str, Any] = Field(description="The command-line options of the run.")
    directory: dict[str, Any] | None = Field(
        default=None, description="Supplier register used (--suppliers): its inputs and what it filled.")
    waivers: dict[str, Any] | None = Field(
        default=None, description="Waiver file used (--waivers): waivers applied, expired, not yet valid, stale.")
    rules: dict[str, RuleMeta] = Field(description="Each rule named by a finding: title, tags and legal basis.")


# ---------------------------------------------------------------------------------------------------------
# orders
# ---------------------------------------------------------------------------------------------------------


class SourceRecord(_Strict):
    """Where the order came from: file, sheet and row as the user sees them, or a JSON path."""

    file: str
    sheet: str | None
    row: int | None
    path: str | None = None
    merged_rows: list[int] | None = Field(default=None, description="Other rows folded into this order (DECP).")


class Evidence(_Strict):
    """One condition evaluated on the order."""

    part: Literal["validity", "applies_when", "require", "portfolio"]
    field: str
    op: str = Field(description="The operator (docs/rules.md). A condition under a `not` reads `not <operator>` "
                    "(e.g. `not matches_words`), with `result` the negated test's: a row never reads against "
                    "its verdict.")
    expected: Any = None
    actual: Any = None
    result: bool | None = Field(description="true, false, or null when the value was unknown.")
    origin: str | None = Field(
        default=None, description="Where the actual value came from: order, reference:<table>, directory:<file>, "
                                  "computed:<how> (computed:group_sum(amount) for RISK-02's group total)...")


class WaiverRef(_Strict):
    order: str
    rule: str
    where: str


class Waived(_Strict):
    """The accepted exception that turned a fail or insufficient_data into `waived`."""

    justification: str
    author: str
    date: dt.date
    expires: dt.date | None
    original_status: Literal["fail", "insufficient_data"]
    waiver: WaiverRef


class FindingRecord(_Strict):
    """One rule's verdict on one order. The rule's tags (kind, severity, chantiers, weight, title) are in
    meta.rules; the evidence keeps the conditions that decided the verdict."""

    rule: str
    status: Status
    message: str | None = Field(default=None, description="The message in the run's language (absent when "
                                "the rule is not applicable: the order's page and `procurement rules explain` "
                                "give its conditions).")
    evidence: list[Evidence] = Field(default_factory=list)
    missing: list[str] = Field(default_factory=list,
                               description="Fields whose unknown value made the verdict insufficient_data.")
    measures: dict[str, Any] = Field(default_factory=dict,
                                     description="Values the rule reports (its `measure` fields).")
    waived: Waived | None = None



class ScoresRecord(_Strict):
    """Scores 0-100 (null: nothing could be evaluated) and completeness 0-1; see docs/rules.md."""

    order: str
    overall: Score
    by_chantier: dict[ChantierKey, Score]
    completeness: Share
    completeness_by_chantier: dict[ChantierKey, Share]
    counts: dict[str, int] = Field(description="Number of rules by status.")
    counts_by_kind: dict[str, dict[str, int]]
    legal_failures: list[str]
    missing: dict[str, list[str]] = Field(description="Rule id -> fields it lacked.")


class WarningRecord(_Strict):
    code: str
    field: str | None
    column: str | None
    value: str | None
    message: str


def _data_model() -> type[BaseModel]:
    skip = {"source", "warnings", "origins", "uncarried"}
    fields: dict[str, Any] = {}
    for name, info in Order.model_fields.items():
        if name in skip:
            continue
        # Every field but id is `X | None = None` in Order already; keep its constraints (ranges, patterns).
        fields[name] = (info.annotation, Field(default=None) if name != "id" else Field(min_length=1))
    model = create_model("OrderData", __config__=ConfigDict(extra="forbid"), **fields)
    model.__doc__ = "The order's known values by canonical field (procurement/fields.py); unknown ones are left out."
    return model


OrderData = _data_model()


class OrderRecord(_Strict):
    id: str
    source: SourceRecord
    scores: ScoresRecord
    findings: list[FindingRecord]
    warnings: list[WarningRecord]
    data: OrderData  # type: ignore[valid-type]
    origins: dict[str, str] = Field(description="Derived field -> where its value came from.")


class RejectionRecord(_Strict):
    source: SourceRecord
    code: str
    field: str | None
    column: str | None
    value: str | None
    message: str


class PortfolioRecord(_Strict):
    """A batch-level finding (RISK-02, possible splitting): a group of orders whose sum crosses a threshold."""

    rule: str
    kind: Literal["legal", "risk", "kpi"]
    severity: Literal["error", "warning", "info"]
    status: Status
    chantiers: list[Annotated[int, Field(ge=1, le=8)]]
    buyer: str
    cpv_class: str
    contract_type: str
    year: int
    level: str
    threshold: float
    total: float
    count: int
    orders: list[str]
    amounts: list[float]
    suppliers: int
    duplicates: list[str]
    sources: list[str]
    message_fr: str
    message_en: str
    message: str


class Results(_Strict):
    """results.json: the run's provenance, every scored order, every rejected row."""

    meta: Meta
    orders: list[OrderRecord]
    rejected: list[RejectionRecord]
    portfolio: list[PortfolioRecord] = Field(
        default_factory=list, description="Batch-level findings; each also appears on the orders it names.")
    directory_rejected: list[RejectionRecord] | None = Field(
        default=None, description="Rows of the supplier register (--suppliers) that could not be used.")


def json_schema() -> dict[str, Any]:
    schema = Results.model_json_schema()
    schema.pop("title", None)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "procurement results.json",
        **schema,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


USAGE = "usage: python -m procurement.write.results_schema [--check] [PATH]"


def main(argv: list[str] | None = None) -> int:
    """`python -m procurement.write.results_schema [--check] [PATH]`: write (or check) the schema file."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(a.startswith("-") and a != "--check" for a in args):  # `--help` is no file name to write to
        print(USAGE, file=sys.stderr)
        return 2
    check = "--check" in args
    paths = [a for a in args if a != "--check"]
    target = Path(paths[0]) if paths else SCHEMA_PATH
    text = schema_text()
    if check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(f"{target} is out of date: run python -m procurement.write.results_schema", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
