"""results.csv's lines joined by hand (`CsvSink.add`) are the csv writer's lines: the characters that
make the writer quote a cell are the ones the sink leaves to it, on the running Python, and a file
written by the sink is the file the writer makes of the plain rows, hostile cells included.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from contextlib import ExitStack
from pathlib import Path

import pytest

from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.write.results_csv import _QUOTED, CsvSink, headers, row

SAMPLES = Path(__file__).resolve().parent.parent / "samples"


@pytest.mark.parametrize("delimiter", [";", ","])
def test_the_writer_quotes_no_other_character(delimiter):
    quoted = set()
    for cp in [*range(0xD800), *range(0xE000, 0x10000), 0x1F600, 0x10FFFF]:
        cell = f"a{chr(cp)}b"
        out = io.StringIO()
        try:
            csv.writer(out, delimiter=delimiter).writerow(["x", cell, ""])
        except csv.Error:
            quoted.add(chr(cp))
            continue
        if out.getvalue() != delimiter.join(["x", cell, ""]) + "\r\n":
            quoted.add(chr(cp))
    assert {c for c in quoted if c != delimiter and not _QUOTED.search(c)} == set()


@pytest.fixture(scope="module")
def orders():
    result = run([SAMPLES / "commandes-2025.xlsx", SAMPLES / "decp-2024-bretagne.json"], load_rules(None, [], []))
    return result, list(result.orders)


class _Odd:
    def __init__(self, rule: str, status: str):
        self.rule, self.status = rule, status


def _hostile(orders, rule_ids):
    out = []
    texts = ["a;b", "a,b", 'say "hi"', "two\nlines", "cr\rhere", "nul\x00", "=1+1", "-2", "", "é ü €"]
    for s, text in zip(orders, texts, strict=False):
        src = s.order.source
        out.append(dataclasses.replace(s, order=s.order.model_copy(update={"id": text})))
        out.append(dataclasses.replace(s, order=s.order.model_copy(
            update={"source": src.model_copy(update={"file": text, "sheet": text or None})})))
    first = orders[0]
    out += [dataclasses.replace(first, findings=[*first.findings, _Odd(rule_ids[2], 'x"y')]),
            dataclasses.replace(first, findings=[*first.findings, _Odd(rule_ids[2], "a;b,c")]),
            dataclasses.replace(first, findings=[*first.findings, _Odd(rule_ids[2], "@x")]),
            dataclasses.replace(first, findings=first.findings[::-1])]
    return out


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_file_is_the_writers_file(orders, lang, tmp_path):
    result, scored = orders
    rule_ids = [r.id for r in result.rulebook.rules]
    batch = [*scored, *_hostile(scored, rule_ids), *scored]
    with ExitStack() as stack:
        sink = CsvSink(result, tmp_path, lang, stack)
        for s in batch:
            sink.add(s)
        sink.finish()
    expected = io.StringIO(newline="")
    expected.write("\ufeff")  # both languages (Excel reads the accents)
    writer = csv.writer(expected, delimiter="," if lang == "en" else ";")
    writer.writerow(headers(result, lang))
    for s in batch:
        writer.writerow(row(s, lang, sink.statuses, rule_ids, sink.added))
    assert (tmp_path / "results.csv").read_bytes() == expected.getvalue().encode("utf-8")
