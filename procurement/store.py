"""The scored orders of a streaming run, kept pickled and rebuilt one at a time when read.

Why: writers read every order, some of them twice, but a run must not hold a million orders as
objects (about 10 KB each with findings and scores). Each pass over `OrderStore` replays the spool:
the order (kept as its values, `procurement.order_codec`), its engine statuses and scores are
unpickled, the findings rebuilt from the statuses (the engine's `Finding` is the rule, the status and
the order's values: nothing is re-evaluated), and what only the whole batch decides is added: the
duplicate-id warning of a later copy, and RISK-02's portfolio findings with the scores recomputed. A
pass gives the same objects as the in-memory path.
"""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from array import array
from bisect import bisect_left
from collections.abc import Iterator
from itertools import islice
from typing import Any

from procurement.engine import Finding
from procurement.order_codec import unpack
from procurement.scoring import rescore, score_order
from procurement.spool import Spool
from procurement.spool_pieces import read as pieces
from procurement.waivers import WaiverIndex, apply_waivers

_MANY = 32  # entries under one digest from which `Members.of` keeps its answer


class Members:
    """Which RISK-02 groups concern an order: those listing it or a copy of it (the same buyer, id, amount
    and date, `procurement.order_identity.copy_key`: a contract published twice is counted once in its group, and
    both copies are told). Another order under the same id (another amount or date: a line of the same
    purchase order, a placeholder id « NC ») is not concerned, nor an order of another buyer with the same
    id: DECP ids ("2024-001") are unique per buyer only. Three flat arrays sorted by the copy digest the
    ledger keeps for every order, about 24 bytes per order listed, where a dict of ids to lists of groups
    took 130 (64 MB at a million orders); a digest found is confirmed on the id itself."""

    def __init__(self, groups: list[Any], ledger: Any):
        copies = ledger.copies
        packed = sorted((copies[p] << 96) | (g << 64) | p for g, group in enumerate(groups)
                        for p in group.order_ids.positions)
        self.digests = array("Q", (e >> 96 for e in packed))
        self.group_of = array("Q", ((e >> 64) & 0xFFFFFFFF for e in packed))
        self.positions = array("Q", (e & 0xFFFFFFFFFFFFFFFF for e in packed))
        self.groups, self.ledger = groups, ledger
        self._many: dict[tuple[int, str], list[Any]] = {}  # answers for digests listed more than _MANY times

    def __bool__(self) -> bool:
        return bool(self.digests)

    def of(self, position: int, order_id: str) -> list[Any]:
        """The groups concerning the order at `position`, each once (a group listing several copies of
        it is one verdict, not one per copy), in the order of the run's groups. An id many orders share
        (a file read many times over) is answered once: its copies would otherwise each go through all
        the others, the square of their number."""
        digest = self.ledger.copies[position]
        k = bisect_left(self.digests, digest)
        end = bisect_left(self.digests, digest + 1) if digest < 0xFFFFFFFFFFFFFFFF else len(self.digests)
        if end - k > _MANY:
            done = self._many.get((digest, order_id))
            if done is None:
                done = self._many[digest, order_id] = self._groups_of(k, end, order_id)
            return list(done)
        return self._groups_of(k, end, order_id)

    def _groups_of(self, start: int, end: int, order_id: str) -> list[Any]:
        id_of, group_of, out, last = self.ledger.id, self.group_of, [], -1
        for k in range(start, end):
            g = group_of[k]
            if g != last and id_of(self.positions[k]) == order_id:  # entries sorted by group: copies together
                out.append(self.groups[g])
                last = g
        return out

    def by_order(self) -> Iterator[tuple[str, list[Any]]]:
        """(id, its groups, each once) for every order listed, copies of an order once."""
        k, n, id_of = 0, len(self.digests), self.ledger.id
        while k < n:
            digest, ids = self.digests[k], {}
            while k < n and self.digests[k] == digest:
                groups = ids.setdefault(id_of(self.positions[k]), [])
                group = self.groups[self.group_of[k]]
                if not groups or groups[-1] is not group:
                    groups.append(group)
                k += 1
            yield from ids.items()


class OrderStore:
    """A read-only sequence of `ScoredOrder`; iterating replays the spool (see module docstring)."""

    def __init__(self, spool: Spool, rulebook: Any, *, waivers: Any = None, today: dt.date | None = None,
                 duplicates: dict[int, tuple[str, bool]] | None = None):
        self.spool = spool
        self.rulebook = rulebook
        # Replays apply waivers without recording matches: the first pass counted them once.
        self.waivers = WaiverIndex(waivers.waivers) if waivers is not None else None
        self.today = today
        self.duplicates = duplicates or {}  # order index -> (where the id was first read, copy): Ledger.duplicates
        self.portfolio: Members | None = None  # the RISK-02 groups concerning each order
        self.portfolio_rule: Any = None
        self.statuses: list[str] = []  # statuses beyond the engine's four that some order was counted under
        # What the workers prepared and this pass's outputs do not read ("encoded", "texts"), and the user's
        # row ("original"), which only results.xlsx repeats: left pickled.
        self.skip: frozenset[str] = frozenset()

    def without(self, *prepared: str) -> OrderStore:
        """The same orders, replayed without decoding these prepared parts (a writer that does not read
        them would recompute nothing: only the time to unpickle them is saved)."""
        other = copy.copy(self)
        other.skip = frozenset(prepared)
        return other

    def __len__(self) -> int:
        return len(self.spool)

    def __iter__(self) -> Iterator[Any]:
        from procurement.pipeline import ScoredOrder, dedupe_warning

        book, loads = self.rulebook, pickle.loads
        plan, values = [rule for rule, _ in book.plan], book.values
        waivers, today, duplicates, portfolio = self.waivers, self.today, self.duplicates, self.portfolio
        skip = self.skip
        json_pieces: list[Any] = []  # the current chunk's pieces (procurement.spool_pieces)
        text_pieces: list[Any] = []
        for index, blob in enumerate(self.spool):
            order, statuses, scores, original, encoded, texts = loads(blob)
            order = unpack(order)
            vals = values(order)
            findings: list[Any] = [Finding(r, s, vals, book) for r, s in zip(plan, statuses, strict=True)]
            if waivers:
                findings = apply_waivers(order, findings, waivers, today)
            if index in duplicates:
                order = dedupe_warning(order, *duplicates[index])
            concerned = portfolio.of(index, order.id) if portfolio else None
            if concerned:
                from procurement.portfolio_findings import PortfolioOrderFinding

                added = [PortfolioOrderFinding(g, self.portfolio_rule, order.id) for g in concerned]
                findings.extend(added)
                if waivers:  # a waiver may concern the added verdicts: all are scored again
                    findings = apply_waivers(order, findings, waivers, today)
                    scores = score_order(findings, book, scores.missing)
                else:
                    scores = rescore(scores, added) or score_order(findings, book, scores.missing)
            yield ScoredOrder(order, findings, scores,
                              loads(original) if original is not None and "original" not in skip else None,
                              pieces(loads(encoded), json_pieces) if encoded is not None and "encoded" not in skip
                              else None,
                              pieces(loads(texts), text_pieces) if texts is not None and "texts" not in skip
                              else None)

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            return list(islice(self, start, stop, step))
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(islice(self, index, None))

    def close(self) -> None:
        self.spool.close()
