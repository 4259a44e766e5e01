"""Outputs that cannot be written: one line in the user's terms, exit status 2, nothing half-done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "commandes-2025.csv"


def _small_csv(path: Path, rows: int = 10) -> Path:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(lines[: rows + 1]), encoding="utf-8")
    return path


def _procurement(*args: str, tmp: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """A real process: what Python prints while it ends (unraisable exceptions) is part of the output."""
    temp = tmp / "temp"
    temp.mkdir(exist_ok=True)
    return subprocess.run([sys.executable, "-m", "procurement", *args], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "TMPDIR": str(temp), **(env or {})}, timeout=120)


@pytest.mark.parametrize("writer", ["openpyxl", "fast"])
def test_a_failure_beside_the_workbook_prints_one_line_and_no_openpyxl_traceback(tmp_path, writer):
    """--per-order where orders/ is a file: the workbook given up must be closed, not left to the garbage
    collector (about 40 "Exception ignored ... I/O operation on closed file" tracebacks)."""
    out = tmp_path / "po"
    out.mkdir()
    (out / "orders").write_text("", encoding="utf-8")
    proc = _procurement("score", str(_small_csv(tmp_path / "small.csv")), "--out", str(out), "--per-order",
                        tmp=tmp_path, env={"PROCUREMENT_XLSX_WRITER": writer})
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert proc.stderr.startswith("erreur: ")
    assert list((tmp_path / "temp").iterdir()) == []  # the sheets' openpyxl files are removed too


def _score(*args: str):
    from click.testing import CliRunner

    from procurement.cli import main

    return CliRunner().invoke(main, ["score", *args])


def _read_only(monkeypatch, folder: Path) -> None:
    """`folder` without write permission, simulated: tests run as root in CI, where chmod changes nothing.
    The system names the temporary file it could not create, absolute, as mkstemp does."""
    import errno

    from procurement.write import safe

    real = safe.tempfile.mkstemp

    def refused(prefix="", suffix="", dir=None, **kwargs):
        if dir is None or Path(dir).resolve() != folder.resolve():
            return real(prefix=prefix, suffix=suffix, dir=dir, **kwargs)
        name = os.path.join(os.path.abspath(dir), f"{prefix}8vxm5bij{suffix}")
        raise PermissionError(errno.EACCES, "Permission denied", name)

    monkeypatch.setattr(safe.tempfile, "mkstemp", refused)


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "erreur: le dossier « {out} » n'est pas accessible en écriture (droits insuffisants)\n"),
    ("en", "error: the folder “{out}” is not writable (permission denied)\n"),
], ids=["fr", "en"])
def test_a_read_only_output_folder_is_named_as_the_user_gave_it(tmp_path, monkeypatch, lang, expected):
    """Was: `erreur: erreur d'entrée-sortie (/tmp/…/ro2/.results.json.8vxm5bij.tmp) : Permission denied`."""
    monkeypatch.chdir(tmp_path)
    _small_csv(tmp_path / "small.csv")
    Path("ro2").mkdir()
    _read_only(monkeypatch, Path("ro2"))
    result = _score("small.csv", "--out", "ro2", "--lang", lang, "-q")
    assert result.exit_code == 2
    assert result.stderr == expected.format(out="ro2")
    assert list(Path("ro2").iterdir()) == []


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr", "erreur: « afile » est un fichier, pas un dossier\n"),
    ("en", "error: “afile” is a file, not a folder\n"),
], ids=["fr", "en"])
def test_template_under_a_file_says_the_file_is_not_a_folder(tmp_path, monkeypatch, lang, expected):
    """Was: `erreur: erreur d'entrée-sortie (afile) : File exists`."""
    from click.testing import CliRunner

    from procurement.cli import main

    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["template", "afile/t.xlsx", "--lang", lang])
    assert result.exit_code == 2
    assert result.stderr == expected


def test_check_under_a_file_names_the_file_in_the_way(tmp_path, monkeypatch):
    """Was: `erreur: erreur d'entrée-sortie (afile/sub) : Not a directory`."""
    from tests.test_check import BIDS, RULES, TENDER, _check, _fill, _template

    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], BIDS[:1])
    monkeypatch.chdir(tmp_path)
    Path("afile").write_text("", encoding="utf-8")
    result = _check(str(workbook), "--out", "afile/sub", "--rules", str(RULES))
    assert result.exit_code == 2
    assert result.stderr == "erreur: « afile » est un fichier, pas un dossier : « afile/sub » ne peut pas y être créé\n"
    result = _check(str(workbook), "--out", "afile/sub", "--rules", str(RULES), "--lang", "en")
    assert result.stderr == "error: “afile” is a file, not a folder: “afile/sub” cannot be made in it\n"


def test_common_system_errors_are_said_in_the_users_words(tmp_path, monkeypatch):
    import errno

    from procurement.errors import os_error_message

    monkeypatch.chdir(tmp_path)
    Path("out").mkdir()
    Path("out/report.html").mkdir()

    def said(code: int, name: str | None, lang: str = "fr") -> str:
        return os_error_message(OSError(code, os.strerror(code), name), lang)

    assert said(errno.EROFS, "out") == "« out » est sur un disque en lecture seule"
    assert said(errno.EROFS, "out", "en") == "“out” is on a read-only file system"
    assert said(errno.EISDIR, "out/report.html") == ("« out/report.html » est un dossier : un fichier ne peut pas "
                                                     "être écrit à sa place")
    assert said(errno.ENOSPC, "out/.results.json.8vxm5bij.tmp").startswith("disque plein : aucun fichier partiel")
    assert said(errno.ENOSPC, None, "en").startswith("disk full: no partial file is written")
    assert said(errno.EPERM, "out") == "le dossier « out » n'est pas accessible en écriture (droits insuffisants)"
    assert said(errno.EACCES, "out/new/deeper") == "« out/new/deeper » ne peut pas être créé (droits insuffisants)"
    # A temporary file of ours is named after the file it was to become; other errors keep the system's text.
    assert said(errno.EFBIG, "out/.results.json.8vxm5bij.tmp") == f"« out/results.json » : {os.strerror(errno.EFBIG)}"
    assert ".tmp" not in said(errno.EACCES, str(tmp_path / "out" / ".results.json.abcd_123.tmp"), "en")


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.rglob(".*") if p.name.endswith((".tmp", ".old")))


def test_a_folder_where_one_output_goes_replaces_none_of_the_others(tmp_path, monkeypatch):
    """Was: results.xlsx and summary.html of the new run beside results.json/csv and rejected.csv of the old."""
    monkeypatch.chdir(tmp_path)
    assert _score(str(SAMPLE), "--out", "mix", "-q").exit_code == 0
    (tmp_path / "mix" / "report.html").unlink()
    (tmp_path / "mix" / "report.html").mkdir()
    before = _files(tmp_path / "mix")
    result = _score(str(_small_csv(tmp_path / "small.csv")), "--out", "mix", "-q")
    assert result.exit_code == 2
    assert result.stderr == ("erreur: « mix/report.html » est un dossier : un fichier ne peut pas être écrit à sa "
                             "place\n")
    assert _files(tmp_path / "mix") == before
    assert _leftovers(tmp_path / "mix") == []


def test_a_folder_where_results_json_goes_writes_no_file(tmp_path, monkeypatch):
    """Was: 4 of the 6 files written."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "part2" / "results.json").mkdir(parents=True)
    result = _score(str(_small_csv(tmp_path / "small.csv")), "--out", "part2", "--per-order", "--lang", "en")
    assert result.exit_code == 2
    assert result.stderr == "error: “part2/results.json” is a folder: a file cannot be written in its place\n"
    assert _files(tmp_path / "part2") == {}  # only folders: results.json and the pages' orders/


def test_check_writes_both_files_or_neither(tmp_path):
    """Was: a check.html that could not be written left a new check.json."""
    from tests.test_check import BIDS, RULES, TENDER, _check, _fill, _template

    workbook = _fill(_template(tmp_path / "c.xlsx"), [TENDER], BIDS[:1])
    out = tmp_path / "out"
    (out / "check.html").mkdir(parents=True)
    result = _check(str(workbook), "--out", str(out), "--rules", str(RULES))
    assert result.exit_code == 2 and "check.html" in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["check.html"]


@pytest.mark.parametrize("failure", [PermissionError(1, "Operation not permitted"), KeyboardInterrupt()],
                         ids=["refused", "interrupted"])
def test_a_rename_failing_half_way_puts_the_previous_files_back(tmp_path, failure, monkeypatch):
    """A rename refused (another user's file in a sticky folder) or interrupted after some files were
    replaced: those are restored from the copies kept aside, the new ones removed."""
    from procurement.write import safe

    monkeypatch.chdir(tmp_path)
    assert _score(str(SAMPLE), "--out", "out", "-q").exit_code == 0
    before = _files(tmp_path / "out")
    real, renamed = os.replace, []

    def failing(src, dst):
        if str(src).endswith(".tmp") and len(renamed) == 3:
            raise failure
        real(src, dst)
        renamed.append(dst)

    monkeypatch.setattr(safe.os, "replace", failing)
    result = _score(str(_small_csv(tmp_path / "small.csv")), "--out", "out", "-q")
    assert result.exit_code == (130 if isinstance(failure, KeyboardInterrupt) else 2)
    assert len(renamed) >= 3
    assert _files(tmp_path / "out") == before
    assert _leftovers(tmp_path / "out") == []


def test_outputs_of_a_forked_writer_are_kept_back_with_the_others(tmp_path, monkeypatch):
    """results.xlsx, completed by a forked process, is not renamed when one of the parent's files cannot be."""
    from procurement.commands import load_rules
    from procurement.pipeline import run
    from procurement.write import forked
    from procurement.write.outputs import write_outputs

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1748736000")
    result = run([SAMPLE], load_rules(None, [], []))
    formats = ["json", "csv", "xlsx", "html", "summary"]
    out = tmp_path / "out"
    write_outputs(result, out, "fr", formats, jobs=1)
    (out / "summary.html").unlink()
    (out / "summary.html").mkdir()
    before = _files(out)
    monkeypatch.setattr(forked, "MIN_ORDERS", 1)
    assert forked.plan([*formats], 2, len(result.orders)) == [["xlsx"]]
    with pytest.raises(IsADirectoryError):
        write_outputs(result, out, "en", formats, jobs=2)  # in English: other bytes than the files in place
    assert _files(out) == before
    assert _leftovers(out) == []
    (out / "summary.html").rmdir()
    write_outputs(result, out, "fr", formats, jobs=2)  # and when nothing is in the way, all are written
    assert sorted(_files(out)) == ["rejected.csv", "report.html", "results.csv", "results.json", "results.xlsx",
                                   "summary.html"]
    assert _leftovers(out) == []


def test_pages_of_an_earlier_run_go_when_the_new_run_is_committed(tmp_path, monkeypatch):
    """--per-order into a folder that held an earlier run's pages left them: 14 pages beside a report of
    one order, the 13 old ones showing their old verdicts (security review). They are removed once the
    new set is in place; a file that is not one of our pages stays, and a failed run removes nothing."""
    monkeypatch.chdir(tmp_path)
    assert _score(str(_small_csv(tmp_path / "ten.csv", 10)), "--out", "o", "--per-order", "-q",
                  "--format", "json").exit_code in (0, 1)
    orders = tmp_path / "o" / "orders"
    assert len(list(orders.glob("*.html"))) == 10
    (orders / "notes.txt").write_text("mine", encoding="utf-8")
    (orders / "index.html").write_text("mine", encoding="utf-8")
    three = _small_csv(tmp_path / "three.csv", 3)
    (tmp_path / "o" / "results.json").unlink()
    (tmp_path / "o" / "results.json").mkdir()  # this run fails: nothing is swept
    assert _score(str(three), "--out", "o", "--per-order", "-q", "--format", "json").exit_code == 2
    assert len(list(orders.glob("*-*.html"))) == 10
    (tmp_path / "o" / "results.json").rmdir()
    assert _score(str(three), "--out", "o", "--per-order", "-q", "--format", "json").exit_code in (0, 1)
    pages = sorted(p.name for p in orders.iterdir())
    assert len([p for p in pages if p.endswith(".html") and p != "index.html"]) == 3
    assert "notes.txt" in pages and "index.html" in pages
