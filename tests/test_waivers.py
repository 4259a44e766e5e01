"""Waivers: the file format and its errors, which findings they cover, expiry, and how a waived finding reads."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from procurement.engine import evaluate
from procurement.errors import InputError
from procurement.model import Order
from procurement.rulebook import default_rulebook_path, load_rulebook
from procurement.waivers import WaivedFinding, apply_waivers, load_waivers, parse_waivers, run_date

DATA = Path(__file__).parent / "data" / "waivers"
BOOK = load_rulebook(default_rulebook_path())
RULE_IDS = [r.id for r in BOOK.rules]
TODAY = dt.date(2026, 6, 1)


def order(oid: str = "BC25-0001", **values) -> Order:
    base = {"nature": "marche", "env_considerations": ("none",), "social_considerations": ("none",)}
    return Order.model_validate({"id": oid, "source": {"file": "t.xlsx", "row": 2}, **base, **values})


def entry(order: str = "BC25-0*", rule: str = "ENV-01", **extra: str) -> str:
    lines = [f'  - order: "{order}"', f"    rule: {rule}", "    justification: Marché reconduit, clause impossible",
             "    author: M. Dupont (DCP)", f"    date: {extra.pop('date', '2026-01-15')}"]
    lines += [f"    {k}: {v}" for k, v in extra.items()]
    return "\n".join(lines) + "\n"


def waivers(*entries: str):
    return parse_waivers(("waivers:\n" + "".join(entries)).encode(), "w.yaml", RULE_IDS)


def statuses(findings) -> dict[str, str]:
    return {f.rule: f.status for f in findings}


# --- the file --------------------------------------------------------------------------------------


def test_example_file_loads_with_positions():
    ws = load_waivers(DATA / "exemple.yaml", RULE_IDS)
    assert len(ws) == 3
    first = ws.waivers[0]
    assert first.entry.order == "BC25-0*" and first.rule == "ENV-10"
    assert first.entry.date == dt.date(2026, 1, 15) and first.entry.expires == dt.date(2026, 12, 31)
    assert first.where.endswith("exemple.yaml:9:5")
    assert len(ws.sha256) == 64


@pytest.mark.parametrize(
    ("text", "where", "fr"),
    [
        ("waivers:\n  - order: a\n    rule: ENV\n    justifcation: x\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:4:5", "clé inconnue « justifcation » (vouliez-vous dire « justification » ?)"),
        ("waivers:\n  - order: a\n    rule: ENV\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:2:5", "clé « justification » manquante"),
        ("waivers:\n  - order: a\n    rule: ENV\n    justification: x\n    author: y\n    date: 2026-13-01\n",
         "w.yaml:6:11", "date impossible"),
        ("waivers:\n  - order: a\n    rule: ENV\n    justification: x\n    author: y\n    date: 15/01/2026\n",
         "w.yaml:6:11", "date attendue au format AAAA-MM-JJ"),
        ("waivers:\n  - order: a\n    rule: ENV\n    justification: x\n    author: y\n    date: 2026-02-01\n"
         "    expires: 2026-01-01\n", "w.yaml:7:14", "« expires » est antérieure à « date »"),
        ("waivers:\n  - order: 0123\n    rule: ENV\n    justification: x\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:2:12", "« 0123 » sans guillemets est pour YAML le nombre octal 83 : écrivez '0123'"),
        ("waivers:\n  - order: 2025001\n    rule: ENV\n    justification: x\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:2:12", "« order » doit être un texte entre guillemets"),
        ("waivers:\n  - order: a\n    rule: ENV\n    justification: '  '\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:4:20", "« justification » ne peut pas être vide"),
        ("waivers:\n  - order: a\n    rule: EMV-01\n    justification: x\n    author: y\n    date: 2026-01-01\n",
         "w.yaml:3:11", "règle « EMV-01 » inconnue du référentiel (vouliez-vous dire « ENV-01 » ?)"),
        ("waivers:\n  - order: !!python/object/apply:os.system [ls]\n", "w.yaml:2:12", "étiquette YAML"),
        ("waivers:\n  - order: a\n    order: b\n", "w.yaml:3:5", "clé « order » en double"),
        ("exceptions: []\n", "w.yaml:1:1", "commence par « waivers: »"),
        ("waivers: 3\n", "w.yaml:1:10", "doit être une liste"),
        ("waivers:\n  - 3\n", "w.yaml:2:5", "chaque dérogation est une table"),
        ("waivers: [\n", "w.yaml:2:1", "syntaxe YAML"),
    ],
)
def test_bad_files_say_where_and_why(text, where, fr):
    with pytest.raises(InputError) as exc:
        parse_waivers(text.encode(), "w.yaml", RULE_IDS)
    message = exc.value.message("fr")
    assert message.startswith(where + ": "), message
    assert fr in message
    assert "\n" not in message and exc.value.message("en") != message


@pytest.mark.parametrize(("text", "fr_end", "en_end"), [
    ("waivers:\n  - order: a\n    rule: ENV-01\n    justification: x\n", " (et 1 autre problème)",
     " (and 1 other problem)"),
    ("waivers:\n  - order: a\n    rule: ENV-01\n", " (et 2 autres problèmes)", " (and 2 other problems)"),
])
def test_the_other_problems_of_a_file_are_counted_in_agreed_words(text, fr_end, en_end):
    with pytest.raises(InputError) as exc:
        parse_waivers(text.encode(), "w.yaml", RULE_IDS)
    assert exc.value.message("fr").endswith(fr_end) and exc.value.message("en").endswith(en_end)
    one = "waivers:\n  - order: a\n    rule: ENV-01\n    justification: x\n    author: y\n"
    with pytest.raises(InputError) as exc:
        parse_waivers(one.encode(), "w.yaml", RULE_IDS)  # one problem: no count at all
    assert "autre" not in exc.value.message("fr") and "other" not in exc.value.message("en")


def test_unreadable_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="waivers file"):
        load_waivers(tmp_path / "absent.yaml")


def test_alias_bomb_is_refused():
    pairs = zip("abcdefgh", "bcdefghi", strict=True)
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in pairs)
    with pytest.raises(InputError) as exc:
        parse_waivers(bomb.encode(), "w.yaml")
    # Refused for its aliases, at the 51st: without the budget the file is refused anyway (it does not start
    # with `waivers:`), so the error type alone would not tell whether the budget is there.
    assert "more than 50 YAML aliases" in exc.value.message("en") and "alias YAML" in exc.value.message("fr")
    assert exc.value.where == "w.yaml:7:28"


def test_bare_list_and_empty_file():
    ws = parse_waivers(entry().removeprefix("").encode(), "w.yaml", RULE_IDS)
    assert len(ws) == 1 and ws.waivers[0].where == "w.yaml:1:5"
    assert len(parse_waivers(b"waivers:\n", "w.yaml")) == 0


def test_unknown_rule_is_accepted_without_a_rulebook():
    assert len(parse_waivers(b"waivers:\n" + entry(rule="XYZ-99").encode(), "w.yaml")) == 1


# --- matching ---------------------------------------------------------------------------------------


def test_failing_finding_is_wrapped_and_everything_else_is_kept():
    ws = waivers(entry())
    findings = evaluate(order(), BOOK)
    out = apply_waivers(order(), findings, ws, TODAY)
    assert [f.rule for f in out] == [f.rule for f in findings]
    assert statuses(findings)["ENV-01"] == "fail"
    waived = next(f for f in out if f.rule == "ENV-01")
    assert isinstance(waived, WaivedFinding) and waived.status == "waived"
    assert waived.original_status == "fail" and waived.finding is findings[[f.rule for f in findings].index("ENV-01")]
    # delegation: the rule's tags and evidence are the original's
    assert waived.kind == waived.finding.kind and waived.chantiers == waived.finding.chantiers
    assert waived.evidence == waived.finding.evidence and waived.weight == waived.finding.weight
    assert waived.order_id == "BC25-0001"
    others = [f for f in out if f.rule != "ENV-01"]
    assert all(not isinstance(f, WaivedFinding) for f in others)
    assert ws.applied == {0: 1}


def test_glob_exact_id_and_rule_prefix():
    ws = waivers(entry(order="BC25-0001", rule="SOC"), entry(order="BC2?-*", rule="ENV"))
    out = statuses(apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY))
    assert out["SOC-01"] == "waived" and out["ENV-01"] == "waived"
    other = order("MA-7")
    assert "waived" not in statuses(apply_waivers(other, evaluate(other, BOOK), ws, TODAY)).values()


def test_brackets_in_an_id_match_exactly():
    ws = waivers(entry(order="LOT[1]", rule="ENV-01"))
    o = order("LOT[1]")
    assert statuses(apply_waivers(o, evaluate(o, BOOK), ws, TODAY))["ENV-01"] == "waived"


def test_pass_and_not_applicable_are_never_waived():
    ws = waivers(entry(rule="ENV-01"))
    o = order(env_considerations=("clause",))
    out = apply_waivers(o, evaluate(o, BOOK), ws, TODAY)
    assert statuses(out)["ENV-01"] == "pass"
    bid = order(nature="offre")
    assert statuses(apply_waivers(bid, evaluate(bid, BOOK), ws, TODAY))["ENV-01"] == "not_applicable"
    assert ws.report(TODAY)["stale"][0]["rule"] == "ENV-01"


def test_insufficient_data_can_be_waived_and_keeps_its_missing_fields():
    o = order(env_considerations=None)
    findings = evaluate(o, BOOK)
    assert statuses(findings)["ENV-01"] == "insufficient_data"
    out = apply_waivers(o, findings, waivers(entry(rule="ENV-01")), TODAY)
    waived = next(f for f in out if f.rule == "ENV-01")
    assert waived.original_status == "insufficient_data" and waived.missing == ("env_considerations",)


def test_first_matching_waiver_wins():
    first = entry(rule="ENV")
    second = entry(rule="ENV-01").replace("M. Dupont", "Mme Martin")
    ws = waivers(first, second)
    out = apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY)
    assert next(f for f in out if f.rule == "ENV-01").waiver.index == 0
    rep = ws.report(TODAY)
    assert [w["where"] for w in rep["stale"]] == ["w.yaml:7:5"]


def test_no_waivers_returns_the_findings_unchanged():
    findings = evaluate(order(), BOOK)
    assert apply_waivers(order(), findings, None, TODAY) == findings
    assert apply_waivers("BC25-0001", findings, [], TODAY) == findings


# --- dates -------------------------------------------------------------------------------------------


def test_expiry_day_included_then_reported():
    ws = waivers(entry(expires="2026-06-01"))
    assert statuses(apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY))["ENV-01"] == "waived"
    ws = waivers(entry(expires="2026-05-31"))
    out = apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY)
    assert statuses(out)["ENV-01"] == "fail"
    rep = ws.report(TODAY)
    assert rep["expired"][0]["would_match"] == 1 and rep["expired"][0]["expires"] == "2026-05-31"
    assert rep["stale"] == [] and rep["findings_waived"] == 0
    assert "expirée le 31/05/2026" in ws.messages(TODAY)[0]  # French dates, as everywhere else (i18n.fmt_date)
    assert "expired on 2026-05-31" in ws.messages(TODAY, "en")[0]


def test_a_waiver_dated_after_the_run_says_its_date_in_the_reader_s_format():
    ws = waivers(entry(date="2026-07-01"))
    assert "datée du 01/07/2026, postérieure" in ws.messages(TODAY)[0]
    assert "dated 2026-07-01, after" in ws.messages(TODAY, "en")[0]


@pytest.mark.parametrize(("orders", "fr", "en"), [
    (0, "non appliquée (0 constat concerné)", "not applied (0 findings concerned)"),
    (1, "non appliquée (1 constat concerné)", "not applied (1 finding concerned)"),
    (2, "non appliquée (2 constats concernés)", "not applied (2 findings concerned)"),
])
def test_a_waiver_not_applied_counts_its_findings_in_agreed_words(orders, fr, en):
    for ws in (waivers(entry(expires="2026-05-31")), waivers(entry(date="2026-07-01"))):  # expired, then future
        for i in range(orders):
            o = order(f"BC25-000{i + 1}")
            apply_waivers(o, evaluate(o, BOOK), ws, TODAY)
        assert ws.messages(TODAY)[0].endswith(fr) and ws.messages(TODAY, "en")[0].endswith(en)


def test_waiver_dated_after_the_run_does_not_apply():
    ws = waivers(entry(date="2026-07-01"))
    assert statuses(apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY))["ENV-01"] == "fail"
    assert ws.report(TODAY)["not_yet_valid"][0]["would_match"] == 1


def test_run_date_follows_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01T00:00:00Z
    assert run_date() == dt.date(2026, 1, 1)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((run_date() - dt.date.today()).days) <= 1


def test_report_counts_applied_and_stale():
    ws = waivers(entry(), entry(order="ZZ*", rule="SOC-01"))
    for oid in ("BC25-0001", "BC25-0002", "MA-1"):
        o = order(oid)
        apply_waivers(o, evaluate(o, BOOK), ws, TODAY)
    rep = ws.report(TODAY)
    assert rep["findings_waived"] == 2 and rep["applied"][0]["findings"] == 2
    assert rep["stale"][0]["order"] == "ZZ*"
    assert "sans effet" in ws.messages(TODAY)[0]
    json.dumps(rep)


# --- how a waived finding reads ------------------------------------------------------------------------


def test_waived_finding_shows_its_justification_everywhere():
    ws = waivers(entry(expires="2026-12-31"))
    out = apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY)
    waived = next(f for f in out if f.rule == "ENV-01")
    original = waived.finding.message("fr")
    fr, en = waived.message("fr"), waived.message("en")
    assert fr.startswith("Dérogation accordée le 15/01/2026 par M. Dupont (DCP), valable jusqu'au 31/12/2026 : "
                         "Marché reconduit, clause impossible. ")
    assert fr.endswith(original)
    assert en.startswith("Waived on 2026-01-15 by M. Dupont (DCP), valid until 2026-12-31: ")
    d = waived.to_dict("en")
    assert d["status"] == "waived" and d["message"] == en and d["message_fr"] == fr
    assert d["waived"] == {
        "justification": "Marché reconduit, clause impossible", "author": "M. Dupont (DCP)",
        "date": "2026-01-15", "expires": "2026-12-31", "original_status": "fail",
        "waiver": {"order": "BC25-0*", "rule": "ENV-01", "where": "w.yaml:2:5"},
    }
    assert d["rule"] == "ENV-01" and d["evidence"] == waived.finding.to_dict()["evidence"]
    json.dumps(d)
    assert "waived" in repr(waived)


@pytest.mark.parametrize("justification", ["Voir la note DCP-2025-118.", "Urgence impérieuse !", "Lot suivant…"])
def test_a_justification_ending_a_sentence_is_not_followed_by_a_second_period(justification):
    """« …lot suivant.. Consultation… »: the banner added its period after the justification's own."""
    ws = waivers(entry(expires="2026-12-31").replace("Marché reconduit, clause impossible", f'"{justification}"'))
    waived = next(f for f in apply_waivers(order(), evaluate(order(), BOOK), ws, TODAY) if f.rule == "ENV-01")
    for lang in ("fr", "en"):
        text = waived.message(lang)
        assert f"{justification} {waived.finding.message(lang)}" in text, text
        assert ".." not in text.replace("…", "")


def test_records_writer_carries_waived_block():
    """The JSON records of a run take a waived finding as they take any finding."""
    from procurement.write.records import finding_dict

    out = apply_waivers(order(), evaluate(order(), BOOK), waivers(entry()), TODAY)
    d = finding_dict(next(f for f in out if f.rule == "ENV-01"), "fr")
    assert d["waived"]["author"] == "M. Dupont (DCP)"


def test_waived_findings_are_counted_apart_not_scored():
    from procurement.scoring import score

    findings = evaluate(order(), BOOK)
    before = score(findings)
    after = score(apply_waivers(order(), findings, waivers(entry(rule="ENV-01")), TODAY))
    assert after.counts["waived"] == 1 and after.counts["fail"] == before.counts["fail"] - 1
    # ENV-01 was the only evaluated rule of chantier 2: waived, it leaves no score rather than a 100
    assert before.by_chantier[2] == 0 and after.by_chantier[2] is None
    assert after.completeness_by_chantier[2] == 0  # ENV-10 still lacks its launch date
