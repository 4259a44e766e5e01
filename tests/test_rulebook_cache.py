"""The parsed-rulebook cache: a hit is the same rulebook as a cold load, and nothing in it is trusted blindly.

Every test points XDG_CACHE_HOME at its own directory. `parse_yaml` is wrapped to count real parses, so that
"hit" and "miss" are observed, not assumed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import textwrap
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from procurement.cli import main
from procurement.rulebook import RulebookProblems, default_rulebook_path, load_rulebook, yamlsafe
from procurement.rulebook.yamlsafe import read_yaml

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(p for p in [*ROOT.glob("rules/*.yaml"), *ROOT.glob("tests/data/**/*.yaml")])
TABLES = {"amp_communes": frozenset({"13055", "13001"})}

BOOK = """\
id: cache-test
version: 1.0.0
title: {fr: Essai, en: Test}
rules:
  - id: TST-01
    title: {fr: Titre, en: Title}
    message: {fr: "Montant {amount}", en: "Amount {amount}"}
    chantiers: [1]
    kind: kpi
    severity: warning
    since: 2024-01-01
    why: {fr: P, en: W}
    advice: {fr: Conseil, en: Advice}
    require: {field: amount, op: gte, value: 100}
    examples:
      - expect: pass
        order: {amount: 150, launch_date: 2025-03-01}
"""


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("PROCUREMENT_NO_CACHE", raising=False)
    return home / "procurement" / "rulebooks"


@pytest.fixture
def parses(monkeypatch):
    """How many times the YAML parser really ran."""
    calls: list[str] = []
    real = yamlsafe.parse_yaml

    def counting(raw, display):
        calls.append(display)
        return real(raw, display)

    monkeypatch.setattr(yamlsafe, "parse_yaml", counting)
    return calls


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.json")) if directory.is_dir() else []


def summary(book) -> dict:
    """What a compiled rulebook is, as far as results go: meta, rules, sources, and each rule's verdicts."""
    from procurement.model import Order

    orders = [Order(id="A", amount=150.0, launch_date=dt.date(2026, 9, 1), source={"file": "t"}),
              Order(id="B", amount=5.0, source={"file": "t"}),
              Order(id="C", source={"file": "t"})]
    return {
        "meta": book.meta(),
        "fields": book.fields,
        "rules": [(r.id, r.kind, r.severity, r.weight, r.chantiers, r.measure,
                   r.source.model_dump(mode="json", by_alias=True), [str(s[0].where(s[1])) for s in r.example_sites])
                  for r in book.rules],
        "tables": {k: sorted(v) for k, v in book.tables.items()},
        "verdicts": [[r.explain(book.values(o)) for r in book.rules] for o in orders],
    }


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: p.name)
def test_a_hit_reads_back_every_project_file_exactly(cache_home, parses, path):
    cold = read_yaml(path, "shown.yaml", cache=True)
    assert len(entries(cache_home)) == 1 and len(parses) == 1
    warm = read_yaml(path, "shown.yaml", cache=True)
    assert len(parses) == 1, "the second read must come from the cache"
    plain = read_yaml(path, "shown.yaml")
    for got in (cold, warm):
        assert got[0] == plain[0] and got[1] == plain[1] and got[2] == plain[2]
    assert warm[1].file == "shown.yaml"
    assert _types(warm[0]) == _types(plain[0])  # a date stays a date, 1 stays an int, 1.0 a float


def _types(value):
    if isinstance(value, dict):
        return {k: _types(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_types(v) for v in value]
    return type(value).__name__


def test_the_default_rulebook_from_the_cache_is_the_same_rulebook(cache_home, parses):
    cold = load_rulebook(default_rulebook_path(), cache=True)
    assert len(parses) == 1 and len(entries(cache_home)) == 1
    warm = load_rulebook(default_rulebook_path(), cache=True)
    assert len(parses) == 1
    plain = load_rulebook(default_rulebook_path())
    assert summary(warm) == summary(plain) == summary(cold)


def test_a_check_gives_the_same_files_byte_for_byte_with_and_without_the_cache(cache_home, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1790000000")
    workbook = tmp_path / "c.xlsx"
    assert CliRunner().invoke(main, ["template", str(workbook)]).exit_code == 0
    wb = openpyxl.load_workbook(workbook)
    for name, rows in (("Consultation", [{"Identifiant": "T1", "Objet": "Denrées alimentaires", "Code CPV": "15000000",
                                          "Montant HT": 300_000, "Date de lancement": dt.date(2026, 9, 15)}]),
                       ("Offres", [{"Identifiant": f"P{i}", "Montant HT": 290_000 + i, "Part bio (%)": 10 * i}
                                   for i in range(1, 4)])):
        ws = wb[name]
        headers = {c.value: c.column for c in ws[1] if c.value}
        for r, row in enumerate(rows, start=2):
            for header, value in row.items():
                ws.cell(r, headers[header], value)
    wb.save(workbook)
    outputs = []
    for run, env in enumerate(({"PROCUREMENT_NO_CACHE": "1"}, {}, {})):  # no cache, then a miss, then a hit
        out = tmp_path / f"out{run}"
        result = CliRunner(env=env).invoke(main, ["check", str(workbook), "--out", str(out), "-q"])
        assert result.exit_code in (0, 1), result.output
        outputs.append(((out / "check.json").read_bytes(), (out / "check.html").read_bytes()))
        assert len(entries(cache_home)) == (0 if run == 0 else 1)
    assert outputs[0] == outputs[1] == outputs[2]


def test_an_edited_rulebook_is_read_again(cache_home, parses, tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    assert load_rulebook(path, tables=TABLES, cache=True).rule("TST-01").source.require.value == 100
    path.write_text(BOOK.replace("value: 100", "value: 120"), encoding="utf-8")
    assert load_rulebook(path, tables=TABLES, cache=True).rule("TST-01").source.require.value == 120
    assert len(parses) == 2 and len(entries(cache_home)) == 2
    path.write_text(BOOK, encoding="utf-8")  # back to the first text: its entry is used again
    assert load_rulebook(path, tables=TABLES, cache=True).rule("TST-01").source.require.value == 100
    assert len(parses) == 2


def test_each_file_of_an_extends_chain_is_cached_by_its_own_bytes(cache_home, parses, tmp_path):
    (tmp_path / "parent.yaml").write_text(BOOK, encoding="utf-8")
    child = tmp_path / "child.yaml"
    child.write_text("id: child\nversion: 1.0.0\ntitle: {fr: Enfant, en: Child}\nextends: parent.yaml\n"
                     "overrides:\n  TST-01: {weight: 3}\n", encoding="utf-8")
    first = load_rulebook(child, tables=TABLES, cache=True)
    assert len(parses) == 2 and len(entries(cache_home)) == 2
    (tmp_path / "parent.yaml").write_text(BOOK.replace("severity: warning", "severity: info"), encoding="utf-8")
    second = load_rulebook(child, tables=TABLES, cache=True)
    assert len(parses) == 3  # only the edited parent is parsed again
    assert first.rule("TST-01").severity == "warning" and second.rule("TST-01").severity == "info"
    assert second.rule("TST-01").weight == 3


def test_problems_found_after_parsing_keep_their_positions_on_a_hit(cache_home, parses, tmp_path):
    path = tmp_path / "book.yaml"
    text = BOOK.replace("field: amount, op: gte", "field: amout, op: gte")
    path.write_text(text, encoding="utf-8")
    found = []
    for _ in range(2):
        with pytest.raises(RulebookProblems) as info:
            load_rulebook(path, tables=TABLES, cache=True)
        found.append([(p.code, p.where, p.fr, p.en) for p in info.value.problems])
    assert len(parses) == 1  # the YAML was fine: kept, and the unknown field found again from the entry
    start = text.index("amout")
    line, col = text.count("\n", 0, start) + 1, start - text.rfind("\n", 0, start)
    assert found[0] == found[1]
    assert [(code, where.endswith(f"book.yaml:{line}:{col}")) for code, where, _, _ in found[1]] == [
        ("unknown-field", True)]


def test_yaml_errors_are_never_cached(cache_home, parses, tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK + "id: again\n", encoding="utf-8")  # duplicate key
    for _ in range(2):
        with pytest.raises(RulebookProblems) as info:
            load_rulebook(path, tables=TABLES, cache=True)
        assert "duplicate key 'id'" in info.value.problems[0].en
    assert len(parses) == 2 and entries(cache_home) == []


def _corruptions():
    def edit(change):
        def apply(entry: Path) -> None:
            doc = json.loads(entry.read_text(encoding="utf-8"))
            change(doc)
            entry.write_text(json.dumps(doc), encoding="utf-8")
        return apply

    def set_item(key, value):
        return edit(lambda doc: doc.__setitem__(key, value))

    return {
        "truncated": lambda e: e.write_bytes(e.read_bytes()[: len(e.read_bytes()) // 2]),
        "empty": lambda e: e.write_bytes(b""),
        "binary": lambda e: e.write_bytes(bytes(range(256)) * 10),
        "not utf-8": lambda e: e.write_bytes(b'{"format": 1, "key": "\xff"}'),
        "a list": lambda e: e.write_text("[1, 2, 3]", encoding="utf-8"),
        "deep": lambda e: e.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8"),
        "other format": set_item("format", 99),
        "other key": set_item("key", "0" * 64),
        "no data": edit(lambda doc: doc.pop("data")),
        "date path into nothing": edit(lambda doc: doc["dates"].append([["rules", 99, "since"], "date", "2024-01-01"])),
        "date of unknown kind": edit(lambda doc: doc["dates"].__setitem__(0, [doc["dates"][0][0], "time", "10:00"])),
        "bad date": edit(lambda doc: doc["dates"].__setitem__(0, [doc["dates"][0][0], "date", "2024-13-45"])),
        "date over a value": edit(lambda doc: doc["dates"].append([["id"], "date", "2024-01-01"])),
        "position parent ahead": edit(lambda doc: doc["values"].__setitem__(1, [5, "id", 1, 1])),
        "position negative parent": edit(lambda doc: doc["values"].__setitem__(1, [-3, "id", 1, 1])),
        "position as text": edit(lambda doc: doc["values"].__setitem__(1, [0, "id", "1", 1])),
        "position step a list": edit(lambda doc: doc["values"].__setitem__(1, [0, ["id"], 1, 1])),
        "key row out of range": edit(lambda doc: doc["keys"].append([10**6, 1, 1])),
        "short row": edit(lambda doc: doc["values"].__setitem__(1, [0, "id", 1])),
        "too big": "valid, but one byte over the size limit",
        "a directory": lambda e: (e.unlink(), e.mkdir()),
    }


CORRUPTIONS = _corruptions()


@pytest.mark.parametrize("name", CORRUPTIONS)
def test_a_damaged_entry_is_ignored_and_the_file_parsed(cache_home, parses, tmp_path, monkeypatch, name):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    expected = summary(load_rulebook(path, tables=TABLES))
    load_rulebook(path, tables=TABLES, cache=True)
    (entry,) = entries(cache_home) or [p for p in cache_home.iterdir()]
    if name == "too big":
        monkeypatch.setattr(yamlsafe, "CACHE_MAX_BYTES", entry.stat().st_size - 1)
    else:
        CORRUPTIONS[name](entry)
    parsed = len(parses)
    assert summary(load_rulebook(path, tables=TABLES, cache=True)) == expected
    assert len(parses) == parsed + 1, "a damaged entry must not be used"


def test_a_tampered_but_well_formed_entry_is_bound_to_its_file(cache_home, parses, tmp_path):
    """An entry copied under another file's name is refused: its recorded key is not that name."""
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(BOOK, encoding="utf-8")
    two.write_text(BOOK.replace("value: 100", "value: 7"), encoding="utf-8")
    load_rulebook(one, tables=TABLES, cache=True)
    (entry_one,) = entries(cache_home)
    load_rulebook(two, tables=TABLES, cache=True)
    (entry_two,) = [e for e in entries(cache_home) if e != entry_one]
    entry_two.write_bytes(entry_one.read_bytes())
    assert load_rulebook(two, tables=TABLES, cache=True).rule("TST-01").source.require.value == 7
    assert len(parses) == 3


@pytest.mark.parametrize("setup", ["read-only", "a file", "replace fails", "turned off", "no home"])
def test_no_usable_cache_directory_only_costs_time(tmp_path, monkeypatch, parses, setup):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    expected = summary(load_rulebook(path, tables=TABLES))
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    monkeypatch.delenv("PROCUREMENT_NO_CACHE", raising=False)
    if setup == "read-only":
        if os.geteuid() == 0:
            pytest.skip("root writes into read-only directories")
        home.mkdir()
        home.chmod(0o500)
    elif setup == "a file":
        home.mkdir()
        (home / "procurement").write_text("not a directory", encoding="utf-8")
    elif setup == "replace fails":
        def refuse(*args):
            raise PermissionError("read-only file system")

        monkeypatch.setattr(yamlsafe.os, "replace", refuse)
    elif setup == "turned off":
        monkeypatch.setenv("PROCUREMENT_NO_CACHE", "1")
    else:
        monkeypatch.delenv("XDG_CACHE_HOME")
        monkeypatch.setattr(Path, "home", classmethod(lambda cls: (_ for _ in ()).throw(RuntimeError("no home"))))
    try:
        for _ in range(2):
            assert summary(load_rulebook(path, tables=TABLES, cache=True)) == expected
    finally:
        if setup == "read-only":
            home.chmod(0o700)
    assert len(parses) == 3  # once for `expected`, then every load parses
    left = [p for p in home.rglob("*") if p.is_file() and p.suffix in (".json", ".tmp")] if home.is_dir() else []
    assert left == []  # nothing written, not even a temporary file


def test_relative_xdg_falls_back_to_home(tmp_path, monkeypatch, parses):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("PROCUREMENT_NO_CACHE", raising=False)
    load_rulebook(path, tables=TABLES, cache=True)
    load_rulebook(path, tables=TABLES, cache=True)
    assert len(parses) == 1
    assert len(entries(tmp_path / "home" / ".cache" / "procurement" / "rulebooks")) == 1


def test_the_cache_is_off_unless_asked(cache_home, parses, tmp_path):
    path = tmp_path / "book.yaml"
    path.write_text(BOOK, encoding="utf-8")
    load_rulebook(path, tables=TABLES)
    load_rulebook(path, tables=TABLES)
    assert len(parses) == 2 and not cache_home.exists()


@pytest.mark.parametrize(("text", "cached"), [
    ("a: 2024-01-01\nb: 2024-01-01 10:30:00\nc: 2024-01-01T10:30:00.5+02:00\nd: 2024-01-01t10:30:00Z\n", True),
    ("a: [1, 1.0, true, null, '1', 1e400, -0.0, 0x1F, 0o17, 1_000]\n", True),
    ("a: &x [1, {b: 2024-02-29}]\nc: *x\n", True),
    ("a: \"\\ud800 lone surrogate\"\n", False),
    ("a: .nan\n", False),  # NaN is not equal to itself: parsed every time rather than trusted
    ("2024-01-01\n", True),
])
def test_values_round_trip_exactly_or_are_not_cached(cache_home, parses, tmp_path, text, cached):
    path = tmp_path / "doc.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    first = read_yaml(path, "doc.yaml", cache=True)
    second = read_yaml(path, "doc.yaml", cache=True)
    assert len(entries(cache_home)) == (1 if cached else 0)
    assert len(parses) == (1 if cached else 2)
    if cached:
        assert second[0] == first[0] and _types(second[0]) == _types(first[0]) and second[1] == first[1]
        for a, b in zip(_leaves(first[0]), _leaves(second[0]), strict=True):
            assert repr(a) == repr(b)


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


def test_least_recently_used_entries_are_removed(cache_home, parses, tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsafe, "CACHE_ENTRIES", 3)
    docs = []
    for i in range(4):
        path = tmp_path / f"doc{i}.yaml"
        path.write_text(f"a: {i}\n", encoding="utf-8")
        docs.append((path, yamlsafe._cache_entry(path.read_bytes())))
    for i, (path, entry) in enumerate(docs[:3]):
        read_yaml(path, path.name, cache=True)
        os.utime(entry, (1_000_000 + i, 1_000_000 + i))  # doc0 oldest, doc2 newest
    read_yaml(docs[0][0], "doc0.yaml", cache=True)  # a hit: doc0 becomes the most recently used
    assert len(parses) == 3
    read_yaml(docs[3][0], "doc3.yaml", cache=True)  # a fourth entry: the least recently used goes
    assert [entry.exists() for _, entry in docs] == [True, False, True, True]


def test_a_leftover_temporary_file_is_removed_when_old(cache_home, tmp_path):
    cache_home.mkdir(parents=True)
    old, recent = cache_home / ".old.tmp", cache_home / ".recent.tmp"
    old.write_bytes(b"x")
    recent.write_bytes(b"x")
    os.utime(old, (1_000_000, 1_000_000))
    path = tmp_path / "doc.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    read_yaml(path, "doc.yaml", cache=True)
    assert not old.exists() and recent.exists()


def test_the_entry_name_depends_on_the_parser_code(cache_home, parses, tmp_path, monkeypatch):
    """A change to yamlsafe (a new check) must not reuse documents the old code accepted."""
    path = tmp_path / "doc.yaml"
    path.write_text(textwrap.dedent("a: 1\n"), encoding="utf-8")
    read_yaml(path, "doc.yaml", cache=True)
    monkeypatch.setattr(yamlsafe, "_environment", lambda: b"another version of the module")
    read_yaml(path, "doc.yaml", cache=True)
    assert len(parses) == 2 and len(entries(cache_home)) == 2
