"""Each writing pass decodes what its outputs read of the spool, and only that (procurement.write.outputs):
the findings' JSON for results.json(l) and the report's fail messages, the workbook's texts and the user's
row for results.xlsx. A part decoded for nothing costs every order of a million-order run."""

from __future__ import annotations

import pytest

from procurement.store import OrderStore
from procurement.write import outputs


class _Store(OrderStore):
    def __init__(self) -> None:  # no spool: only `without` is asked
        self.skipped: tuple[str, ...] = ()

    def without(self, *prepared: str) -> _Store:
        self.skipped = prepared
        return self


class _Run:
    def __init__(self) -> None:
        self.orders = _Store()


@pytest.mark.parametrize(("names", "skipped"), [
    (["html", "csv", "summary"], ("texts", "original")),
    (["json"], ("texts", "original")),
    (["csv"], ("encoded", "texts", "original")),
    (["xlsx"], ("encoded",)),
    (["json", "xlsx", "html"], ()),
])
def test_each_pass_leaves_pickled_what_its_outputs_do_not_read(names, skipped):
    assert outputs._replay(_Run(), names).skipped == skipped
