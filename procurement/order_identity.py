"""When two rows are the same order: one definition for the duplicate warnings, the summary and RISK-02.

Why a module of its own: the streaming run (procurement.scorer, procurement.ledger), the in-memory run
(procurement.pipeline.process) and RISK-02's copies (procurement.portfolio) must agree on it, and
portfolio cannot import the scorer (the scorer imports portfolio's facts).

    order_key   (buyer, id): ids are unique per buyer only (DECP: two buyers may both have "2025-001");
                the buyer is its SIRET, else its name.
    copy_key    (buyer, id, amount at notification, date): one order read twice — a file exported twice,
                overlapping extracts, a DECP contract published again with an amendment. The same id with
                another amount or date is another order: lines of one purchase order, an id reused or left
                as a placeholder (« NC »).

Both are exact and the same in every process: blake2b of the text for the key, and `hash` of a tuple
of numbers for the copy (no string, no None: hash(None) varies between processes before Python 3.12).
Orders and `portfolio.PortfolioFacts` alike are read through getattr.
"""

from __future__ import annotations

import hashlib
from typing import Any

DUPLICATE_ORDER = "duplicate_order"  # the warning on a copy of an order: procurement.pipeline.dedupe_warning


def order_key(order: Any) -> int:
    text = f"{getattr(order, 'buyer_siret', None) or getattr(order, 'buyer_name', None) or ''}\x1f{order.id}"
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def copy_key(order: Any, key: int) -> int:
    """`key` (the order's `order_key`) with the amount at notification (`threshold_amount`: the initial
    amount of an amended contract, else the amount) and the date (of notification, else of launch)."""
    amount = getattr(order, "threshold_amount", None)
    if amount is None:
        amount = getattr(order, "amount", None)
    day = getattr(order, "notification_date", None) or getattr(order, "launch_date", None)
    return hash((key, amount is None, float(amount or 0.0), day.toordinal() if day else 0))
