"""The program's digests (`meta.build`): an auditor reproducing a run needs the same code and reference data,
which the version number alone does not pin down; `procurement diff` says whether they changed."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from procurement.cli import main
from procurement.diff import diff_dirs, summary_text
from procurement.diff_report import render_html
from procurement.provenance import PACKAGE, build_digests, tree_digests

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "commandes-2025.csv"


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "pkg"
    (root / "data").mkdir(parents=True)
    (root / "templates").mkdir()
    (root / "a.py").write_text("x = 1\n")
    (root / "templates" / "p.html").write_text("<p>{{ x }}</p>\n")
    (root / "data" / "t.csv").write_text("code;label\n1;un\n")
    return root


def test_code_and_data_have_digests_of_their_own(tmp_path):
    root = _tree(tmp_path)
    before = tree_digests(root)
    (root / "a.py").write_text("x = 2\n")
    after_code = tree_digests(root)
    assert after_code["code_sha256"] != before["code_sha256"] and after_code["data_sha256"] == before["data_sha256"]
    (root / "data" / "t.csv").write_text("code;label\n1;uno\n")
    after_data = tree_digests(root)
    assert after_data["data_sha256"] != before["data_sha256"]
    assert after_data["code_sha256"] == after_code["code_sha256"]


def test_caches_and_moved_bytes_do_not_pass_for_the_same_tree(tmp_path):
    root = _tree(tmp_path)
    before = tree_digests(root)
    (root / "__pycache__").mkdir()
    (root / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\x00compiled")
    (root / "b.pyc").write_bytes(b"\x00")
    assert tree_digests(root) == before  # compiled caches come and go with the interpreter
    (root / "a.py").write_text("x = 1\n<p>")  # bytes moved from one file to the next
    (root / "templates" / "p.html").write_text("{{ x }}</p>\n")
    assert tree_digests(root)["code_sha256"] != before["code_sha256"]
    renamed = tmp_path / "other"
    shutil.copytree(_tree(tmp_path / "again"), renamed)
    assert tree_digests(renamed) == before  # where the package lies does not matter


def test_the_installed_package_is_digested(tmp_path):
    assert build_digests() == tree_digests(PACKAGE)
    assert all(len(v) == 64 for v in build_digests().values())


def test_every_output_names_the_program(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(SAMPLE), "--out", str(out), "--quiet"])
    assert result.exit_code == 0, result.output
    meta = json.loads((out / "results.json").read_text(encoding="utf-8"))["meta"]
    assert meta["build"] == build_digests()
    code = build_digests()["code_sha256"][:12]
    for page in ("report.html", "summary.html"):
        assert f"code sha256 {code}…" in (out / page).read_text(encoding="utf-8"), page
    import openpyxl

    readme = openpyxl.load_workbook(out / "results.xlsx", read_only=True)["Lisez-moi"]
    assert any(build_digests()["data_sha256"] in str(c) for row in readme.iter_rows(values_only=True) for c in row)


def _with_build(out: Path, **build: str | None) -> None:
    path = out / "results.json"
    doc = json.loads(path.read_text(encoding="utf-8"))
    if build.get("drop"):
        del doc["meta"]["build"]
    else:
        doc["meta"]["build"].update(build)
    path.write_text(json.dumps(doc), encoding="utf-8")


def test_diff_says_whether_the_program_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    runs = []
    for name in ("a", "b"):
        out = tmp_path / name
        result = CliRunner().invoke(main, ["score", str(SAMPLE), "--out", str(out), "--quiet", "--format", "json"])
        assert result.exit_code == 0, result.output
        runs.append(out)
    a, b = runs
    same = diff_dirs(a, b)
    assert same["tool"] == {"changed": False, "version": False, "code": False, "data": False}
    assert "Programme : inchangé" in summary_text(same)

    _with_build(b, code_sha256="0" * 64)
    changed = diff_dirs(a, b)
    assert changed["tool"] == {"changed": True, "version": False, "code": True, "data": False}
    assert "Programme : modifié : code" in summary_text(changed)
    assert "Program: changed: code" in summary_text(changed, "en")
    assert '<span class="flag">modifié : code</span>' in render_html(changed)

    _with_build(b, drop="1")  # a results.json written before the digests were recorded
    unknown = diff_dirs(a, b)
    assert unknown["tool"]["changed"] is None and unknown["tool"]["code"] is None
    assert "Programme : inconnu" in summary_text(unknown)


def test_the_footer_quotes_the_sheet_as_each_language_does(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764547200")
    workbook = ROOT / "samples" / "commandes-2025.xlsx"
    for lang, shown in (("fr", "« Commandes 2025 »"), ("en", "“Commandes 2025”")):
        out = tmp_path / lang
        result = CliRunner().invoke(main, ["score", str(workbook), "--out", str(out), "--quiet", "--lang", lang,
                                           "--format", "html"])
        assert result.exit_code == 0, result.output
        footer = (out / "report.html").read_text(encoding="utf-8").split('<footer class="prov"', 1)[1]
        assert f"(xlsx, {shown}, 500 " in footer.replace("&#34;", '"'), lang
