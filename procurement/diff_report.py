"""A comparison of two runs presented: the console summary and the HTML page, in French or English.

Kept apart from the comparison so that `--json` and library users get the facts without formatting,
and so that the page's view model (everything formatted) is the one place that speaks to the template.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from procurement import diff_groups
from procurement.diff_run import DATA_DETAIL_LIMIT, EPSILON, STATUS_CODES, shorten
from procurement.diff_words import counted_noun, first_heading, words
from procurement.i18n import fmt_timestamp

DETAIL_LIMIT = 2000  # orders shown on the page; --json holds them all
TEXT_LIMIT = 20  # verdict changes listed in the console summary
IDS_NAMED = 5  # new and removed orders named in the console summary (the page and --json list them all)


def _orders_counted(orders: dict[str, Any], lang: str) -> list[str]:
    """The new, removed and common orders counted, each in agreed words: « 1 nouvelle », « 2 communes »."""
    return [counted_noun(n, k, lang) for k, n in (("added", len(orders["added"])), ("removed", len(orders["removed"])),
                                              ("common", orders["common"]))]


def copies_line(orders: dict[str, Any], lang: str) -> str:
    """The later copies of an order each run left out of the counts (« 1 → 1 »), or "" when neither has any:
    without it, a reader comparing with the summary could not tell whether the diff counted rows or orders."""
    copies = orders.get("copies") or {}
    if not copies.get("old") and not copies.get("new"):
        return ""
    w = words(lang)
    return f"{w['copies']}{w['colon']}{copies.get('old', 0)} → {copies.get('new', 0)}"


def _verdicts_line(orders: dict[str, Any], lang: str) -> str:
    w = words(lang)
    if not orders["verdicts_changed"]:
        return w["no_change"]
    return w["verdicts_line"].format(
        n=counted_noun(orders["verdicts_changed"], "change", lang),
        orders=counted_noun(orders["orders_with_verdict_changes"], "order", lang),
        better=counted_noun(orders["better"], "better", lang), worse=counted_noun(orders["worse"], "worse", lang),
        other=counted_noun(orders["other"], "other", lang))


def _status(status: str | None, lang: str) -> str:
    from procurement import i18n

    return words(lang)["absent"] if status is None else i18n.label(status, lang)


def _num(value: float | None, lang: str, signed: bool = False) -> str:
    from procurement import i18n

    if value is None:
        return "—"
    text = i18n.fmt_number(value, lang, 1)
    return ("+" + text) if signed and value > 0 else text


def _value(field: str, value: Any, lang: str) -> str:
    """A field's value as the pages show it (`views.common.fmt_value`: money, dates, codes by their label),
    but absence as "—" and a number with all its decimals: a change of 12.5 to 12.54 must show."""
    from procurement import i18n
    from procurement.fields import FIELDS_BY_NAME, Kind
    from procurement.views.common import fmt_value

    if value is None or value == [] or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(_value(field, v, lang) for v in value)
    kind = getattr(FIELDS_BY_NAME.get(field), "kind", None)
    if isinstance(value, int | float) and not isinstance(value, bool) and kind is not Kind.MONEY:
        decimals = len(f"{float(value):.6f}".rstrip("0").split(".")[1])  # 1e-05 has 5, 12.5 has 1
        return i18n.fmt_number(value, lang, decimals)
    text = fmt_value(value, field, lang)
    return shorten(text, 60) if isinstance(value, str) else text  # shorten() would break no-break spaces


def data_lines(change: dict[str, Any], lang: str) -> list[str]:
    """"Montant HT : 8 400 → 9 000" for each field of an order's data that changed."""
    from procurement.views.common import field_label

    w = words(lang)
    if change.get("data") is None:
        return []
    if not change.get("data_detailed", True):
        return [w["data_unread"].format(limit=DATA_DETAIL_LIMIT)]
    return [f"{field_label(d['field'], lang)}{w['colon']}{_value(d['field'], d['before'], lang)} → "
            f"{_value(d['field'], d['after'], lang)}" for d in change["data"]]


def _data_line(orders: dict[str, Any], lang: str) -> str:
    w = words(lang)
    if not orders.get("orders_with_data_changes"):
        return w["no_data_change"]
    return w["data_line"].format(n=counted_noun(orders["orders_with_data_changes"], "order", lang),
                                 only=orders["data_changes_only"])


def _sha(value: Any) -> str:
    return str(value)[:12] + "…" if value else "—"


def _book(b: dict[str, Any]) -> str:
    chosen = "".join(f", --{k} {' '.join(map(str, b[k]))}" for k in ("select", "ignore") if b.get(k))
    return f"{b.get('id') or '?'} {b.get('version') or ''}".strip() + f" (sha256 {_sha(b.get('sha256'))}{chosen})"


def program_line(result: dict[str, Any], lang: str) -> tuple[str, str]:
    """(what changed in the program, a class for the page: ok, flag or unknown)."""
    w, tool = words(lang), result["tool"]
    if tool["changed"] is None:
        return w["unknown"], "unknown"
    if not tool["changed"]:
        return w["unchanged"], "ok"
    old, new = result["old"], result["new"]
    parts = [w["part_" + k] for k in ("version", "code", "data") if tool[k]]
    version = f" (procurement {old['version']} → {new['version']})" if tool["version"] else ""
    return f"{w['changed']}{w['colon']}{', '.join(parts)}{version}", "flag"


def _inputs_line(result: dict[str, Any], lang: str, key: str = "inputs") -> str:
    """The files of `key` (inputs, suppliers, waivers) that moved; « tous inchangés » for the inputs, and
    « inchangé » for the supplier register or the waivers file."""
    w = words(lang)
    moved = [i for i in result[key] if i["status"] != "same"]
    if not moved:
        return w["inputs_unchanged" if key == "inputs" else "unchanged"]
    parts = []
    for i in moved:
        name = Path(str(i["path"])).name
        if i["status"] == "changed":
            parts.append(f"{name} {w['changed']} ({_sha(i['old_sha256'])} → {_sha(i['new_sha256'])})")
        elif i["status"] == "replaced":
            parts.append(f"{Path(str(i['old_path'])).name} {w['replaced']} {name}")
        else:
            parts.append(f"{name} {w[i['status']]}")
    return words(lang)["sep"].join(parts)


def _when(generated_at: str | None, lang: str) -> str:
    """When a run was written, as the other pages say it (« 27/11/2026 08:51:50 UTC »); « — » if unknown."""
    return fmt_timestamp(str(generated_at), lang) if generated_at else "—"


def summary_text(result: dict[str, Any], lang: str = "fr", page: Path | None = None, limit: int = TEXT_LIMIT) -> str:
    """The console summary: provenance, counts, mean scores by chantier, the first verdict changes."""
    from procurement import i18n

    w = words(lang)
    colon = ": " if lang == "en" else " : "
    old, new, book, orders = result["old"], result["new"], result["rulebook"], result["orders"]
    lines = [w["title"],
             f"  {w['before']}{colon}{old['dir']} ({w['generated']} {_when(old['generated_at'], lang)})",
             f"  {w['after']}{colon}{new['dir']} ({w['generated']} {_when(new['generated_at'], lang)})"]
    if book["changed"]:
        text = f"{w['changed']}{colon}{_book(book['old'])} → {_book(book['new'])}"
        if book["rules_added"]:
            text += f"{w['sep']}{w['rules_added']}{colon}{', '.join(book['rules_added'])}"
        if book["rules_removed"]:
            text += f"{w['sep']}{w['rules_removed']}{colon}{', '.join(book['rules_removed'])}"
    else:
        text = f"{w['unchanged']}, {_book(book['new'])}"
    lines.append(f"{w['rulebook']}{colon}{text}")
    lines.append(f"{w['program']}{colon}{program_line(result, lang)[0]}")
    lines.append(f"{w['inputs']}{colon}{_inputs_line(result, lang)}")
    for key in ("suppliers", "waivers"):  # said when either run had one (a diff of older runs has neither)
        if result.get(key):
            lines.append(f"{w[key]}{colon}{_inputs_line(result, lang, key)}")
    lines.append(f"{w['orders']}{colon}{orders['old']} → {orders['new']}{w['sep']}"
                 + ", ".join(_orders_counted(orders, lang)))
    if copies_line(orders, lang):
        lines.append(f"  {copies_line(orders, lang)}")
    for key in ("added", "removed"):  # named, not only counted: the page was the only place that said which
        if orders[key]:
            ids = [r["id"] for r in orders[key][:IDS_NAMED]]
            rest = len(orders[key]) - len(ids)
            more = f" {w['more'].format(n=counted_noun(rest, 'more', lang))}" if rest else ""
            lines.append(f"  {counted_noun(len(orders[key]), key, lang).split(' ', 1)[1]}{colon}{', '.join(ids)}{more}")
    lines.append(f"{w['verdicts']}{colon}{_verdicts_line(orders, lang)}")
    lines.append(f"{w['data']}{colon}{_data_line(orders, lang)}")
    lines += diff_groups.summary_lines(result.get("groups"), lang)
    agg = result["aggregate"]
    o = agg["overall"]
    lines.append(f"{w['mean_score']}{colon}{_num(o['before'], lang)} → {_num(o['after'], lang)} "
                 f"({_num(o['delta'], lang, True)})")
    for c in agg["chantiers"]:
        if c["before"] is None and c["after"] is None:
            continue
        name = shorten(i18n.chantier_name(c["chantier"], lang), 60)
        lines.append(f"  {w['chantier']} {c['chantier']} — {name}{colon}{_num(c['before'], lang)} → "
                     f"{_num(c['after'], lang)} ({_num(c['delta'], lang, True)})")
    changes = [(c["id"], v) for c in orders["changed"] for v in c["verdicts"]]
    if changes:
        lines.append(f"{first_heading(min(limit, len(changes)), 'changes', lang)}{colon.rstrip()}")
        for oid, v in changes[:limit]:
            lines.append(f"  {oid} {v['rule']}{colon}{_status(v['before'], lang)} → {_status(v['after'], lang)}")
        if len(changes) > limit:
            lines.append("  " + w["more"].format(n=counted_noun(len(changes) - limit, "more", lang)))
    edits = [(c["id"], line) for c in orders["changed"] for line in data_lines(c, lang)]
    if edits:
        lines.append(f"{first_heading(min(limit, len(edits)), 'data_changes', lang)}{colon.rstrip()}")
        lines += [f"  {oid} {line}" for oid, line in edits[:limit]]
        if len(edits) > limit:
            lines.append("  " + w["more"].format(n=counted_noun(len(edits) - limit, "more", lang)))
    if page is not None:
        lines.append(f"{w['page']}{colon}{page}")
    return "\n".join(lines)


def view_model(result: dict[str, Any], lang: str = "fr") -> dict[str, Any]:
    """Everything the page shows, formatted: the template only lays it out."""
    from procurement import i18n

    w = words(lang)
    orders = result["orders"]
    book = result["rulebook"]

    def brief(rows: list[dict]) -> list[dict[str, str]]:
        return [{"id": r["id"], "label": r["label"], "where": r["where"], "overall": _num(r["overall"], lang)}
                for r in rows[:DETAIL_LIMIT]]

    changed = []
    # Verdict and score changes first: a change of a derived field in every order (new reference data)
    # must not push them off the page.
    for c in sorted(orders["changed"], key=lambda c: not (c["verdicts"] or c["scores"]))[:DETAIL_LIMIT]:
        changed.append({
            "id": c["id"], "label": c["label"], "where": c["where"],
            "verdicts": [{"rule": v["rule"], "before": _status(v["before"], lang),
                          "after": _status(v["after"], lang), "direction": v["direction"],
                          "direction_label": w[v["direction"]]} for v in c["verdicts"]],
            "scores": [{"name": w["overall"] if s["chantier"] is None else f"{w['chantier']} {s['chantier']}",
                        "before": _num(s["before"], lang), "after": _num(s["after"], lang),
                        "delta": _num(s["delta"], lang, True),
                        "sign": "" if s["delta"] is None else "up" if s["delta"] > 0 else "down"}
                       for s in c["scores"]],
            "data": data_lines(c, lang),
        })
    agg = result["aggregate"]
    chantiers = [{"number": c["chantier"], "name": i18n.chantier_name(c["chantier"], lang),
                  "before": _num(c["before"], lang), "after": _num(c["after"], lang),
                  "delta": _num(c["delta"], lang, True),
                  "sign": "" if c["delta"] is None or abs(c["delta"]) < EPSILON else "up" if c["delta"] > 0 else "down"}
                 for c in agg["chantiers"]]
    statuses = list(STATUS_CODES)
    rules = [{"rule": r["rule"],
              "cells": [(i18n.label(s, lang), "—" if r["before"] is None else r["before"][s],
                         "—" if r["after"] is None else r["after"][s],
                         r["before"] is not None and r["after"] is not None and r["before"][s] != r["after"][s])
                        for s in statuses]}
             for r in agg["rules"]]
    runs = []
    for key in ("old", "new"):
        m = result[key]
        runs.append({"label": w["before" if key == "old" else "after"], "dir": m["dir"],
                     "generated_at": _when(m["generated_at"], lang), "version": m["version"] or "—",
                     **_digests(m.get("build")),
                     "rulebook": _book(m["rulebook"]), "sha": m["rulebook"].get("sha256") or "—",
                     "orders": m["orders"], "rejected": m["rejected"],
                     "inputs": [{"path": i["path"], "sha": i["sha256"] or "—", "rows": i["rows_read"]}
                                for i in m["inputs"]]
                     + [{"path": f"{w[key]}{w['colon']}{i['path']}", "sha": i["sha256"] or "—", "rows": None}
                        for key in ("suppliers", "waivers") for i in m.get(key) or ()]})
    group_rows = diff_groups.view_rows(result.get("groups"), lang)
    return {
        "lang": lang, "t": w, "runs": runs, "writer": _writer(),
        "program": program_line(result, lang),
        "rulebook_changed": book["changed"], "rules_added": book["rules_added"],
        "rules_removed": book["rules_removed"],
        # The files compared, each list under its label: the inputs always, the supplier register and the
        # waivers file when either run had one.
        "file_groups": [(w["inputs"], _files(result["inputs"], w))]
                       + [(w[key], _files(result[key], w)) for key in ("suppliers", "waivers") if result.get(key)],
        "counts": {"old": orders["old"], "new": orders["new"], "common": orders["common"],
                   "added": len(orders["added"]), "removed": len(orders["removed"])},
        "counted": _orders_counted(orders, lang),
        "copies_line": copies_line(orders, lang),
        "verdicts_line": _verdicts_line(orders, lang),
        "data_line": _data_line(orders, lang),
        "overall": {"before": _num(agg["overall"]["before"], lang), "after": _num(agg["overall"]["after"], lang),
                    "delta": _num(agg["overall"]["delta"], lang, True)},
        "chantiers": chantiers, "rules": rules, "statuses": [i18n.label(s, lang) for s in statuses],
        "added": brief(orders["added"]), "removed": brief(orders["removed"]), "changed": changed,
        "hidden": {k: w["hidden"].format(n=counted_noun(len(orders[k]) - DETAIL_LIMIT, "hidden", lang))
                   if len(orders[k]) > DETAIL_LIMIT else ""
                   for k in ("added", "removed", "changed")},
        "groups": group_rows[:DETAIL_LIMIT],
        # the page cuts the groups' list as it cuts the orders', and says so
        "groups_hidden": w["hidden"].format(n=counted_noun(len(group_rows) - DETAIL_LIMIT, "hidden_groups", lang))
                         if len(group_rows) > DETAIL_LIMIT else "",
        "groups_shown": diff_groups.shown(result.get("groups")),
        "g": diff_groups.words(lang),
    }


def _digests(build: dict[str, Any] | None) -> dict[str, str]:
    """A program's digests (`meta.build`) as every page's footer shortens them; « — » for a run written before
    they were recorded."""
    build = build or {}
    return {"code_sha": _sha(build.get("code_sha256")), "data_sha": _sha(build.get("data_sha256"))}


def _writer() -> dict[str, str]:
    """The program that writes this page, named in its footer as every other page names the one that wrote it
    (README: each page's footer repeats `meta.build`): the comparison's figures are its work, and it may be
    neither run's program."""
    from procurement import __version__
    from procurement.provenance import build_digests

    return {"tool": f"procurement {__version__}", **_digests(build_digests())}


def _files(items: list[dict[str, Any]], w: dict[str, str]) -> list[dict[str, str]]:
    return [{"name": Path(str(i.get("old_path") or i["path"])).name, "other": Path(str(i["path"])).name,
             "status": w[i["status"]], "code": i["status"], "old": _sha(i["old_sha256"]),
             "new": _sha(i["new_sha256"])} for i in items]


def render_html(result: dict[str, Any], lang: str = "fr") -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from procurement.views.common import fixed_assets

    env = Environment(loader=PackageLoader("procurement", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("diff.html").render(**view_model(result, lang), assets=fixed_assets("diff.css"))


def write_html(result: dict[str, Any], target: Path, lang: str = "fr") -> Path:
    from procurement.write.safe import atomic_path

    html = render_html(result, lang)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
