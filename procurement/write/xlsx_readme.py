"""The "Lisez-moi" / "Read me" sheet of results.xlsx: what every column means, the run's provenance
(rulebook and input sha256), the row balance (rows read = orders + rejected + merged), the sheets, the
rules with their counts by status, the chantiers and the statuses. Small: always written with openpyxl."""

from __future__ import annotations

from collections import Counter
from typing import Any

from procurement import i18n
from procurement.fields import FIELDS_BY_NAME
from procurement.pipeline import Run, meta
from procurement.scoring import CHANTIERS
from procurement.write.xlsx_cells import HEADER_FILL, safe_value, set_widths, styled
from procurement.write.xlsx_words import SHEETS, words


def recognised(run: Run) -> dict[str, str]:
    """User header -> canonical field, over every input."""
    out: dict[str, str] = {}
    for info in run.inputs:
        for header, name in info.columns.items():
            out.setdefault(header, name)
    return out


def write_readme(wb: Any, run: Run, lang: str, originals: list[str], canonical: list[tuple[str, str]],
                 statuses: list[str], rule_counts: dict[str, Counter], truncated: bool, limit: int,
                 index: int | None = None, left_out: int = 0, order_counts: dict[str, Counter] | None = None,
                 copies: int = 0) -> None:
    """The sheet, created at `index` (last by default). `rule_counts` are findings, the rule sheets' rows
    (each sheet says how many « sans objet » it leaves out); the rules' table gives `order_counts`, the
    orders as the summary and the report count them, without the `copies` of an order, which it names."""
    w = words(lang)
    names = {k: v[lang] for k, v in SHEETS.items()}
    na_counts = Counter({rid: c.get("not_applicable", 0) for rid, c in rule_counts.items()})
    ws = wb.create_sheet(SHEETS["readme"][lang], index)
    set_widths(ws, [38, 90, 16, 14, 14, 14, 14, 14])
    m = meta(run)

    def section(title: str) -> None:
        ws.append([])
        ws.append([styled(ws, title, bold=True, white=True, fill=HEADER_FILL)])

    def line(label: str, value: object) -> None:
        ws.append([styled(ws, label, bold=True), styled(ws, value, wrap=True)])

    ws.append([styled(ws, w["title"], bold=True)])
    ws.append([styled(ws, w["intro"].format(results=names["results"], rejected=names["rejected"]), wrap=True)])

    section(w["run"])
    book = m["rulebook"]
    line(w["tool"], f"procurement {m['version']}")
    build = m["build"]
    line(w["build"], w["build_value"].format(code=build["code_sha256"], data=build["data_sha256"]))
    line(w["generated"], m["generated_at"])
    line(w["rulebook"], f"{book['id']} {book['version']}")
    line(w["rulebook_sha"], book["sha256"])
    line(w["rules_count"], book["rules"])
    options = {k: v for k, v in (m.get("options") or {}).items() if v not in (None, [], "")}
    if options:
        line(w["options"], "; ".join(f"{k} = {v}" for k, v in options.items()))

    section(w["inputs"])
    colon = ": " if lang == "en" else " : "
    for info in m["inputs"]:
        line(info["path"], f"{w['format']}{colon}{info['format']}")
        if info.get("sheet"):
            line("", f"{w['sheet']}{colon}{info['sheet']}")
        if info.get("header_row"):
            line("", f"{w['header_row']}{colon}{info['header_row']}")
        line("", f"{w['rows_read']}{colon}{info['rows_read']}")
        line(w["input_sha"], info["sha256"])

    section(w["balance"])
    c = m["counts"]
    line(w["rows_read"], c["rows_read"])
    line(w["orders"].format(results=names["results"]), c["orders"])
    line(w["rejected_n"].format(rejected=names["rejected"]), c["rejected"])
    line(w["merged"], c["merged"])
    balanced = c["rows_read"] == c["orders"] + c["rejected"] + c["merged"]
    line(w["check"], f"{w['reconciles']}{colon}{c['rows_read']} = {c['orders']} + {c['rejected']} + {c['merged']} "
                     f"({w['ok'] if balanced else w['ko']})")
    if truncated:
        line("", w["truncated"].format(n=limit))

    section(w["sheets"])
    line(names["results"], w["sheet_results"])
    line(names["readme"], w["sheet_readme"])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        na = i18n.counted(na_counts.get(rule.id, 0), *w["na_rows"], lang)
        line(rule.id, w["sheet_rule"].format(title=title, na=na))
    line(names["rejected"], w["sheet_rejected"])

    section(w["columns"].format(results=names["results"]))
    fields = recognised(run)
    for header in originals:
        name = fields.get(header)
        line(header, w["col_original"].format(field=FIELDS_BY_NAME[name].header(lang)) if name
             else w["col_original_unknown"])
    if left_out:
        line("", i18n.plural(left_out, *w["left_out"], lang).format(n=left_out))
    for name, header in canonical:  # (field, its header in the sheet: Columns.canonical_headers)
        f = FIELDS_BY_NAME[name]
        # A field without help text is named by its label (« SIRET acheteur »), never its code (buyer_siret).
        text = (f.help_en or f.en) if lang == "en" else (f.help_fr or f.fr)
        line(header, w["col_field"].format(help=text))
    line(w["our_id"], w["col_our_id"])
    line(w["file"], w["col_file"])
    line(w["sheet"], w["col_sheet"])
    line(w["row"], w["col_row"])
    line(w["overall"], w["col_overall"])
    for n in CHANTIERS:
        line(w["chantier"].format(n=n), w["col_chantier"].format(n=n, name=i18n.chantier_name(n, lang)))
    line(w["completeness"], w["col_completeness"])
    for s in statuses:
        line(w["count"].format(label=i18n.label(s, lang)), w["col_count"].format(label=i18n.label(s, lang)))
    line(w["legal_failures"], w["col_legal"])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        line(rule.id, w["col_rule"].format(id=rule.id, title=title))
    line(w["missing"], w["col_missing"])
    line(w["warnings"], w["col_warnings"])

    section(w["rules"])
    ws.append([styled(ws, h, bold=True) for h in (
        w["id"], w["rules"], w["kind"], w["chantiers"], *(i18n.label(s, lang) for s in statuses))])
    for rule in run.rulebook.rules:
        title = rule.title.en if lang == "en" else rule.title.fr
        counts = (rule_counts if order_counts is None else order_counts).get(rule.id, Counter())
        ws.append([rule.id, safe_value(ws, title), i18n.label(rule.kind, lang),
                   ", ".join(str(c) for c in rule.chantiers), *(counts.get(s, 0) for s in statuses)])
    if copies:
        ws.append([styled(ws, i18n.plural(copies, *w["copies"], lang).format(n=i18n.fmt_number(copies, lang)),
                          wrap=True)])

    section(w["chantiers_title"])
    for n in CHANTIERS:
        line(str(n), i18n.chantier_name(n, lang))

    section(w["statuses"])
    for s in statuses:
        line(i18n.label(s, lang), w.get(f"st_{s}", s))

    section(w["safety"])
    ws.append([styled(ws, w["safety_text"], wrap=True)])

