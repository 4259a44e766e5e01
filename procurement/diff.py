"""What changed between two runs: orders added and removed, verdicts changed rule by rule, scores by chantier.

`procurement diff OLD_DIR NEW_DIR` reads the `results.json` of each directory. A monthly follow-up
compares runs of thousands of orders, so the files are streamed: one order at a time is parsed and
reduced to what the comparison needs (its key, one status letter per rule, its scores), then dropped.
Memory grows with the number of orders times the number of rules, in bytes, not with the file's size.

How orders are matched: by (buyer, id), as the pipeline counts duplicates: DECP ids are unique per buyer
only. The buyer is the SIRET when known, else the name. An id that occurs several times for one buyer
is matched occurrence by occurrence, in file order (`#2`, `#3` in the key).

What counts as a data change: an order in both runs whose `data` (the fields as scored: the user's values
and what was derived from them, such as the supplier's band) differ. It is listed, field by field, even
when no verdict moved: an amount corrected, a supplier replaced. The fields are read in a second pass over
both files, for the changed orders only, the first DATA_DETAIL_LIMIT of them (the others are counted).

What counts as a verdict change: a rule whose status differs between the two runs for the same order,
including a rule only one rulebook has (shown as "—"). A change is "better" when it moves up the scale
fail < insufficient_data < waived < pass, "worse" when it moves down, "other" when not_applicable or a
missing rule is involved. Score changes are reported per order (overall and each chantier whose score
moved) and in aggregate: the mean score of each run's orders, per chantier, and the status counts of
each rule.

Each order is counted once, as the summary counts it: a later copy of an order (the `duplicate_order` warning:
same buyer, id, amount and date as a row read before it) is left out of the counts, the lists, the verdict
changes and the means, and the number of copies of each run is given apart (`orders.copies`).

Groups of possible splitting (RISK-02, `portfolio`): new, gone and changed, apart from the orders
(`diff_groups`): an order counts RISK-02 once however many groups it is in, so a group change may move
no verdict and no score.

Provenance: each run's tool version, rulebook (id, version, sha256), inputs (path, sha256), supplier
register and waivers file are set side by side, so the reader knows whether a verdict changed because the
data, the rules, the register or a waiver did.

Split by idea: `diff_run` reads and reduces one run, this module compares two, `diff_report` presents
the comparison (console summary, HTML page).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from procurement.diff_groups import compare_groups
from procurement.diff_report import render_html as render_html
from procurement.diff_report import summary_text as summary_text
from procurement.diff_report import view_model as view_model
from procurement.diff_report import write_html as write_html
from procurement.diff_run import (
    CHANTIERS,
    CODE_STATUS,
    DATA_DETAIL_LIMIT,
    EPSILON,
    STATUS_CODES,
    JsonStream,
    OrderRow,
    RunSummary,
    data_of,
)
from procurement.diff_run import iter_results as iter_results
from procurement.diff_run import load_run as load_run

_Stream = JsonStream  # the name the tests drive the stream by
RANK = {"fail": 0, "insufficient_data": 1, "waived": 2, "pass": 3}


def direction(before: str | None, after: str | None) -> str:
    """'better', 'worse' or 'other' for a status change. A new failure is worse whatever it came from: a
    rule that did not apply (or was not in the rulebook) and now fails is a new non-compliance, which the
    headline counted as "other" (an amount raised above the EU threshold: PROC-03 sans objet → non conforme)."""
    if after == "fail" and before != "fail":
        return "worse"
    if before in RANK and after in RANK:
        return "better" if RANK[after] > RANK[before] else "worse"
    return "other"


def _moved(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    return abs(a - b) > EPSILON


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(b - a, 6)


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return round(sum(known) / len(known), 6) if known else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _run_meta(run: RunSummary) -> dict[str, Any]:
    m = run.meta
    book = m.get("rulebook") if isinstance(m.get("rulebook"), dict) else {}
    return {
        "dir": str(run.dir),
        "generated_at": m.get("generated_at"),
        "version": m.get("version"),
        "build": m.get("build") if isinstance(m.get("build"), dict) else None,
        "rulebook": {k: book.get(k) for k in ("id", "version", "sha256", "select", "ignore")},
        "inputs": [{"path": i.get("path"), "sha256": i.get("sha256"), "rows_read": i.get("rows_read")}
                   for i in m.get("inputs") or () if isinstance(i, dict)],
        # The other files a run read: its supplier register (--suppliers) and its waivers (--waivers).
        "suppliers": [{"path": i.get("path"), "sha256": i.get("sha256")}
                      for i in _dict(m.get("directory")).get("inputs") or () if isinstance(i, dict)],
        "waivers": [{"path": w.get("file"), "sha256": w.get("sha256")} for w in [_dict(m.get("waivers"))] if w],
        "counts": m.get("counts") or {},
        "orders": len(counted_orders(run)),  # as its summary counts them, and the copies apart
        "copies": len(run.orders) - len(counted_orders(run)),
        "rejected": run.rejected,
    }


def _tool(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Whether the program differs: its version, the code or the reference data (`meta.build`). A run
    written before the digests were recorded has none, so whether its code differs is unknown (None),
    never "unchanged": verdicts that moved with an unchanged rulebook and inputs come from the program."""
    parts = {"version": old["version"] != new["version"]}
    for key in ("code_sha256", "data_sha256"):
        a, b = (m["build"].get(key) if m["build"] else None for m in (old, new))
        parts[key.removesuffix("_sha256")] = None if a is None or b is None else a != b
    known = [v for v in parts.values() if v is not None]
    return {"changed": True if any(known) else None if len(known) < len(parts) else False, **parts}


def _inputs(old: list[dict], new: list[dict]) -> list[dict[str, Any]]:
    """Inputs matched by path, else by file name: same, changed, added, removed, or replaced (a file of
    another name in its place, when as many were added as removed)."""
    def name(i: dict) -> str:
        return Path(str(i.get("path") or "")).name

    out = []
    used: set[int] = set()
    for o in old:
        match = next((j for j, n in enumerate(new) if j not in used and n.get("path") == o.get("path")), None)
        if match is None:
            match = next((j for j, n in enumerate(new) if j not in used and name(n) == name(o)), None)
        if match is None:
            out.append({"path": o.get("path"), "old_sha256": o.get("sha256"), "new_sha256": None, "status": "removed"})
            continue
        used.add(match)
        n = new[match]
        status = "same" if o.get("sha256") == n.get("sha256") else "changed"
        out.append({"path": n.get("path"), "old_path": o.get("path"), "old_sha256": o.get("sha256"),
                    "new_sha256": n.get("sha256"), "status": status})
    for j, n in enumerate(new):
        if j not in used:
            out.append({"path": n.get("path"), "old_sha256": None, "new_sha256": n.get("sha256"), "status": "added"})
    # As many files removed as added (this month's export under a new name): paired in order, "replaced".
    gone = [i for i in out if i["status"] == "removed"]
    came = [i for i in out if i["status"] == "added"]
    if gone and len(gone) == len(came):
        for g, c in zip(gone, came, strict=True):
            c.update({"old_path": g["path"], "old_sha256": g["old_sha256"],
                      "status": "same" if g["old_sha256"] == c["new_sha256"] else "replaced"})
        out = [i for i in out if i["status"] != "removed"]
    return out


def _order_brief(row: OrderRow) -> dict[str, Any]:
    return {"id": row.id, "label": row.label, "where": row.where, "overall": row.overall}


def counted_orders(run: RunSummary) -> dict[str, OrderRow]:
    """The run's orders as its summary counts them: without the later copies of an order (`duplicate_order`:
    same buyer, id, amount and date as a row read before). Counting rows, the diff said « Commandes : 7 → 7 »
    and a mean score of 44,8 where both summaries said 6 orders and 52,3."""
    return {k: r for k, r in run.orders.items() if not r.copy}


def compare(old: RunSummary, new: RunSummary) -> dict[str, Any]:
    """The whole comparison as a JSON-ready dict (what `--json` prints and the page shows)."""
    old_meta, new_meta = _run_meta(old), _run_meta(new)
    old_index = {r: i for i, r in enumerate(old.rules)}
    new_index = {r: i for i, r in enumerate(new.rules)}
    rules = list(dict.fromkeys([*new.rules, *old.rules]))
    old_orders, new_orders = counted_orders(old), counted_orders(new)
    added = [_order_brief(r) for k, r in new_orders.items() if k not in old_orders]
    removed = [_order_brief(r) for k, r in old_orders.items() if k not in new_orders]
    changed: list[dict[str, Any]] = []
    totals = Counter()
    for key, after in new_orders.items():
        before = old_orders.get(key)
        if before is None:
            continue
        verdicts = []
        for rule in rules:
            i, j = old_index.get(rule), new_index.get(rule)
            a = CODE_STATUS.get(before.statuses[i]) if i is not None and i < len(before.statuses) else None
            b = CODE_STATUS.get(after.statuses[j]) if j is not None and j < len(after.statuses) else None
            if a != b:
                d = direction(a, b)
                totals[d] += 1
                verdicts.append({"rule": rule, "before": a, "after": b, "direction": d})
        scores = []
        if _moved(before.overall, after.overall):
            scores.append({"chantier": None, "before": before.overall, "after": after.overall,
                           "delta": _delta(before.overall, after.overall)})
        for c, x, y in zip(CHANTIERS, before.by_chantier, after.by_chantier, strict=True):
            if _moved(x, y):
                scores.append({"chantier": c, "before": x, "after": y, "delta": _delta(x, y)})
        if verdicts or scores or before.data != after.data:
            changed.append({"id": after.id, "label": after.label, "where": after.where, "old_where": before.where,
                            "verdicts": verdicts, "scores": scores,
                            "data": [] if before.data != after.data else None, "key": key})
    _fill_data(old, new, changed)
    changed = [c for c in changed if c["verdicts"] or c["scores"] or c["data"] is not None]
    common = sum(1 for k in new_orders if k in old_orders)
    return {
        "old": old_meta,
        "new": new_meta,
        "rulebook": {
            # The file (sha256), the --select / --ignore choice or the rules evaluated differ.
            "changed": old_meta["rulebook"] != new_meta["rulebook"] or set(old.rules) != set(new.rules),
            "old": old_meta["rulebook"], "new": new_meta["rulebook"],
            "rules_added": [r for r in new.rules if r not in old_index],
            "rules_removed": [r for r in old.rules if r not in new_index],
        },
        "tool": _tool(old_meta, new_meta),
        "inputs": _inputs(old_meta["inputs"], new_meta["inputs"]),
        # Verdicts and data also move with the supplier register and the waivers, which are not inputs.
        "suppliers": _inputs(old_meta["suppliers"], new_meta["suppliers"]),
        "waivers": _inputs(old_meta["waivers"], new_meta["waivers"]),
        "orders": {
            "old": len(old_orders), "new": len(new_orders), "common": common,
            # the later copies of an order each run set aside, as its summary did (`counted_orders`)
            "copies": {"old": len(old.orders) - len(old_orders), "new": len(new.orders) - len(new_orders)},
            "added": added, "removed": removed, "changed": changed,
            "verdicts_changed": sum(len(c["verdicts"]) for c in changed),
            "orders_with_verdict_changes": sum(1 for c in changed if c["verdicts"]),
            "orders_with_data_changes": sum(1 for c in changed if c["data"] is not None),
            "data_changes_only": sum(1 for c in changed if c["data"] is not None and not c["verdicts"]
                                     and not c["scores"]),
            "better": totals["better"], "worse": totals["worse"], "other": totals["other"],
        },
        "aggregate": _aggregate(old, new, rules),
        "groups": compare_groups(old.groups, new.groups),
    }


def _fill_data(old: RunSummary, new: RunSummary, changed: list[dict[str, Any]]) -> None:
    """Each changed order's `data`: its fields that differ, [{field, before, after}], in the new run's
    order of fields (a field only one run has: None on the other side); left [] past DATA_DETAIL_LIMIT
    orders, with `data_detailed` False. The key, needed to find the orders again, is dropped."""
    wanted = [c for c in changed if c["data"] is not None][:DATA_DETAIL_LIMIT]
    keys = {c["key"] for c in wanted}
    before, after = data_of(old.dir, keys), data_of(new.dir, keys)
    for c in changed:
        key = c.pop("key")
        if c["data"] is None:
            continue
        c["data_detailed"] = key in before and key in after
        if c["data_detailed"]:
            a, b = before[key], after[key]
            c["data"] = [{"field": f, "before": a.get(f), "after": b.get(f)}
                         for f in dict.fromkeys([*b, *a]) if a.get(f) != b.get(f)] or None
            if c["data"] is None:  # digests apart, values equal (1 and 1.0 of an older run): no change
                del c["data_detailed"]


def _aggregate(old: RunSummary, new: RunSummary, rules: list[str]) -> dict[str, Any]:
    def means(run: RunSummary) -> tuple[float | None, list[float | None]]:
        rows = list(counted_orders(run).values())
        overall = _mean([r.overall for r in rows])
        return overall, [_mean([r.by_chantier[i] for r in rows]) for i in range(len(CHANTIERS))]

    (old_overall, old_by), (new_overall, new_by) = means(old), means(new)
    chantiers = [{"chantier": c, "before": a, "after": b, "delta": _delta(a, b)}
                 for c, a, b in zip(CHANTIERS, old_by, new_by, strict=True)]

    def counts(run: RunSummary) -> dict[str, Counter]:
        index = {r: i for i, r in enumerate(run.rules)}
        out: dict[str, Counter] = {r: Counter() for r in run.rules}
        for row in counted_orders(run).values():
            for rule, i in index.items():
                status = CODE_STATUS.get(row.statuses[i]) if i < len(row.statuses) else None
                if status:
                    out[rule][status] += 1
        return out

    old_counts, new_counts = counts(old), counts(new)
    by_rule = []
    for rule in rules:
        a, b = old_counts.get(rule), new_counts.get(rule)
        by_rule.append({"rule": rule,
                        "before": None if a is None else {s: a.get(s, 0) for s in STATUS_CODES},
                        "after": None if b is None else {s: b.get(s, 0) for s in STATUS_CODES}})
    return {"overall": {"before": old_overall, "after": new_overall, "delta": _delta(old_overall, new_overall)},
            "chantiers": chantiers, "rules": by_rule}


def diff_dirs(old_dir: Path, new_dir: Path) -> dict[str, Any]:
    """Load both runs and compare them."""
    return compare(load_run(old_dir), load_run(new_dir))
