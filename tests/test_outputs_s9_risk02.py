"""RISK-02 (possible splitting, judged over the whole batch) accounted for in results.csv and results.xlsx as
it is in the scores.

A review found its fails counted in the nb_* columns and the scores of results.csv (142 rows of the samples
where nb_* differed from the rule columns) with no column of its own, nor a sheet, nor a word in
« Lisez-moi ». Each order now has its RISK-02 status and the number of its groups (since 2026-11-27 the scores
and the counts take the rule once, under its worst status: an order of two groups, dispensation and EU
threshold, counts one failure), and every row's counts by status add up from its own columns.
`fractionnement.csv`: eight orders of one buyer in both groups, a MAPA order in the EU group only, an order of
another buyer in none.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.commands import load_rules
from procurement.pipeline import run
from procurement.portfolio_findings import PORTFOLIO_RULE_IDS
from procurement.waivers import parse_waivers
from procurement.write import forked, outputs, results_xlsx
from procurement.write.outputs import write_outputs
from procurement.write.results_xlsx import write_results_xlsx
from procurement.write.xlsx_rows import Columns, RowBuilder
from procurement.write.xlsx_shared import Share

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
DATA = Path(__file__).resolve().parent / "data" / "outputs_s9" / "fractionnement.csv"
REPRO = [SAMPLES / "commandes-2025.xlsx", SAMPLES / "commandes-2025.csv", SAMPLES / "decp-2024-bretagne.json",
         SAMPLES / "decp-2019-pes-extrait.json"]
CSV_COUNTS = {
    "fr": {"pass": "nb_conforme", "fail": "nb_non_conforme", "insufficient_data": "nb_donnees_insuffisantes",
           "not_applicable": "nb_sans_objet", "waived": "nb_derogation"},
    "en": {s: f"n_{s}" for s in ("pass", "fail", "insufficient_data", "not_applicable", "waived")},
}
GROUPS = {"fr": "nb_groupes_RISK-02", "en": "n_groups_RISK-02"}


def _score(*args: str) -> None:
    result = CliRunner().invoke(main, ["score", *args])
    assert result.exit_code in (0, 1), result.output + str(result.exception)


def _csv(path: Path, lang: str) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=";" if lang == "fr" else ","))


@pytest.fixture(scope="module")
def outs(tmp_path_factory):
    """The splitting data in French and English, and the review's repro set (samples, supplier register)."""
    base = tmp_path_factory.mktemp("risk02")
    made = {}
    for lang in ("fr", "en"):
        made[lang] = base / lang
        _score(str(DATA), "--out", str(made[lang]), "--lang", lang, "--format", "csv", "--format", "xlsx",
               "--format", "json", "--quiet")
    made["repro"] = base / "repro"
    _score(*map(str, REPRO), "--suppliers", str(SAMPLES / "fournisseurs.csv"), "--out", str(made["repro"]),
           "--format", "csv", "--format", "xlsx", "--format", "json", "--quiet")
    return made


def _reconcile_csv(rows: list[list[str]], rule_ids: list[str], lang: str) -> int:
    """Every row's nb_* = the statuses of its rule columns, RISK-02 counted once whatever its groups; rows
    checked."""
    head = rows[0]
    rule_at = [head.index(r) for r in rule_ids]
    risk, groups = head.index("RISK-02"), head.index(GROUPS[lang])
    assert groups < min(rule_at), "the number of groups sits with the counts, before the rule columns"
    counted = {s: head.index(name) for s, name in CSV_COUNTS[lang].items() if name in head}
    for row in rows[1:]:
        n = int(row[groups])
        assert (row[risk] == "") == (n == 0), row[0]
        for status, at in counted.items():
            expected = sum(row[i] == status for i in rule_at)
            assert int(row[at]) == expected, (row[0], status, row[risk], n)
    return len(rows) - 1


@pytest.mark.parametrize("name", ["fr", "en", "repro"])
def test_every_csv_row_counts_add_up_from_its_own_columns(outs, name):
    lang = "en" if name == "en" else "fr"
    doc = json.loads((outs[name] / "results.json").read_text(encoding="utf-8"))
    rule_ids = list(doc["meta"]["rules"])
    assert "RISK-02" in rule_ids and doc["portfolio"]
    assert _reconcile_csv(_csv(outs[name] / "results.csv", lang), rule_ids, lang) == len(doc["orders"])


@pytest.mark.parametrize("name", ["fr", "repro"])
def test_the_risk02_columns_say_what_results_json_says(outs, name):
    doc = json.loads((outs[name] / "results.json").read_text(encoding="utf-8"))
    rows = _csv(outs[name] / "results.csv", "fr")
    head = rows[0]
    for row, order in zip(rows[1:], doc["orders"], strict=True):
        found = [f["status"] for f in order["findings"] if f["rule"] == "RISK-02"]
        assert row[head.index(GROUPS["fr"])] == str(len(found)), order["id"]
        assert row[head.index("RISK-02")] == ("fail" if "fail" in found else found[0] if found else "")
    by_id = {row[0]: row for row in rows[1:]}
    if name == "fr":
        groups = head.index(GROUPS["fr"])
        assert [by_id[i][groups] for i in ("BC25-S01", "BC25-M01", "BC25-X01")] == ["2", "1", "0"]
        assert by_id["BC25-S01"][head.index("nb_non_conforme")] == "1"  # two groups, one rule


def _sheet(ws) -> list[tuple]:
    return list(ws.iter_rows(values_only=True))


@pytest.mark.parametrize("name", ["fr", "en", "repro"])
def test_the_results_sheet_has_risk02_and_its_counts_add_up(outs, name):
    lang = "en" if name == "en" else "fr"
    doc = json.loads((outs[name] / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(outs[name] / "results.xlsx")
    ws = wb["Results" if lang == "en" else "Résultats"]
    rows = _sheet(ws)
    head = list(rows[0])
    groups = head.index("RISK-02: groups" if lang == "en" else "RISK-02 : groupes")
    rules = [head.index(r) for r in doc["meta"]["rules"]]
    assert groups < min(rules) and head[max(rules)] == "RISK-02"
    labels = {"fr": {"pass": "conforme", "fail": "non conforme", "insufficient_data": "données insuffisantes",
                     "not_applicable": "sans objet"},
              "en": {"pass": "pass", "fail": "fail", "insufficient_data": "insufficient data",
                     "not_applicable": "not applicable"}}[lang]
    count_head = "Rules: {label}" if lang == "en" else "Règles : {label}"
    for row, order in zip(rows[1:], doc["orders"], strict=True):
        n = row[groups]
        assert n == sum(f["rule"] == "RISK-02" for f in order["findings"]), order["id"]
        for status, label in labels.items():
            expected = sum(row[i] == label for i in rules)  # RISK-02 once, whatever its groups
            assert row[head.index(count_head.format(label=label))] == expected, (order["id"], status)


@pytest.mark.parametrize("name", ["fr", "repro"])
def test_the_risk02_sheet_lists_each_finding_with_message_and_evidence(outs, name):
    doc = json.loads((outs[name] / "results.json").read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(outs[name] / "results.xlsx")
    rows = _sheet(wb["RISK-02"])
    assert rows[0][0].startswith("RISK-02 — ")
    expected = [(o["id"], f["message"]) for o in doc["orders"] for f in o["findings"] if f["rule"] == "RISK-02"]
    listed = rows[2:]
    assert [(r[0], r[5]) for r in listed] == expected
    assert all(r[4] == "non conforme" and r[6] and "group_sum_gte" in r[6] for r in listed)


def test_read_me_explains_risk02_and_every_column(outs):
    for lang in ("fr", "en"):
        wb = openpyxl.load_workbook(outs[lang] / "results.xlsx")
        sheet = wb["Read me" if lang == "en" else "Lisez-moi"]
        text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
        for header in (c.value for c in wb["Results" if lang == "en" else "Résultats"][1]):
            assert header in text, f"column {header!r} is not explained"
        assert ("portfolio rule" if lang == "en" else "règle de portefeuille") in text
        assert ("Possible splitting" if lang == "en" else "Fractionnement possible") in text


def test_a_waived_risk02_is_waived_in_its_column_and_still_adds_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    book = load_rules(None, [], [])
    waivers = parse_waivers(
        b"waivers:\n  - order: 'BC25-S0*'\n    rule: RISK-02\n    justification: Lots distincts.\n"
        b"    author: M. Test\n    date: 2020-01-01\n", "w.yaml", [*(r.id for r in book.rules), *PORTFOLIO_RULE_IDS])
    result = run([DATA], book, waivers=waivers)
    write_outputs(result, tmp_path, "fr", ["json", "csv", "xlsx"])
    rows = _csv(tmp_path / "results.csv", "fr")
    head = rows[0]
    rule_ids = list(json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["meta"]["rules"])
    assert _reconcile_csv(rows, rule_ids, "fr") == 10
    by_id = {row[0]: row for row in rows[1:]}
    assert by_id["BC25-S01"][head.index("RISK-02")] == "waived"
    assert by_id["BC25-S01"][head.index("nb_derogation")] == "1"  # two waived groups, one rule
    assert by_id["BC25-M01"][head.index("RISK-02")] == "fail"
    wb = openpyxl.load_workbook(tmp_path / "results.xlsx")
    assert [r[4] for r in _sheet(wb["RISK-02"])[2:4]] == ["dérogation", "dérogation"]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_both_workbook_writers_give_the_same_cells_with_risk02(tmp_path, monkeypatch, lang):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    result = run([DATA, SAMPLES / "commandes-2025.csv"], load_rules(None, [], []))
    books = {}
    for writer in ("openpyxl", "fast"):
        write_results_xlsx(result, tmp_path / writer, lang, writer=writer)
        wb = openpyxl.load_workbook(tmp_path / writer / "results.xlsx")
        books[writer] = {ws.title: _sheet(ws) for ws in wb.worksheets}
    assert "RISK-02" in books["fast"]
    assert books["openpyxl"] == books["fast"]


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("only_risk02", [True, False])
def test_the_risk02_sheet_made_by_the_parent_gives_the_same_workbook(tmp_path, monkeypatch, only_risk02):
    """The parent may make RISK-02's sheet for the process writing the workbook (xlsx_shared.py): the rows
    it finds by position (`RowBuilder.rule_rows_at`) are those one process finds, the bytes the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    monkeypatch.setenv(results_xlsx.WRITER_ENV, "fast")
    result = run([DATA, SAMPLES / "commandes-2025.csv"], load_rules(None, [], []))
    formats = ["json", "csv", "xlsx", "html"]
    write_outputs(result, tmp_path / "one", "fr", formats, jobs=1)
    index = [r.id for r in result.rules()].index("RISK-02")
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    chosen: list = []

    def share(*args):
        made = Share(frozenset({index})) if only_risk02 else Share(frozenset(range(index + 1)))
        chosen.append(sorted(made.rules))
        return made

    monkeypatch.setattr(outputs, "_share", share)
    write_outputs(result, tmp_path / "two", "fr", formats, jobs=2)
    assert chosen and index in chosen[0]
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_rule_rows_found_by_position_are_the_rows_of_the_whole_pass():
    result = run([DATA, SAMPLES / "commandes-2025.csv"], load_rules(None, [], []))
    builder = RowBuilder(result, "fr", Columns())
    everything = list(range(len(builder.rules)))
    assert builder.rules[-1] == "RISK-02"
    several = 0
    for scored in result.orders:
        room = [10**6] * len(everything)
        _, _, rows = builder.rows(scored, False, room)
        at = builder.rule_rows_at(scored, everything, [10**6] * len(everything))
        assert at is not None
        assert sorted(at, key=lambda r: r[0]) == sorted(rows, key=lambda r: r[0])
        several += sum(1 for i, _ in rows if i == everything[-1]) > 1
    assert several == 8


def test_a_batch_without_a_group_lists_risk02_all_the_same(tmp_path):
    """RISK-02 was left out of meta.rules and of results.csv's columns when the batch had no group, so two
    months' files had different columns and `diff` called the same rulebook « modifié, règles retirées :
    RISK-02 ». It is listed whenever it runs; with --ignore RISK-02 it is not."""
    small = tmp_path / "small.csv"
    small.write_text("".join(DATA.read_text(encoding="utf-8-sig").splitlines(keepends=True)[:2]), encoding="utf-8")
    _score(str(small), "--out", str(tmp_path / "none"), "--format", "json", "--format", "csv")
    _score(str(DATA), "--out", str(tmp_path / "groups"), "--format", "json", "--format", "csv")
    none, groups = (json.loads((tmp_path / d / "results.json").read_text(encoding="utf-8")) for d in ("none", "groups"))
    assert none["portfolio"] == [] and groups["portfolio"]
    assert list(none["meta"]["rules"]) == list(groups["meta"]["rules"]) and "RISK-02" in none["meta"]["rules"]
    with (tmp_path / "none" / "results.csv").open(encoding="utf-8-sig") as fh:
        (row,) = csv.DictReader(fh, delimiter=";")
    assert (row["RISK-02"], row[GROUPS["fr"]]) == ("", "0")
    diff = CliRunner().invoke(main, ["diff", str(tmp_path / "groups"), str(tmp_path / "none"), "--out",
                                     str(tmp_path / "d")])
    assert "règles retirées" not in diff.output, diff.output
    _score(str(small), "--out", str(tmp_path / "ignored"), "--format", "json", "--ignore", "RISK-02")
    ignored = json.loads((tmp_path / "ignored" / "results.json").read_text(encoding="utf-8"))
    assert "RISK-02" not in ignored["meta"]["rules"]


def test_read_me_counts_the_rulebook_rules_risk02_adds_to_in_agreement(tmp_path):
    """With one rule selected, « Lisez-moi » said RISK-02 « s'ajoute aux 1 règles du référentiel »."""
    _score(str(DATA), "--select", "ENV-01", "--select", "RISK-02", "--out", str(tmp_path), "--format", "xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "results.xlsx")["Lisez-moi"]
    text = "\n".join(str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None)
    assert "s'ajoute à 1 règle du référentiel" in text and "aux 1 règles" not in text
