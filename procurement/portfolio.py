"""Portfolio rules: verdicts on a batch of orders, which the per-order engine cannot give.

RISK-02, possible splitting of a need (fractionnement, « saucissonnage »): the value of a need is
estimated over all the supplies or services that can be considered homogeneous (CCP R2121-6) or all the
works of one operation (R2121-5), not order by order; cutting it into orders that each stay under a
threshold avoids the procedure the whole need requires (R2121-4 forbids it). The engine evaluates one
order at a time, so this rule lives here, over the batch:

    same buyer (SIREN of the buyer's SIRET, else its name) × same CPV class (first 5 digits)
    × same contract type (works / supplies / services) × same calendar year (launch date, else notification)
    -> the orders passed under a procedure lighter than the level requires, each BELOW the level's
       threshold, at least two of them, whose SUM reaches the threshold.

Levels (one finding per group and level crossed):
    dispensation    R2122-8: no publicity nor competition below it; the light orders are those passed
                    "sans publicité" or whose procedure is unknown (bons de commande of finance exports).
    eu              the EU thresholds: a formalised procedure above them; light = no publicity, MAPA or
                    unknown. Social and other specific services (R2123-1 3°), which may be passed as a
                    MAPA whatever their value, are left out of this level.
The 90,000 € threshold of MAPA publicity in the BOAMP (R2131-12) is not a level: the data does not say whether a
MAPA was advertised there, so every pair of MAPAs above it would be flagged for nothing.

Not counted: bids (nature `offre`), call-offs of a framework agreement (`marche_subsequent`, or any order with a
`framework_id`): the framework was competed as a whole; concessions (another regime); orders without amount,
CPV, type or date; and later copies of an order already counted (the first one read is kept), of two kinds:
    same order      the same buyer (SIRET, else name, as the duplicate-id warning) and id, with the same
                    amount at notification (the initial amount of an amended contract) and date, whatever
                    the supplier says: one order read twice (a file scored twice, an export and its
                    correction, a contract published again with an amendment: order_identity.copy_key,
                    the summary's copies). The same id with another amount or date is counted: lines of one
                    purchase order, or an id used as a placeholder ("NC").
    same contract   another id, but the same supplier (known), amount and date, when both are
                    publications of contracts: a frequent DECP duplicate (one contract arriving through
                    PES, AIFE and the buyer's platform, ../shared/notes/decp-format.md §8), not a split.
                    A publication is a contract (any nature but `bon_de_commande`: a marché, an
                    accord-cadre) or, of unknown nature, a record read from a publication (JSON: DECP,
                    OCDS) or carrying the date its essential data were published. Purchase orders are
                    never published as contracts: three bons de commande of 35 000 € to one supplier on one
                    day under three numbers are three orders (the textbook split), and so are the rows of
                    a finance export that does not say their nature.
Copies set aside are never silent: each finding lists those of its level in `duplicates` and names
them in its message; a copy of the same order carries the finding (procurement.store.Members).

A finding is a *risk to review*, not a breach: homogeneity is a judgement (a CPV class is a proxy), the legal
buyer may have distinct operational units responsible for their own contracts (R2121-2), orders may be
call-offs of a framework the file omits.
Grouping by SIREN treats all the services of the Métropole as one buyer, which is what R2121-1 does (the
need's value is the buyer's, all its services together); without a SIRET the buyer's name (a direction, a
service) is used, which is finer and so misses splits across services.

Thresholds (the levels' amounts by date, with their sources): procurement/portfolio_thresholds.py.

API (pure: no I/O, nothing mutated):
    detect_splitting(orders) -> list[PortfolioFinding]
    thresholds_on(contract_type, day) -> {level: amount}
    threshold_table() -> every Threshold with its period, source and confidence
    RULES (metadata of RISK-02 for reports and docs/rules-catalogue.md)
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from procurement.order_identity import copy_key, order_key
from procurement.portfolio_rules import RULES as RULES  # re-exported: RISK-02's metadata lives there
from procurement.portfolio_rules import SPLITTING, group_message
from procurement.portfolio_thresholds import LIGHT, is_specific_service, thresholds_on
from procurement.portfolio_thresholds import SPECIFIC_SERVICES_CPV as SPECIFIC_SERVICES_CPV  # re-exported
from procurement.portfolio_thresholds import SPECIFIC_SERVICES_EXCLUDED as SPECIFIC_SERVICES_EXCLUDED  # re-exported
from procurement.portfolio_thresholds import Threshold as Threshold  # re-exported
from procurement.portfolio_thresholds import threshold_table as threshold_table  # re-exported
from procurement.reference import cpv_contract_type

LEVELS = ("dispensation", "eu")
FOURNITURES_SERVICES = ("fournitures", "services")


class Resolved(Sequence):
    """A column of a group's orders (their ids, or where they were read) made from their positions when
    read: a group of a streaming run keeps 8 bytes an order, not a tuple of strings (at a million orders
    the flagged groups held half of them: 100 MB of ids and locations)."""

    __slots__ = ("positions", "resolve")

    def __init__(self, positions: array, resolve: Callable[[int], str]):
        self.positions, self.resolve = positions, resolve

    def __len__(self) -> int:
        return len(self.positions)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return tuple(map(self.resolve, self.positions[index]))
        return self.resolve(self.positions[index])

    def __iter__(self) -> Iterator[str]:
        return map(self.resolve, self.positions)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return repr(tuple(self))


@dataclass(frozen=True)
class PortfolioFinding:
    """A portfolio verdict: one group of orders that may split a need, at one level. Status 'fail' (a risk)."""

    rule: str
    buyer: str  # the buyer as written (SIRET or name); grouped by SIREN
    cpv_class: str  # first 5 digits of the CPV
    contract_type: str  # travaux | fournitures | services
    year: int
    level: str  # dispensation | eu
    threshold: float  # the level's threshold (the highest in force among the orders)
    total: float  # sum of the counted orders, € HT
    order_ids: Sequence[str]  # a tuple, or a `Resolved` column (streaming runs)
    amounts: Sequence[float]
    suppliers: int = 0  # distinct suppliers among the orders (0: none known)
    duplicates: Sequence[str] = ()  # ids of the copies left out of this level's sum (a tuple, or `Resolved`)
    sources: Sequence[str] = field(default=(), repr=False)  # file:row (or JSON path) of each order
    kind: str = "risk"
    severity: str = "warning"
    status: str = "fail"
    chantiers: tuple[int, ...] = (1, 3)
    _messages: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    @property
    def count(self) -> int:
        return len(self.order_ids)

    def message(self, lang: str = "fr") -> str:
        """Kept once made: every order of the group repeats it (report rows, results.json, workbook)."""
        lang = "en" if lang == "en" else "fr"
        made = self._messages.get(lang)
        if made is None:
            made = self._messages[lang] = group_message(self, lang)
        return made

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule, "kind": self.kind, "severity": self.severity, "status": self.status,
            "chantiers": list(self.chantiers), "buyer": self.buyer, "cpv_class": self.cpv_class,
            "contract_type": self.contract_type, "year": self.year, "level": self.level,
            "threshold": self.threshold, "total": self.total, "count": self.count, "orders": list(self.order_ids),
            "amounts": list(self.amounts), "suppliers": self.suppliers, "duplicates": list(self.duplicates),
            "sources": list(self.sources), "message_fr": self.message("fr"), "message_en": self.message("en"),
        }
        if lang is not None:
            out["message"] = self.message(lang)
        return out


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def buyer_key(order: Any) -> str | None:
    """The legal buyer: the SIREN of its SIRET when given (every service of one body together), else its name."""
    siret = getattr(order, "buyer_siret", None)
    if siret and len(siret) >= 9 and siret[:9].isdigit():
        return siret[:9]
    name = getattr(order, "buyer_name", None)
    return _fold(name) if name and name.strip() else None


def _supplier_key(order: Any) -> str | None:
    siret = getattr(order, "supplier_siret", None)
    if siret:
        return siret
    name = getattr(order, "supplier_name", None)
    return _fold(name) if name and name.strip() else None


def _source(order: Any) -> str:
    src = getattr(order, "source", None)
    if src is None:
        return ""
    where = src.row if getattr(src, "row", None) is not None else getattr(src, "path", None)
    return f"{src.file}:{where}" if where is not None else str(src.file)


def _same_order(order: Any) -> int:
    """`order_identity.order_key`, made by the worker for a PortfolioFacts."""
    return order.same_order if isinstance(order, PortfolioFacts) else order_key(order)


def _published(order: Any) -> bool:
    """Whether the order may be one publication of a contract that the data also publish under another id
    (module docstring): a contract, or a record of unknown nature read from a publication."""
    if isinstance(order, PortfolioFacts):
        return order.published
    nature = getattr(order, "nature", None)
    if nature is not None:
        return nature != "bon_de_commande"
    return bool(getattr(getattr(order, "source", None), "path", None)) or \
        getattr(order, "publication_date", None) is not None


_SUPPLIED, _PUBLISHED = 1, 2  # flags of an order in its group (`_Group.flags`)
_CONTRACT_COPY = _SUPPLIED | _PUBLISHED  # a supplied publication: only it may be a copy under another id


class _Group:
    """One (buyer, CPV class, type, year): per level, the light orders under the threshold, in columns
    (position, amount, threshold, supplier number): about 32 bytes an order, for batches of a million.
    The thresholds stay the objects of the threshold table (a list of references, no copy), an int
    written as an int in the outputs.

    Copies (module docstring) are told apart at the end, from two hashes and a byte of flags per order
    in columns (`orders`, `contracts`, `flags`: 17 bytes an order, dropped once settled), not while
    adding: a set of every hash met cost about 60 bytes an order, 50 MB of the parent's 255 MB at the
    end of a 1M scoring pass. The hashes are of tuples of different lengths: the two kinds do not meet."""

    __slots__ = ("buyer", "contracts", "dropped", "flags", "levels", "orders", "positions")

    def __init__(self, buyer: str):
        self.buyer = buyer
        self.levels: dict[str, tuple[array, array, list[float], array]] = {}
        self.positions = array("q")  # every order counted, in input order
        self.orders = array("q")  # copy_key of each (4 numbers: buyer and id, amount, date): the same order
        self.contracts = array("q")  # hash of (supplier number, amount, date) of each: the same contract
        self.flags = bytearray()  # _SUPPLIED | _PUBLISHED
        self.dropped: dict[str, array] = {}  # level -> positions of the copies left out of it (`settle`)

    def add(self, position: int, order: Any, supplier: int, amount: float, day: dt.date) -> None:
        # Exact, since neither strings nor a random seed enter these hashes: reproducible from run to run.
        # The amount at notification: a contract published again with an amendment is the same contract.
        ordinal = (getattr(order, "notification_date", None) or day).toordinal()
        initial = getattr(order, "threshold_amount", None)
        self.positions.append(position)
        self.orders.append(copy_key(order, _same_order(order)))  # the summary's copies (order_identity)
        self.contracts.append(hash((supplier, amount if initial is None else float(initial), ordinal)))
        self.flags.append((supplier >= 0) * _SUPPLIED | _published(order) * _PUBLISHED)

    def settle(self) -> None:
        """Find the later copies (the first one read is kept) and take them out of the levels."""
        seen: set[int] = set()
        left_out: set[int] = set()
        for position, same, contract, flags in zip(self.positions, self.orders, self.contracts, self.flags,
                                                   strict=True):
            if same in seen or (flags == _CONTRACT_COPY and contract in seen):
                left_out.add(position)
                continue
            seen.add(same)
            if flags == _CONTRACT_COPY:
                seen.add(contract)
        del seen
        self.positions, self.orders, self.contracts, self.flags = array("q"), array("q"), array("q"), bytearray()
        if not left_out:
            return
        for level, columns in self.levels.items():
            keep = [i for i, p in enumerate(columns[0]) if p not in left_out]
            if len(keep) == len(columns[0]):
                continue
            self.dropped[level] = array("q", (p for p in columns[0] if p in left_out))
            self.levels[level] = (array("q", (columns[0][i] for i in keep)), array("d", (columns[1][i] for i in keep)),
                                  [columns[2][i] for i in keep], array("q", (columns[3][i] for i in keep)))


def _counted(order: Any) -> tuple[tuple, dt.date, str] | None:
    """(group key, reference date, contract type) of an order the rule counts, else None."""
    nature = getattr(order, "nature", None)
    if nature in ("offre", "marche_subsequent", "concession") or getattr(order, "framework_id", None):
        return None
    amount, cpv = getattr(order, "amount", None), getattr(order, "cpv", None)
    day = getattr(order, "launch_date", None) or getattr(order, "notification_date", None)
    if amount is None or not cpv or day is None:
        return None
    kind = getattr(order, "contract_type", None) or cpv_contract_type(cpv)
    buyer = buyer_key(order)
    if kind is None or buyer is None:
        return None
    return (buyer, cpv[:5], kind, day.year), day, kind


def detect_splitting(orders: Iterable[Any], *, specific_services: Iterable[str] | None = None
                     ) -> list[PortfolioFinding]:
    """RISK-02 over a batch: one finding per (buyer, CPV class, type, year) group and level crossed.

    `orders` are `procurement.model.Order` objects (enriched or not: the contract type is derived from
    the CPV when missing) or any objects with the same attributes. Sorted by buyer, year, CPV class, level.
    """
    detector = SplittingDetector(specific_services)
    for order in orders:
        detector.add(order)
    return detector.findings()


class PortfolioFacts:
    """What RISK-02 reads of one order, for orders it counts: small enough to keep for a million orders
    and to send between processes, where the Order itself is neither."""

    _READ = ("amount", "buyer_name", "buyer_siret", "contract_type", "cpv", "framework_id", "id", "launch_date",
             "nature", "notification_date", "procedure", "supplier_name", "supplier_siret", "threshold_amount")
    __slots__ = (*_READ, "published", "same_order", "source")

    def __init__(self, order: Any):
        for name in self._READ:
            setattr(self, name, getattr(order, name, None))
        # Made here, on the workers, not by the parent for every order: where it was read ("file:row"; the
        # JSON path that tells a publication is looked at now) and its (buyer, id) digest.
        self.source, self.published, self.same_order = _source(order), _published(order), _same_order(order)


def portfolio_facts(order: Any) -> PortfolioFacts | None:
    """The facts RISK-02 needs of an order it counts, else None (bids, call-offs, incomplete orders)."""
    return PortfolioFacts(order) if _counted(order) is not None else None


class SplittingDetector:
    """RISK-02 fed one order at a time, in input order (the first copy of a duplicate is the one kept).

    Orders are known by their position: given to `add` with `ids` and `sources` (functions of a position:
    the streaming run's `procurement.ledger.Ledger`, which keeps every order's id and location anyway;
    the groups' columns are then `Resolved`, read through them), or numbered here with their id and
    source kept in a list (small batches; the columns are tuples).
    """

    def __init__(self, specific_services: Iterable[str] | None = None,
                 ids: Callable[[int], str] | None = None, sources: Callable[[int], str] | None = None):
        self.prefixes = tuple(specific_services) if specific_services is not None else SPECIFIC_SERVICES_CPV
        self.groups: dict[tuple, _Group] = {}
        self._own: list[tuple[str, str]] = []
        self.ids, self.sources = ids, sources
        self._suppliers: dict[str, int] = {}

    def add(self, order: Any, position: int | None = None) -> None:
        counted = _counted(order)
        if counted is None:
            return
        if position is None:
            assert self.ids is None, "a detector reading ids by position needs the position of each order"
            position = len(self._own)
            self._own.append((order.id, order.source if isinstance(order, PortfolioFacts) else _source(order)))
        key, day, kind = counted
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(getattr(order, "buyer_siret", None) or order.buyer_name.strip())
        supplier = _supplier_key(order)
        number = -1 if supplier is None else self._suppliers.setdefault(supplier, len(self._suppliers))
        amount = float(order.amount)
        group.add(position, order, number, amount, day)
        procedure = getattr(order, "procedure", None)
        for level, threshold in thresholds_on(kind, day).items():
            if procedure not in LIGHT[level] or amount >= threshold:
                continue
            if level == "eu" and is_specific_service(order.cpv, self.prefixes):
                continue
            columns = group.levels.get(level)
            if columns is None:
                columns = group.levels[level] = (array("q"), array("d"), [], array("q"))
            for column, value in zip(columns, (position, amount, threshold, number), strict=True):
                column.append(value)

    def _columns(self, positions: array) -> tuple[Sequence[str], Sequence[str]]:
        if self.ids is not None and self.sources is not None:
            return Resolved(positions, self.ids), Resolved(positions, self.sources)
        own = [self._own[p] for p in positions]
        return tuple(i for i, _ in own), tuple(src for _, src in own)

    def findings(self) -> list[PortfolioFinding]:
        findings: list[PortfolioFinding] = []
        for group in self.groups.values():
            group.settle()
        for (_buyer, cpv_class, kind, year), group in self.groups.items():
            for level in LEVELS:
                columns = group.levels.get(level)
                if columns is None or len(columns[0]) < 2:
                    continue
                positions, amounts, thresholds, suppliers = columns
                total = sum(amounts)
                threshold = max(thresholds)
                if total < threshold:
                    continue
                order_ids, sources = self._columns(positions)
                dropped = group.dropped.get(level)
                copies = self._columns(dropped)[0] if dropped else ()
                findings.append(PortfolioFinding(
                    rule=SPLITTING, buyer=group.buyer, cpv_class=cpv_class, contract_type=kind, year=year,
                    level=level, threshold=threshold, total=round(total, 2), order_ids=order_ids,
                    amounts=amounts if isinstance(order_ids, Resolved) else tuple(amounts),
                    suppliers=len({n for n in suppliers if n >= 0}),
                    duplicates=copies, sources=sources,
                ))
        findings.sort(key=lambda f: (f.buyer, f.year, f.cpv_class, f.contract_type, LEVELS.index(f.level)))
        return findings
