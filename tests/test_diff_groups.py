"""`procurement diff` compares RISK-02's groups (results.json's `portfolio`): an order counts RISK-02 once
however many groups it is in, so an order whose group now also crosses the European threshold moved no
verdict and no score, and the comparison said nothing of it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main
from procurement.diff import diff_dirs
from procurement.diff_groups import compare_groups

HEAD = "N° de commande;Service;Objet;Nature;Code CPV;Montant HT (€);Date de notification;SIRET;Fournisseur\n"


def _orders(amounts: list[str]) -> str:
    return HEAD + "".join(f"BC-{i};Direction SI;Ordinateurs portables;Bon de commande;30213100;{a};10/03/2025;"
                          f"73282932000074;ALPHA\n" for i, a in enumerate(amounts, 1))


def _score(tmp_path: Path, name: str, amounts: list[str]) -> Path:
    src = tmp_path / f"{name}.csv"
    src.write_text(_orders(amounts), encoding="utf-8")
    out = tmp_path / name
    result = CliRunner().invoke(main, ["score", str(src), "--out", str(out), "--format", "json", "--quiet"])
    assert result.exit_code in (0, 1), result.output
    return out


def test_an_order_entering_a_second_group_is_said_though_no_verdict_nor_score_moved(tmp_path):
    # Six orders of 35 000 € cross the 40 000 € dispensation threshold; at 39 000 € each, 234 000 € also
    # crosses the European one (221 000 €): the same orders, a second group each.
    before = _score(tmp_path, "before", ["35 000"] * 6)
    after = _score(tmp_path, "after", ["39 000"] * 6)
    levels = {json.loads((d / "results.json").read_text(encoding="utf-8"))["portfolio"][-1]["level"]
              for d in (before, after)}
    assert levels == {"dispensation", "eu"}
    result = diff_dirs(before, after)
    assert result["orders"]["verdicts_changed"] == 0  # RISK-02 failed before and after, once per order
    groups = result["groups"]
    assert (groups["old"], groups["new"]) == (1, 2)
    assert [g["level"] for g in groups["added"]] == ["eu"] and groups["removed"] == []
    assert [(g["before"]["total"], g["after"]["total"]) for g in groups["changed"]] == [(210000.0, 234000.0)]
    fr = CliRunner().invoke(main, ["diff", str(before), str(after)]).output
    assert "Fractionnements possibles (RISK-02) : 1 nouveau, 1 modifié" in fr, fr
    assert "  nouveau : Fractionnement possible : 6 commandes de fournitures" in fr
    assert "  modifié : 6 → 6 commandes, 210\u202f000\u202f€ → 234\u202f000\u202f€ : " in fr
    en = CliRunner().invoke(main, ["diff", str(before), str(after), "--lang", "en"]).output
    assert "Possible splitting (RISK-02): 1 new, 1 changed" in en, en
    page = CliRunner().invoke(main, ["diff", str(before), str(after), "--out", str(tmp_path / "diff.html")])
    assert page.exit_code == 0, page.output
    html = (tmp_path / "diff.html").read_text(encoding="utf-8")
    assert "<h2>Fractionnements possibles (RISK-02)</h2>" in html and ">nouveau</span>" in html


def test_runs_without_groups_say_nothing_of_them(tmp_path):
    a = _score(tmp_path, "a", ["1 000"] * 2)
    b = _score(tmp_path, "b", ["1 200"] * 2)
    assert "RISK-02)" not in CliRunner().invoke(main, ["diff", str(a), str(b)]).output


def test_groups_are_matched_by_their_key_and_compared_by_size_and_total():
    def brief(count: int, total: float) -> dict:
        return {"count": count, "total": total, "message_fr": "m", "message_en": "m"}

    old = {("RISK-02", "B", "30213", "fournitures", "2025", "dispensation"): brief(3, 60000.0),
           ("RISK-02", "B", "45232", "travaux", "2025", "dispensation"): brief(4, 127000.0)}
    new = {("RISK-02", "B", "30213", "fournitures", "2025", "dispensation"): brief(3, 60000.0),
           ("RISK-02", "B", "45232", "travaux", "2025", "dispensation"): brief(5, 150000.0),
           ("RISK-02", "B", "45232", "travaux", "2025", "eu"): brief(5, 150000.0)}
    out = compare_groups(old, new)
    assert [(g["cpv_class"], g["level"]) for g in out["added"]] == [("45232", "eu")]
    assert [(g["before"]["count"], g["after"]["count"]) for g in out["changed"]] == [(4, 5)]
    assert out["removed"] == [] and (out["old"], out["new"]) == (2, 3)
    assert compare_groups(new, old)["removed"][0]["level"] == "eu"


def test_the_console_names_five_groups_then_counts_the_others():
    from procurement.diff_groups import summary_lines

    def brief(n: int) -> dict:
        return {"count": 2, "total": 50000.0 + n, "message_fr": f"groupe {n}", "message_en": f"group {n}"}

    new = {("RISK-02", "B", str(n), "fournitures", "2025", "dispensation"): brief(n) for n in range(8)}
    lines = summary_lines(compare_groups({}, new), "fr")
    assert lines[0] == "Fractionnements possibles (RISK-02) : 8 nouveaux"
    assert lines[1:6] == [f"  nouveau : groupe {n}" for n in range(5)]
    assert lines[6] == "  et 3 autres (page et --json)"
    assert summary_lines(compare_groups({}, new), "en")[6] == "  and 3 more (page and --json)"


def test_the_page_says_an_order_counts_risk02_once():
    """The explanation made the group count « une fois par commande, quel que soit le nombre de ses
    groupes » (a group's groups): it is the order that counts the rule once, whatever its groups."""
    from procurement.diff_groups import words

    assert words("fr")["explain"].startswith("Une commande compte une seule fois pour RISK-02, quel que soit "
                                             "le nombre de ses groupes")
    assert words("en")["explain"].startswith("An order counts once for RISK-02, whatever the number of its groups")


def test_a_group_whose_orders_changed_but_not_their_number_nor_total_is_changed():
    """An order swapped for another of the same amount: the group is not the same (session review)."""
    from procurement.diff_groups import group_brief, group_key

    group = {"rule": "RISK-02", "buyer": "B", "cpv_class": "30213", "contract_type": "fournitures", "year": 2025,
             "level": "dispensation", "count": 2, "total": 70000.0, "orders": ["BC-1", "BC-2"], "message_fr": "m"}
    swapped = {**group, "orders": ["BC-1", "BC-3"]}
    out = compare_groups({group_key(group): group_brief(group)}, {group_key(swapped): group_brief(swapped)})
    assert len(out["changed"]) == 1
    same = compare_groups({group_key(group): group_brief(group)}, {group_key(group): group_brief(dict(group))})
    assert same["changed"] == []


def test_the_page_says_how_many_groups_it_leaves_to_the_json_output(tmp_path, monkeypatch):
    """The page cut the groups' list at its limit and said nothing of the rest (session 16)."""
    from procurement import diff_report

    before = _score(tmp_path, "before", ["35 000"] * 6)
    after = _score(tmp_path, "after", ["39 000"] * 6)
    result = diff_dirs(before, after)  # one group new, one changed
    monkeypatch.setattr(diff_report, "DETAIL_LIMIT", 1)
    fr = diff_report.render_html(result, "fr")
    assert fr.count(">nouveau</span>") + fr.count(">modifié</span>") == 1
    assert '<p class="muted">1 groupe de plus dans la sortie --json</p>' in fr
    assert "1 more group in the --json output" in diff_report.render_html(result, "en")
    monkeypatch.setattr(diff_report, "DETAIL_LIMIT", 2)
    assert "groupe de plus" not in diff_report.render_html(result, "fr")
