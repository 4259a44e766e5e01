"""Scoring one raw record, and a chunk of them, the same way in this process or in a worker.

Why a module of its own: the streaming run (`procurement.pipeline.run`) hands chunks of records to
worker processes, which must do exactly what the single-process path does, and send back what the
parent needs in a form that crosses processes: the scored order pickled (findings hold compiled rule
closures, so they travel as their statuses and are rebuilt by `procurement.store`), the facts RISK-02
reads, and what the parent accounts for (duplicates, merged rows, waiver matches, register gains).
"""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass, field
from typing import Any

from procurement.engine import evaluate
from procurement.enrich import enrich
from procurement.model import Order, Rejection
from procurement.order_codec import pack
from procurement.order_identity import copy_key, order_key
from procurement.portfolio import PortfolioFacts, portfolio_facts
from procurement.read.base import RawRecord
from procurement.reference import cpv_known
from procurement.rulebook.book import STATUSES
from procurement.scoring import score_order
from procurement.spool_pieces import new_table, prepared
from procurement.validate import validate
from procurement.waivers import apply_waivers


@dataclass(slots=True)
class Context:
    """What scoring a record needs besides the record; workers inherit it when they are forked."""

    rulebook: Any
    directory: Any = None
    waivers: Any = None  # procurement.waivers.WaiverSet
    today: dt.date | None = None
    encode: str | None = None  # language of the results.json records to encode here, if any
    texts: str | None = None  # language of results.xlsx's finding texts to compute here, if any
    _encoder: Any = None
    _texts: Any = None
    _parts: dict[str, Any] = field(default_factory=dict)

    def _parts_in(self, lang: str) -> Any:
        """One `FindingParts` per language, shared by the JSON and the xlsx texts: a message is rendered once."""
        if lang not in self._parts:
            from procurement.write.finding_parts import FindingParts

            self._parts[lang] = FindingParts(self.rulebook.rules, lang)
        return self._parts[lang]

    def describer(self) -> Any:
        if self._texts is None:
            from procurement.write.xlsx_rows import FindingTexts

            lang = self.texts or "fr"
            self._texts = FindingTexts(self.rulebook.rules, lang, self._parts_in(lang))
        return self._texts

    def encoder(self) -> Any:
        if self._encoder is None:
            from procurement.write.records import OrderJson

            lang = self.encode or "fr"
            self._encoder = OrderJson(self.rulebook.rules, lang, self._parts_in(lang))
        return self._encoder


@dataclass(slots=True)
class Scored:
    """One record's result as the parent process accounts for it."""

    key: int  # digest of (buyer, id): ids are unique per buyer only (DECP)
    copy: int  # digest of (buyer, id, amount, date): `copy_key`
    id: str
    # Where the order was read, for the duplicate warning of a later copy and RISK-02's groups.
    file: str
    row: int | None
    path: str | None
    blob: bytes  # pickle of (order, raw statuses, scores, original, encoded, texts): see procurement.store
    facts: PortfolioFacts | None
    merged: int  # DECP rows merged into this order
    has_duplicate_warning: bool  # the reader already flagged the id as repeated


@dataclass(slots=True)
class ChunkResult:
    items: list[Scored | Rejection]
    gain: dict[str, int] = field(default_factory=dict)
    applied: dict[int, int] = field(default_factory=dict)  # waiver index -> findings waived
    blocked: dict[int, int] = field(default_factory=dict)  # waiver index -> matches refused (expired...)
    enriched: int = 0  # orders the supplier register completed
    filled: dict[str, int] = field(default_factory=dict)  # field -> orders the register filled it in
    statuses: list[str] = field(default_factory=list)  # statuses beyond the engine's (waived), first seen first


def _gain(before: list[Any], after: list[Any], gain: dict[str, int]) -> None:
    was_missing = {f.rule for f in before if f.status == "insufficient_data"}
    for f in after:
        if f.rule in was_missing and f.status != "insufficient_data":
            gain[f.rule] = gain.get(f.rule, 0) + 1


def score_record(record: RawRecord, ctx: Context, gain: dict[str, int] | None = None
                 ) -> Rejection | tuple[Order, list[Any], list[Any], Any]:
    """(order, engine findings, findings after waivers, scores), or the record's rejection."""
    result = validate(record, cpv_known)
    if isinstance(result, Rejection):
        return result
    order = result
    rulebook = ctx.rulebook
    if ctx.directory is not None:
        joined = ctx.directory.join(order)
        if joined is not order and gain is not None:
            _gain(evaluate(enrich(order), rulebook), evaluate(enrich(joined), rulebook), gain)
        order = joined
    order = enrich(order)
    raw = evaluate(order, rulebook)
    findings = raw
    if ctx.waivers is not None:  # accepted exceptions: wrapped as "waived", never dropped
        findings = apply_waivers(order, raw, ctx.waivers, ctx.today or dt.date.today())
    return order, raw, findings, score_order(findings, rulebook)


def score_chunk(records: list[RawRecord | Rejection], ctx: Context) -> ChunkResult:
    """Score a chunk for the streaming run; waiver matches are counted here and summed by the parent."""
    out = ChunkResult([])
    waivers, directory = ctx.waivers, ctx.directory
    before = (dict(waivers.applied), dict(waivers.blocked)) if waivers is not None else None
    if directory is not None:
        enriched, filled = directory.enriched_orders, dict(directory.filled)
    dumps = pickle.dumps
    json_pieces, text_pieces = new_table(), new_table()  # this chunk's pieces, given once (spool_pieces)
    fresh = True  # until the chunk's first blob: its readers start their tables afresh there
    for record in records:
        if isinstance(record, Rejection):
            out.items.append(record)
            continue
        result = score_record(record, ctx, out.gain)
        if isinstance(result, Rejection):
            out.items.append(result)
            continue
        order, raw, findings, scores = result
        encoded = texts = None
        if ctx.encode is not None:
            from procurement.pipeline import ScoredOrder

            scored = ScoredOrder(order, findings, scores, record.original)
            encoded = prepared(ctx.encode, ctx.encoder().findings(scored), json_pieces, fresh)
        if ctx.texts is not None:
            describe = ctx.describer()
            texts = prepared(ctx.texts, (None if f.status == "not_applicable" else describe(f) for f in findings),
                             text_pieces, fresh)
        fresh = False
        if len(scores.counts) > len(STATUSES):
            out.statuses += [s for s in scores.counts if s not in STATUSES and s not in out.statuses]
        # The prepared parts and the user's row pickled apart: a writing pass decodes only those its outputs read.
        original = record.original
        blob = dumps((pack(order), tuple(f.status for f in raw), scores,
                      None if original is None else dumps(original, protocol=5),
                      None if encoded is None else dumps(encoded, protocol=5),
                      None if texts is None else dumps(texts, protocol=5)), protocol=5)
        key = order_key(order)
        out.items.append(Scored(
            key, copy_key(order, key), order.id, order.source.file, order.source.row, order.source.path, blob,
            portfolio_facts(order), len(order.source.merged_rows),
            any(w.code == "duplicate_id" for w in order.warnings),
        ))
    if waivers is not None and before is not None:
        out.applied = _delta(waivers.applied, before[0])
        out.blocked = _delta(waivers.blocked, before[1])
    if directory is not None:
        out.enriched = directory.enriched_orders - enriched
        out.filled = _delta(directory.filled, filled)
    return out


def _delta(now: dict[Any, int], before: dict[Any, int]) -> dict[Any, int]:
    return {k: v - before.get(k, 0) for k, v in now.items() if v != before.get(k, 0)}
