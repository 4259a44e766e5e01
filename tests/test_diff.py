"""`procurement diff`: two runs of `procurement score` (made here through click) compared.

The inputs are small CSV files written by each test: a month of orders, then the next month with one
order fixed, one new, one gone. The comparison is checked as JSON, as console text and as a page.
These are tests of the comparison's mechanics: the runs use the small rulebook tests/data/diff/regles.yaml
(ENV-01 and SOC-01 only), never the Métropole's, whose rules grow from one version to the next.
"""

from __future__ import annotations

import io
import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.diff import _Stream, compare, diff_dirs, direction, iter_results, load_run, summary_text
from procurement.errors import InputError

RULES = Path(__file__).resolve().parent / "data" / "diff" / "regles.yaml"
RULES_V2 = RULES.with_name("regles-v2.yaml")  # ECO-01 added, SOC-01 disabled
HEADER = ("Référence;Acheteur;Libellé;Nature du marché;Montant HT;Date de notification;Titulaire;"
          "CP fournisseur;Pays;Considérations environnementales;Considérations sociales\n")
NOVEMBER = HEADER + (
    "BC25-0001;Voirie;Enrobés rue Paradis;Marché;12500;14/03/2025;Provence Enrobés;13008;FR;"
    "Clause environnementale;Pas de considération sociale\n"
    "BC25-0002;Voirie;Panneaux;Marché;8400;02/04/2025;Signalisation Sud;83000;FR;"
    "Pas de considération environnementale;Clause sociale\n"
    "BC25-0003;Voirie;Bordures;Marché;3000;02/05/2025;Lyon Voirie;69003;FR;;\n"
)
DECEMBER = HEADER + (
    "BC25-0001;Voirie;Enrobés rue Paradis;Marché;12500;14/03/2025;Provence Enrobés;13008;FR;"
    "Clause environnementale;Clause sociale\n"
    "BC25-0002;Voirie;Panneaux <script>alert(1)</script>;Marché;8400;02/04/2025;Signalisation Sud;83000;FR;"
    "Pas de considération environnementale;Pas de considération sociale\n"
    "BC25-0004;Voirie;Études;Marché;1000;02/06/2025;Conseil Marseille;13001;FR;Clause environnementale;\n"
)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def score(tmp_path: Path, name: str, text: str, *options: str, csv_name: str | None = None,
          rules: Path = RULES) -> Path:
    src = tmp_path / (csv_name or f"{name}.csv")
    src.write_text(text, encoding="utf-8")
    out = tmp_path / name
    result = invoke("score", str(src), "--out", str(out), "--format", "json", "--quiet", "--rules", str(rules),
                    *options)
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture
def runs(tmp_path, monkeypatch) -> tuple[Path, Path]:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")  # 2025-12-01
    return (score(tmp_path, "nov", NOVEMBER, csv_name="commandes.csv"),
            score(tmp_path, "dec", DECEMBER, csv_name="commandes-dec.csv"))


def test_orders_added_removed_and_verdicts_changed(runs):
    old, new = runs
    result = diff_dirs(old, new)
    orders = result["orders"]
    assert (orders["old"], orders["new"], orders["common"]) == (3, 3, 2)
    assert [o["id"] for o in orders["added"]] == ["BC25-0004"]
    assert [o["id"] for o in orders["removed"]] == ["BC25-0003"]
    changed = {c["id"]: c for c in orders["changed"]}
    assert set(changed) == {"BC25-0001", "BC25-0002"}
    assert changed["BC25-0001"]["verdicts"] == [{"rule": "SOC-01", "before": "fail", "after": "pass",
                                                 "direction": "better"}]
    assert changed["BC25-0002"]["verdicts"] == [{"rule": "SOC-01", "before": "pass", "after": "fail",
                                                 "direction": "worse"}]
    assert (orders["better"], orders["worse"], orders["other"]) == (1, 1, 0)
    # chantier 4 (social) moved for both orders, and the overall score with it
    scores = {s["chantier"]: s for s in changed["BC25-0001"]["scores"]}
    assert scores[4]["before"] == 0 and scores[4]["after"] == 100 and scores[4]["delta"] == 100
    assert None in scores and 2 not in scores  # environmental chantier unchanged for BC25-0001


def test_aggregate_scores_and_rule_counts(runs):
    result = diff_dirs(*runs)
    agg = result["aggregate"]
    by_chantier = {c["chantier"]: c for c in agg["chantiers"]}
    assert by_chantier[4]["before"] == pytest.approx(50) and by_chantier[4]["after"] == pytest.approx(50)
    assert by_chantier[1]["before"] is None and by_chantier[1]["delta"] is None  # no rule of chantier 1 ran
    soc = next(r for r in agg["rules"] if r["rule"] == "SOC-01")
    assert soc["before"]["fail"] == 1 and soc["before"]["insufficient_data"] == 1
    assert soc["after"]["fail"] == 1 and soc["after"]["pass"] == 1


def test_provenance_rulebook_and_inputs(runs):
    result = diff_dirs(*runs)
    assert result["rulebook"]["changed"] is False
    assert (result["rulebook"]["new"]["id"], result["rulebook"]["new"]["version"]) == ("diff-test", "1.0.0")
    (inp,) = result["inputs"]
    assert inp["status"] == "replaced" and inp["old_path"].endswith("commandes.csv")
    assert inp["old_sha256"] != inp["new_sha256"] and len(inp["new_sha256"]) == 64
    assert result["old"]["generated_at"] == "2025-12-01T00:00:00+00:00"


def test_cli_prints_french_summary_and_writes_the_page(runs):
    old, new = runs
    res = invoke("diff", str(old), str(new))
    assert res.exit_code == 0, res.stderr
    out = res.stdout
    assert "Comparaison de deux analyses" in out
    assert "Référentiel : inchangé, diff-test 1.0.0" in out
    assert "Fichiers : commandes.csv remplacé par commandes-dec.csv" in out
    assert "Commandes : 3 → 3 ; 1 nouvelle, 1 retirée, 2 communes" in out
    assert "Verdicts : 2 changements sur 2 commandes : 1 meilleur, 1 moins bon, 0 autre" in out
    assert "BC25-0001 SOC-01 : non conforme → conforme" in out
    assert "chantier 4 — Lien social" in out
    page = new / "diff.html"
    assert f"Page : {page}" in out
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and 'lang="fr"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    assert "<link" not in html and "src=" not in html  # self-contained
    assert "BC25-0004" in html and "BC25-0003" in html and "moins bon" in html


def test_the_pages_footer_names_the_programs_by_their_digests(runs, tmp_path):
    """English review: every page's footer repeats `meta.build` (README), diff.html's did not; it gave each run's
    version alone. It names the program that wrote it, then each run's, each by its two digests."""
    from procurement.provenance import build_digests

    old, new = runs
    code, data = build_digests()["code_sha256"][:12], build_digests()["data_sha256"][:12]
    for lang, words in (("fr", ("Page écrite par", "code sha256", "données sha256")),
                        ("en", ("Page written by", "code sha256", "data sha256"))):
        target = tmp_path / f"{lang}.html"
        assert invoke("diff", str(old), str(new), "--lang", lang, "--out", str(target)).exit_code == 0
        footer = target.read_text(encoding="utf-8").split("<footer>")[1]
        writer = footer.split('<p class="writer">')[1].split("</p>")[0]
        assert writer.startswith(words[0]) and "procurement 0." in writer
        assert f"{words[1]} {code}…" in writer and f"{words[2]} {data}…" in writer
        # the two runs, written by the same program here
        assert footer.count(f"{words[1]} {code}…") == 3 and footer.count(f"{words[2]} {data}…") == 3
    # a run written before its program's digests were recorded says so by « — »
    doc = json.loads((old / "results.json").read_text(encoding="utf-8"))
    del doc["meta"]["build"]
    (old / "results.json").write_text(json.dumps(doc), encoding="utf-8")
    target = tmp_path / "older.html"
    assert invoke("diff", str(old), str(new), "--out", str(target)).exit_code == 0
    footer = target.read_text(encoding="utf-8").split("<footer>")[1]
    assert "code sha256 —" in footer and footer.count(f"code sha256 {code}…") == 2


def test_cli_english_json_and_out_file(runs, tmp_path):
    old, new = runs
    target = tmp_path / "elsewhere" / "changes.html"
    res = invoke("diff", str(old), str(new), "--lang", "en", "--json", "--out", str(target))
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["orders"]["verdicts_changed"] == 2 and doc["inputs"][0]["status"] == "replaced"
    assert target.is_file() and not (new / "diff.html").exists()
    assert 'lang="en"' in target.read_text(encoding="utf-8")
    res = invoke("diff", str(old), str(new), "--lang", "en")
    assert "Orders: 3 → 3; 1 new, 1 removed, 2 in both" in res.stdout
    assert "BC25-0002 SOC-01: pass → fail" in res.stdout
    assert invoke("diff", str(old), str(new), "--quiet").stdout == ""


def test_identical_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    a = score(tmp_path, "a", NOVEMBER, csv_name="same.csv")
    b = score(tmp_path, "b", NOVEMBER, csv_name="same.csv")
    result = diff_dirs(a, b)
    assert result["orders"]["changed"] == [] and result["orders"]["added"] == []
    assert result["inputs"][0]["status"] == "same"
    text = summary_text(result)
    assert "aucun verdict changé" in text and "Fichiers : tous inchangés" in text
    assert all(c["delta"] in (0, None) for c in result["aggregate"]["chantiers"])


def test_rulebook_change_is_noted(tmp_path):
    a = score(tmp_path, "a", NOVEMBER, csv_name="c.csv")
    b = score(tmp_path, "b", NOVEMBER, "--ignore", "SOC", csv_name="c.csv")
    result = diff_dirs(a, b)
    assert result["rulebook"]["rules_removed"] == ["SOC-01"] and result["rulebook"]["rules_added"] == []
    changed = result["orders"]["changed"]
    assert {v["rule"] for c in changed for v in c["verdicts"]} == {"SOC-01"}
    assert all(v["after"] is None and v["direction"] == "other" for c in changed for v in c["verdicts"])
    text = summary_text(result)
    assert "Référentiel : modifié" in text and "règles retirées : SOC-01" in text
    assert "SOC-01 : non conforme → —" in text


def test_rulebook_version_change_adds_and_removes_rules(tmp_path):
    a = score(tmp_path, "a", NOVEMBER, csv_name="c.csv")
    b = score(tmp_path, "b", NOVEMBER, csv_name="c.csv", rules=RULES_V2)
    result = diff_dirs(a, b)
    book = result["rulebook"]
    assert book["changed"] is True and (book["old"]["version"], book["new"]["version"]) == ("1.0.0", "2.0.0")
    assert book["old"]["sha256"] != book["new"]["sha256"]
    assert book["rules_added"] == ["ECO-01"] and book["rules_removed"] == ["SOC-01"]
    # Same data: ENV-01 moves for no order; each order gains ECO-01 (amount given: pass) and loses SOC-01.
    changed = {c["id"]: {v["rule"]: (v["before"], v["after"], v["direction"]) for v in c["verdicts"]}
               for c in result["orders"]["changed"]}
    assert changed == {
        "BC25-0001": {"ECO-01": (None, "pass", "other"), "SOC-01": ("fail", None, "other")},
        "BC25-0002": {"ECO-01": (None, "pass", "other"), "SOC-01": ("pass", None, "other")},
        "BC25-0003": {"ECO-01": (None, "pass", "other"), "SOC-01": ("insufficient_data", None, "other")},
    }
    assert (result["orders"]["better"], result["orders"]["worse"], result["orders"]["other"]) == (0, 0, 6)
    chantiers = {c["chantier"]: c for c in result["aggregate"]["chantiers"]}
    assert chantiers[1]["before"] is None and chantiers[1]["after"] == 100  # ECO-01 is the only chantier-1 rule
    text = summary_text(result)
    assert "Référentiel : modifié : diff-test 1.0.0" in text and "→ diff-test 2.0.0" in text
    assert "règles ajoutées : ECO-01 ; règles retirées : SOC-01" in text


def test_missing_results_is_a_usage_error(tmp_path, runs):
    empty = tmp_path / "empty"
    empty.mkdir()
    res = invoke("diff", str(empty), str(runs[1]))
    assert res.exit_code == 2
    assert res.stderr.startswith("erreur: ") and "lancez d'abord « procurement score" in res.stderr
    assert res.stderr.count("\n") == 1
    assert invoke("diff", str(tmp_path / "nope"), str(runs[1])).exit_code == 2  # click's own check


@pytest.mark.parametrize(("lang", "words"), [
    ("fr", ["pas de results.json dans", "(il contient results.csv)", "avec le format json"]),
    ("en", ["no results.json in", "(it holds results.csv)", "with the json format"]),
])
def test_a_run_without_its_json_asks_for_the_json_format(tmp_path, runs, lang, words):
    """A folder scored with --format csv got « lancez d'abord procurement score », which the user had done."""
    out = score(tmp_path, "csvonly", NOVEMBER, "--format", "csv")
    (out / "results.json").unlink()
    res = invoke("diff", str(out), str(runs[1]), "--lang", lang)
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert all(w in res.stderr for w in words), res.stderr


def test_truncated_results_is_one_line(tmp_path, runs):
    broken = tmp_path / "broken"
    broken.mkdir()
    text = (runs[0] / "results.json").read_text(encoding="utf-8")
    (broken / "results.json").write_text(text[: len(text) // 2], encoding="utf-8")
    res = invoke("diff", str(broken), str(runs[1]), "--lang", "en")
    assert res.exit_code == 2 and "unreadable results.json" in res.stderr and res.stderr.count("\n") == 1
    (broken / "results.json").write_text('{"orders": []}', encoding="utf-8")
    with pytest.raises(InputError, match="without a 'meta' block"):
        load_run(broken)


# --- the pieces ---------------------------------------------------------------------------------------------


def test_stream_reads_values_across_chunk_boundaries():
    doc = {"meta": {"x": "é" * 50, "n": 1234567}, "orders": [{"id": str(i), "v": 10 ** i} for i in range(30)],
           "rejected": [{"a": 1}, {"b": 2}], "tail": 12345}
    text = json.dumps(doc, ensure_ascii=False)
    stream = _Stream(io.StringIO(text), "x", chunk=7)
    stream.expect("{")
    assert stream.value() == "meta"
    stream.expect(":")
    assert stream.value() == doc["meta"]


def test_iter_results_streams_orders_and_counts_rejections(tmp_path):
    path = tmp_path / "results.json"
    doc = {"meta": {"counts": {}}, "orders": [{"id": "1"}, {"id": "2"}], "rejected": [{}, {}, {}],
           "directory_rejected": [], "extra": {"k": [1, 2]}}
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    assert list(iter_results(path)) == [("meta", {"counts": {}}), ("order", {"id": "1"}), ("order", {"id": "2"}),
                                        ("rejected", 3), ("directory_rejected", 0), ("extra", {"k": [1, 2]})]


def _results(path: Path, orders: list[dict], rules: list[str] | None = None) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    meta = {"generated_at": "x", "version": "0", "rulebook": {"id": "r", "version": "1", "sha256": "abc"},
            "inputs": [], "counts": {}}
    (path / "results.json").write_text(json.dumps({"meta": meta, "orders": orders, "rejected": []}),
                                       encoding="utf-8")
    return path


def _order(oid: str, buyer: str, **statuses: str) -> dict:
    return {"id": oid, "data": {"buyer_siret": buyer, "object": f"objet {oid}"},
            "source": {"file": "f.csv", "row": 2},
            "findings": [{"rule": r.replace("_", "-"), "status": s} for r, s in statuses.items()],
            "scores": {"overall": None, "by_chantier": {}}}


def test_orders_are_matched_by_buyer_and_id_then_occurrence(tmp_path):
    old = _results(tmp_path / "old", [_order("1", "A", ENV_01="fail"), _order("1", "B", ENV_01="fail"),
                                      _order("1", "B", ENV_01="fail")])
    new = _results(tmp_path / "new", [_order("1", "B", ENV_01="waived"), _order("1", "A", ENV_01="fail"),
                                      _order("1", "B", ENV_01="pass")])
    result = compare(load_run(old), load_run(new))
    changed = result["orders"]["changed"]
    verdicts = [(c["id"], c["verdicts"][0]["after"], c["verdicts"][0]["direction"]) for c in changed]
    assert verdicts == [("1", "waived", "better"), ("1", "pass", "better")]
    assert result["orders"]["added"] == [] and result["orders"]["removed"] == []


def test_direction_scale():
    assert direction("fail", "waived") == "better" and direction("pass", "insufficient_data") == "worse"
    assert direction("not_applicable", "pass") == "other" and direction("fail", "not_applicable") == "other"
    # A new failure is worse, even where the rule did not apply or was absent before.
    assert direction("not_applicable", "fail") == "worse" and direction(None, "fail") == "worse"


def test_memory_stays_small_on_a_large_file(tmp_path):
    """Evidence and messages are not kept: a 10 MB results.json is read in well under its size."""
    evidence = [{"part": "require", "field": "x" * 40, "op": "eq", "expected": "y" * 200, "actual": "z" * 200,
                 "result": False}] * 3
    orders = [{**_order(str(i), "S", ENV_01="fail", SOC_01="pass"),
               "findings": [{"rule": "ENV-01", "status": "fail", "message": "m" * 300, "evidence": evidence},
                            {"rule": "SOC-01", "status": "pass", "message": "m" * 300, "evidence": evidence}]}
              for i in range(4000)]
    path = _results(tmp_path / "big", orders)
    size = (path / "results.json").stat().st_size
    assert size > 9_000_000
    del orders
    tracemalloc.start()
    run = load_run(path)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert len(run.orders) == 4000 and run.orders["S\x1f7"].statuses == "FP"
    assert peak < size / 3, (peak, size)
    assert kept / 4000 < 1000  # bytes per order kept for the comparison (each order is 4 kB in the file)


def _with_data(order: dict, **data: object) -> dict:
    return {**order, "data": {**order["data"], **data}}


def test_a_data_change_that_moves_no_verdict_is_listed_field_by_field(tmp_path):
    old = _results(tmp_path / "old", [_with_data(_order("1", "A", ENV_01="fail"), amount=12500.0, nature="marche"),
                                      _with_data(_order("2", "A", ENV_01="pass"), amount=10.0)])
    new = _results(tmp_path / "new", [_with_data(_order("1", "A", ENV_01="fail"), amount=12750.5,
                                                 nature="accord_cadre", supplier_name="Provence Enrobés"),
                                      _with_data(_order("2", "A", ENV_01="pass"), amount=10.0)])
    result = compare(load_run(old), load_run(new))
    orders = result["orders"]
    (change,) = orders["changed"]
    assert change["id"] == "1" and change["verdicts"] == [] and change["scores"] == []
    assert change["data"] == [{"field": "amount", "before": 12500.0, "after": 12750.5},
                              {"field": "nature", "before": "marche", "after": "accord_cadre"},
                              {"field": "supplier_name", "before": None, "after": "Provence Enrobés"}]
    assert (orders["orders_with_data_changes"], orders["data_changes_only"]) == (1, 1)
    text = summary_text(result, "fr")
    assert "Données : 1 commande aux données modifiées, dont 1 sans verdict ni score changé" in text
    assert "1 Montant HT : 12\u202f500,00\u202f€ → 12\u202f750,50\u202f€" in text
    assert "Accord-cadre" in text and "— → Provence Enrobés" in text
    en = summary_text(result, "en")
    assert "Data: 1 order whose data changed, 1 of them with no verdict or score change" in en
    from procurement.diff import render_html
    page = render_html(result, "en")
    assert "€12,750.50" in page and "Framework agreement" in page


def test_identical_data_is_no_data_change(tmp_path):
    orders = [_with_data(_order("1", "A", ENV_01="fail"), amount=1.0)]
    result = compare(load_run(_results(tmp_path / "a", orders)), load_run(_results(tmp_path / "b", orders)))
    assert result["orders"]["changed"] == [] and result["orders"]["orders_with_data_changes"] == 0
    assert "aucune donnée modifiée" in summary_text(result, "fr")


def test_data_changes_past_the_limit_are_counted_not_read_again(tmp_path, monkeypatch):
    import procurement.diff as diff_module

    monkeypatch.setattr(diff_module, "DATA_DETAIL_LIMIT", 1)
    old = _results(tmp_path / "old", [_with_data(_order(str(i), "A", ENV_01="fail"), amount=1.0) for i in range(3)])
    new = _results(tmp_path / "new", [_with_data(_order(str(i), "A", ENV_01="fail"), amount=2.0) for i in range(3)])
    result = compare(load_run(old), load_run(new))
    detailed = [c["data_detailed"] for c in result["orders"]["changed"]]
    assert detailed == [True, False, False] and result["orders"]["orders_with_data_changes"] == 3
    assert "champs non relus" in summary_text(result, "fr")


def test_values_are_shown_as_the_pages_show_them():
    from procurement.diff_report import _value

    assert _value("supplier_distance_km", 1e-05, "fr") == "0,00001"  # repr "1e-05" has no decimal point
    assert _value("supplier_distance_km", 12.5, "en") == "12.5"
    assert _value("notification_date", "2025-01-13", "fr") == "13/01/2025"
    assert _value("in_amp", True, "fr") == "oui" and _value("amount", None, "fr") == "—"


def test_verdict_changes_come_first_on_the_page(tmp_path, monkeypatch):
    """A data change in every order (new reference data) must not push verdict changes off the page."""
    import procurement.diff_report as report

    monkeypatch.setattr(report, "DETAIL_LIMIT", 2)
    old = _results(tmp_path / "old", [_with_data(_order(str(i), "A", ENV_01="fail"), band="x") for i in range(4)])
    new = _results(tmp_path / "new", [_with_data(_order(str(i), "A", ENV_01="pass" if i == 3 else "fail"), band="y")
                                      for i in range(4)])
    result = compare(load_run(old), load_run(new))
    assert [c["id"] for c in result["orders"]["changed"]] == ["0", "1", "2", "3"]  # the JSON keeps file order
    assert [o["id"] for o in report.view_model(result, "fr")["changed"]] == ["3", "0"]


def test_equal_values_under_different_digests_are_no_change(tmp_path):
    old = _results(tmp_path / "old", [_with_data(_order("1", "A", ENV_01="fail"), amount=1)])
    new = _results(tmp_path / "new", [_with_data(_order("1", "A", ENV_01="fail"), amount=1.0)])
    result = compare(load_run(old), load_run(new))
    assert result["orders"]["changed"] == [] and result["orders"]["orders_with_data_changes"] == 0



def test_the_terminal_summary_shows_control_characters_instead_of_obeying_them(tmp_path, runs):
    """A results.json is a file like any other: an id holding ESC sequences retitled the terminal, cleared
    it and printed a fake line through `procurement diff`."""
    import shutil

    old, new = runs
    forged = tmp_path / "forged"
    shutil.copytree(new, forged)
    path = forged / "results.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["meta"]["rulebook"]["id"] = "rb\x1b]0;PWNED\x07\x1b[2J\u202etxt"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    res = invoke("diff", str(old), str(forged))
    assert "\x1b" not in res.output and "\x07" not in res.output and "\u202e" not in res.output
    assert "rb\\x1b]0;PWNED\\x07\\x1b[2J\\u202etxt" in res.output


def test_a_results_json_nested_too_deep_is_one_line(tmp_path, runs):
    """A results.json nested 100,000 deep ended `diff` in a RecursionError traceback."""
    old, _ = runs
    deep = tmp_path / "deep"
    deep.mkdir()
    (deep / "results.json").write_text('{"meta": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    res = invoke("diff", str(old), str(deep))
    assert res.exit_code == 2 and "JSON trop profondément imbriqué" in res.stderr and res.stderr.count("\n") == 1


def test_the_console_names_the_new_and_removed_orders(tmp_path):
    """The console counted « 4 nouvelles, 4 retirées » without saying which; only the page named them."""
    from click.testing import CliRunner

    from procurement.cli import main

    head = "Référence;Direction;Montant HT;CPV\n"
    (tmp_path / "a.csv").write_text(head + "".join(f"A{i};D;{100 + i};45000000\n" for i in range(8)), encoding="utf-8")
    (tmp_path / "b.csv").write_text(head + "A0;D;100;45000000\n" + "".join(f"N{i};D;1;45000000\n" for i in range(7)),
                                    encoding="utf-8")
    for name in ("a", "b"):
        r = CliRunner().invoke(main, ["score", str(tmp_path / f"{name}.csv"), "--out", str(tmp_path / name),
                                      "--format", "json"])
        assert r.exit_code == 0, r.output
    fr = CliRunner().invoke(main, ["diff", str(tmp_path / "a"), str(tmp_path / "b")]).output
    assert "  nouvelles : N0, N1, N2, N3, N4 et 2 autres" in fr, fr
    assert "  retirées : A1, A2, A3, A4, A5 et 2 autres" in fr
    en = CliRunner().invoke(main, ["diff", str(tmp_path / "a"), str(tmp_path / "b"), "--lang", "en"]).output
    assert "  new: N0, N1, N2, N3, N4 and 2 more" in en, en


def test_a_rule_with_several_findings_on_an_order_is_compared_by_its_worst():
    """RISK-02 gives an order one finding per group: the last one read stood for all, so a waived group
    hid a failing one (exports review)."""
    from collections import Counter

    from procurement.diff_run import _row

    def row(*statuses: str):
        findings = [{"rule": "ENV-01", "status": "pass"}, *({"rule": "RISK-02", "status": s} for s in statuses)]
        return _row({"id": "A", "findings": findings}, {"ENV-01": 0, "RISK-02": 1}, ["ENV-01", "RISK-02"], Counter())

    assert row("fail", "waived").statuses == row("waived", "fail").statuses == "PF"
    assert row("waived").statuses == "PW" and row().statuses == "P-"
