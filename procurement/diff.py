"""What changed between two runs: orders added and removed, verdicts changed rule by rule, scores by chantier.

`procurement diff OLD_DIR NEW_DIR` reads the `results.json` of each directory. A monthly follow-up
compares runs of thousands of orders, so the files are streamed: one order at a time is parsed and
reduced to what the comparison needs (its key, one status letter per rule, its scores), then dropped.
Memory grows with the number of orders times the number of rules, in bytes, not with the file's size.

How orders are matched: by (buyer, id), as the pipeline counts duplicates: DECP ids are unique per buyer
only. The buyer is the SIRET when known, else the name. An id that occurs several times for one buyer
is matched occurrence by occurrence, in file order (`#2`, `#3` in the key).

What counts as a verdict change: a rule whose status differs between the two runs for the same order,
including a rule only one rulebook has (shown as "—"). A change is "better" when it moves up the scale
fail < insufficient_data < waived < pass, "worse" when it moves down, "other" when not_applicable or a
missing rule is involved. Score changes are reported per order (overall and each chantier whose score
moved) and in aggregate: the mean score of each run's orders, per chantier, and the status counts of
each rule.

Provenance: each run's tool version, rulebook (id, version, sha256) and inputs (path, sha256) are set
side by side, so the reader knows whether a verdict changed because the data or the rules did.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from procurement.errors import InputError

RESULTS = "results.json"
CHANTIERS = tuple(range(1, 9))
STATUS_CODES = {"pass": "P", "fail": "F", "insufficient_data": "I", "not_applicable": "N", "waived": "W"}
CODE_STATUS = {v: k for k, v in STATUS_CODES.items()}
ABSENT = "-"  # the rule is not in this run's rulebook (or not in this order's findings)
RANK = {"fail": 0, "insufficient_data": 1, "waived": 2, "pass": 3}
EPSILON = 1e-9
_STREAMED = {"orders", "rejected", "directory_rejected"}


# --- streaming results.json -------------------------------------------------------------------------


class _Stream:
    """A JSON text read in chunks: values are decoded one at a time with `raw_decode`."""

    def __init__(self, fh: TextIO, where: str, chunk: int = 1 << 18):
        self.fh, self.where, self.chunk = fh, where, chunk
        self.buf, self.pos, self.eof = "", 0, False
        self.decoder = json.JSONDecoder()

    def _more(self, size: int | None = None) -> bool:
        data = self.fh.read(size or self.chunk)
        if not data:
            self.eof = True
            return False
        self.buf = self.buf[self.pos:] + data
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return ""

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"« {char} » attendu, trouvé « {found or 'fin du fichier'} »",
                             f"expected '{char}', found '{found or 'end of file'}'")
        self.pos += 1

    def value(self) -> Any:
        self.peek()
        size = self.chunk
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.eof or not self._more(size):
                    raise self.error(f"JSON illisible ({exc.msg})", f"unreadable JSON ({exc.msg})") from None
                size *= 2  # a large value: read more at a time, so that re-parsing stays rare
                continue
            if end == len(self.buf) and not self.eof and self._more(size):
                continue  # a number may continue in the next chunk
            self.pos = end
            return value

    def error(self, fr: str, en: str) -> InputError:
        return InputError(f"results.json illisible : {fr} — fichier tronqué ou d'une autre version ?",
                          f"unreadable results.json: {en} — truncated file or another version?", where=self.where)


def iter_results(path: Path) -> Iterator[tuple[str, Any]]:
    """('meta', dict), then ('order', dict) for each order, ('rejected', count)... in file order."""
    where = str(path)
    try:
        fh = path.open(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(
            f"pas de {RESULTS} dans {path.parent} : lancez d'abord « procurement score FICHIERS --out "
            f"{path.parent} »", f"no {RESULTS} in {path.parent}: run 'procurement score FILES --out "
            f"{path.parent}' first", where=str(path.parent)) from None
    except OSError as exc:
        raise InputError(f"{RESULTS} illisible : {exc.strerror}", f"cannot read {RESULTS}: {exc.strerror}",
                         where=where) from None
    with fh:
        s = _Stream(fh, where)
        try:
            s.expect("{")
            while s.peek() != "}":
                key = s.value()
                if not isinstance(key, str):
                    raise s.error("clé attendue", "key expected")
                s.expect(":")
                if key in _STREAMED and s.peek() == "[":
                    s.expect("[")
                    n = 0
                    while s.peek() != "]":
                        item = s.value()
                        n += 1
                        if key == "orders":
                            yield "order", item
                        if s.peek() == ",":
                            s.expect(",")
                    s.expect("]")
                    if key != "orders":
                        yield key, n
                else:
                    yield key, s.value()
                if s.peek() == ",":
                    s.expect(",")
            s.expect("}")
        except UnicodeDecodeError:
            raise InputError(f"{RESULTS} n'est pas en UTF-8", f"{RESULTS} is not UTF-8", where=where) from None


# --- one run, reduced ---------------------------------------------------------------------------------


@dataclass(slots=True)
class OrderRow:
    key: str
    id: str
    label: str  # object, else supplier: what the user recognises the order by
    where: str  # file and row or JSON path
    statuses: str  # one letter per rule of the run's `rules` list (see STATUS_CODES), "-" when absent
    overall: float | None
    by_chantier: tuple[float | None, ...]


@dataclass
class RunSummary:
    """What the diff needs from one run."""

    dir: Path
    meta: dict[str, Any]
    rules: list[str] = field(default_factory=list)
    orders: dict[str, OrderRow] = field(default_factory=dict)
    rejected: int = 0

    def status(self, row: OrderRow, rule: str, index: dict[str, int] | None = None) -> str | None:
        i = (index or {r: n for n, r in enumerate(self.rules)}).get(rule)
        if i is None or i >= len(row.statuses):
            return None
        return CODE_STATUS.get(row.statuses[i])


def _short(text: Any, limit: int = 90) -> str:
    s = " ".join(str(text).split()) if text is not None else ""
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _where(source: dict) -> str:
    parts = [str(source.get("file") or "")]
    if source.get("sheet"):
        parts.append(str(source["sheet"]))
    if source.get("row"):
        parts.append(f"#{source['row']}")
    elif source.get("path"):
        parts.append(str(source["path"]))
    return " · ".join(p for p in parts if p)


def _score(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def load_run(directory: Path) -> RunSummary:
    """Stream DIR/results.json into a RunSummary (orders keyed by buyer and id)."""
    path = directory / RESULTS
    run = RunSummary(directory, {})
    index: dict[str, int] = {}
    seen: Counter[str] = Counter()
    for kind, value in iter_results(path):
        if kind == "meta" and isinstance(value, dict):
            run.meta = value
        elif kind == "order" and isinstance(value, dict):
            row = _row(value, index, run.rules, seen)
            run.orders[row.key] = row
        elif kind == "rejected" and isinstance(value, int):
            run.rejected = value
    if not run.meta:
        raise InputError(f"{RESULTS} sans bloc « meta » : ce n'est pas un résultat de procurement score",
                         f"{RESULTS} without a 'meta' block: not a procurement score result", where=str(path))
    # Pad status strings of orders read before a rule first appeared (rulebooks are the same for all
    # orders of a run, so this only happens with findings missing from some orders).
    width = len(run.rules)
    for row in run.orders.values():
        if len(row.statuses) < width:
            row.statuses = row.statuses.ljust(width, ABSENT)
    return run


def _row(order: dict, index: dict[str, int], rules: list[str], seen: Counter[str]) -> OrderRow:
    oid = str(order.get("id", ""))
    data = order.get("data") if isinstance(order.get("data"), dict) else {}
    buyer = str(data.get("buyer_siret") or data.get("buyer_name") or "")
    base = f"{buyer}\x1f{oid}"
    seen[base] += 1
    key = base if seen[base] == 1 else f"{base}#{seen[base]}"
    letters = [ABSENT] * len(rules)
    for f in order.get("findings") or ():
        if not isinstance(f, dict) or "rule" not in f:
            continue
        rule = str(f["rule"])
        i = index.get(rule)
        if i is None:
            i = index[rule] = len(rules)
            rules.append(rule)
            letters.append(ABSENT)
        letters[i] = STATUS_CODES.get(str(f.get("status")), "?")
    scores = order.get("scores") if isinstance(order.get("scores"), dict) else {}
    by = scores.get("by_chantier") if isinstance(scores.get("by_chantier"), dict) else {}
    label = data.get("object") or data.get("supplier_name") or ""
    return OrderRow(key=key, id=oid, label=_short(label), where=_where(order.get("source") or {}),
                    statuses="".join(letters), overall=_score(scores.get("overall")),
                    by_chantier=tuple(_score(by.get(str(c))) for c in CHANTIERS))


# --- the comparison --------------------------------------------------------------------------------------


def direction(before: str | None, after: str | None) -> str:
    """'better', 'worse' or 'other' for a status change."""
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


def _run_meta(run: RunSummary) -> dict[str, Any]:
    m = run.meta
    book = m.get("rulebook") if isinstance(m.get("rulebook"), dict) else {}
    return {
        "dir": str(run.dir),
        "generated_at": m.get("generated_at"),
        "version": m.get("version"),
        "rulebook": {k: book.get(k) for k in ("id", "version", "sha256", "select", "ignore")},
        "inputs": [{"path": i.get("path"), "sha256": i.get("sha256"), "rows_read": i.get("rows_read")}
                   for i in m.get("inputs") or () if isinstance(i, dict)],
        "counts": m.get("counts") or {},
        "orders": len(run.orders),
        "rejected": run.rejected,
    }


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


def compare(old: RunSummary, new: RunSummary) -> dict[str, Any]:
    """The whole comparison as a JSON-ready dict (what `--json` prints and the page shows)."""
    old_meta, new_meta = _run_meta(old), _run_meta(new)
    old_index = {r: i for i, r in enumerate(old.rules)}
    new_index = {r: i for i, r in enumerate(new.rules)}
    rules = list(dict.fromkeys([*new.rules, *old.rules]))
    added = [_order_brief(r) for k, r in new.orders.items() if k not in old.orders]
    removed = [_order_brief(r) for k, r in old.orders.items() if k not in new.orders]
    changed: list[dict[str, Any]] = []
    totals = Counter()
    for key, after in new.orders.items():
        before = old.orders.get(key)
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
        if verdicts or scores:
            changed.append({"id": after.id, "label": after.label, "where": after.where, "old_where": before.where,
                            "verdicts": verdicts, "scores": scores})
    common = sum(1 for k in new.orders if k in old.orders)
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
        "inputs": _inputs(old_meta["inputs"], new_meta["inputs"]),
        "orders": {
            "old": len(old.orders), "new": len(new.orders), "common": common,
            "added": added, "removed": removed, "changed": changed,
            "verdicts_changed": sum(len(c["verdicts"]) for c in changed),
            "orders_with_verdict_changes": sum(1 for c in changed if c["verdicts"]),
            "better": totals["better"], "worse": totals["worse"], "other": totals["other"],
        },
        "aggregate": _aggregate(old, new, rules),
    }


def _aggregate(old: RunSummary, new: RunSummary, rules: list[str]) -> dict[str, Any]:
    def means(run: RunSummary) -> tuple[float | None, list[float | None]]:
        rows = list(run.orders.values())
        overall = _mean([r.overall for r in rows])
        return overall, [_mean([r.by_chantier[i] for r in rows]) for i in range(len(CHANTIERS))]

    (old_overall, old_by), (new_overall, new_by) = means(old), means(new)
    chantiers = [{"chantier": c, "before": a, "after": b, "delta": _delta(a, b)}
                 for c, a, b in zip(CHANTIERS, old_by, new_by, strict=True)]

    def counts(run: RunSummary) -> dict[str, Counter]:
        index = {r: i for i, r in enumerate(run.rules)}
        out: dict[str, Counter] = {r: Counter() for r in run.rules}
        for row in run.orders.values():
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


# --- text, view model, page ----------------------------------------------------------------------------

WORDS = {
    "fr": {
        "title": "Comparaison de deux analyses", "colon": " : ", "sep": " ; ",
        "before": "avant", "after": "après", "generated": "généré le",
        "rulebook": "Référentiel", "unchanged": "inchangé", "changed": "modifié", "rules_added": "règles ajoutées",
        "rules_removed": "règles retirées", "inputs": "Fichiers", "same": "inchangé", "added": "ajouté",
        "replaced": "remplacé par", "removed": "retiré",
        "orders": "Commandes", "new_orders": "nouvelles", "removed_orders": "retirées",
        "common": "communes", "verdicts": "Verdicts",
        "verdicts_line": "{n} changement(s) sur {orders} commande(s) : {better} meilleur(s), {worse} moins bon(s), "
                         "{other} autre(s)",
        "no_change": "aucun verdict changé", "mean_score": "Score moyen", "chantier": "chantier",
        "changes": "Changements", "first": "premiers", "page": "Page", "absent": "—", "more": "et {n} autre(s)",
        "id": "Identifiant", "label": "Objet", "where": "Origine", "rule": "Règle", "score": "Score",
        "overall": "global", "delta": "écart", "status_counts": "Verdicts par règle",
        "added_orders": "Commandes nouvelles", "removed_orders_title": "Commandes retirées",
        "changed_orders": "Commandes dont le verdict ou le score a changé", "none": "Aucune.",
        "hidden": "{n} commande(s) de plus dans la sortie --json", "better": "meilleur", "worse": "moins bon",
        "other": "autre", "scores": "Scores", "provenance": "Provenance", "tool": "outil", "file": "fichier",
        "sha": "empreinte sha256", "rows": "lignes", "inputs_unchanged": "tous inchangés",
        "explain": "Un verdict « meilleur » monte l'échelle non conforme < données insuffisantes < dérogation < "
                   "conforme ; « autre » fait intervenir « sans objet » ou une règle absente d'un référentiel. "
                   "Les commandes sont rapprochées par acheteur et identifiant.",
    },
    "en": {
        "title": "Comparison of two runs", "colon": ": ", "sep": "; ",
        "before": "before", "after": "after", "generated": "generated on",
        "rulebook": "Rulebook", "unchanged": "unchanged", "changed": "changed", "rules_added": "rules added",
        "rules_removed": "rules removed", "inputs": "Files", "same": "unchanged", "added": "added",
        "replaced": "replaced by", "removed": "removed",
        "orders": "Orders", "new_orders": "new", "removed_orders": "removed",
        "common": "in both", "verdicts": "Verdicts",
        "verdicts_line": "{n} change(s) on {orders} order(s): {better} better, {worse} worse, {other} other",
        "no_change": "no verdict changed", "mean_score": "Mean score", "chantier": "workstream",
        "changes": "Changes", "first": "first", "page": "Page", "absent": "—", "more": "and {n} more",
        "id": "Id", "label": "Object", "where": "Source", "rule": "Rule", "score": "Score",
        "overall": "overall", "delta": "change", "status_counts": "Verdicts by rule",
        "added_orders": "New orders", "removed_orders_title": "Removed orders",
        "changed_orders": "Orders whose verdict or score changed", "none": "None.",
        "hidden": "{n} more order(s) in the --json output", "better": "better", "worse": "worse",
        "other": "other", "scores": "Scores", "provenance": "Provenance", "tool": "tool", "file": "file",
        "sha": "sha256 digest", "rows": "rows", "inputs_unchanged": "all unchanged",
        "explain": "A 'better' verdict moves up the scale fail < insufficient data < waived < pass; 'other' "
                   "involves 'not applicable' or a rule missing from one rulebook. Orders are matched by buyer "
                   "and id.",
    },
}
DETAIL_LIMIT = 2000  # orders shown on the page; --json holds them all
TEXT_LIMIT = 20  # verdict changes listed in the console summary


def _w(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "fr"]


def _status(status: str | None, lang: str) -> str:
    from procurement import i18n

    return _w(lang)["absent"] if status is None else i18n.label(status, lang)


def _num(value: float | None, lang: str, signed: bool = False) -> str:
    from procurement import i18n

    if value is None:
        return "—"
    text = i18n.fmt_number(value, lang, 1)
    return ("+" + text) if signed and value > 0 else text


def _sha(value: Any) -> str:
    return str(value)[:12] + "…" if value else "—"


def _book(b: dict[str, Any]) -> str:
    chosen = "".join(f", --{k} {' '.join(map(str, b[k]))}" for k in ("select", "ignore") if b.get(k))
    return f"{b.get('id') or '?'} {b.get('version') or ''}".strip() + f" (sha256 {_sha(b.get('sha256'))}{chosen})"


def _inputs_line(result: dict[str, Any], lang: str) -> str:
    w = _w(lang)
    moved = [i for i in result["inputs"] if i["status"] != "same"]
    if not moved:
        return w["inputs_unchanged"]
    parts = []
    for i in moved:
        name = Path(str(i["path"])).name
        if i["status"] == "changed":
            parts.append(f"{name} {w['changed']} ({_sha(i['old_sha256'])} → {_sha(i['new_sha256'])})")
        elif i["status"] == "replaced":
            parts.append(f"{Path(str(i['old_path'])).name} {w['replaced']} {name}")
        else:
            parts.append(f"{name} {w[i['status']]}")
    return _w(lang)["sep"].join(parts)


def summary_text(result: dict[str, Any], lang: str = "fr", page: Path | None = None, limit: int = TEXT_LIMIT) -> str:
    """The console summary: provenance, counts, mean scores by chantier, the first verdict changes."""
    from procurement import i18n

    w = _w(lang)
    colon = ": " if lang == "en" else " : "
    old, new, book, orders = result["old"], result["new"], result["rulebook"], result["orders"]
    lines = [w["title"],
             f"  {w['before']}{colon}{old['dir']} ({w['generated']} {old['generated_at']})",
             f"  {w['after']}{colon}{new['dir']} ({w['generated']} {new['generated_at']})"]
    if book["changed"]:
        text = f"{w['changed']}{colon}{_book(book['old'])} → {_book(book['new'])}"
        if book["rules_added"]:
            text += f"{w['sep']}{w['rules_added']}{colon}{', '.join(book['rules_added'])}"
        if book["rules_removed"]:
            text += f"{w['sep']}{w['rules_removed']}{colon}{', '.join(book['rules_removed'])}"
    else:
        text = f"{w['unchanged']}, {_book(book['new'])}"
    lines.append(f"{w['rulebook']}{colon}{text}")
    lines.append(f"{w['inputs']}{colon}{_inputs_line(result, lang)}")
    lines.append(f"{w['orders']}{colon}{orders['old']} → {orders['new']}{w['sep']}"
                 f"{len(orders['added'])} {w['new_orders']}, {len(orders['removed'])} {w['removed_orders']}, "
                 f"{orders['common']} {w['common']}")
    if orders["verdicts_changed"]:
        lines.append(f"{w['verdicts']}{colon}" + w["verdicts_line"].format(
            n=orders["verdicts_changed"], orders=orders["orders_with_verdict_changes"], better=orders["better"],
            worse=orders["worse"], other=orders["other"]))
    else:
        lines.append(f"{w['verdicts']}{colon}{w['no_change']}")
    agg = result["aggregate"]
    o = agg["overall"]
    lines.append(f"{w['mean_score']}{colon}{_num(o['before'], lang)} → {_num(o['after'], lang)} "
                 f"({_num(o['delta'], lang, True)})")
    for c in agg["chantiers"]:
        if c["before"] is None and c["after"] is None:
            continue
        name = _short(i18n.chantier_name(c["chantier"], lang), 60)
        lines.append(f"  {w['chantier']} {c['chantier']} – {name}{colon}{_num(c['before'], lang)} → "
                     f"{_num(c['after'], lang)} ({_num(c['delta'], lang, True)})")
    changes = [(c["id"], v) for c in orders["changed"] for v in c["verdicts"]]
    if changes:
        lines.append(f"{w['changes']} ({min(limit, len(changes))} {w['first']}){colon.rstrip()}")
        for oid, v in changes[:limit]:
            lines.append(f"  {oid} {v['rule']}{colon}{_status(v['before'], lang)} → {_status(v['after'], lang)}")
        if len(changes) > limit:
            lines.append("  " + w["more"].format(n=len(changes) - limit))
    if page is not None:
        lines.append(f"{w['page']}{colon}{page}")
    return "\n".join(lines)


def view_model(result: dict[str, Any], lang: str = "fr") -> dict[str, Any]:
    """Everything the page shows, formatted: the template only lays it out."""
    from procurement import i18n

    w = _w(lang)
    orders = result["orders"]
    book = result["rulebook"]

    def brief(rows: list[dict]) -> list[dict[str, str]]:
        return [{"id": r["id"], "label": r["label"], "where": r["where"], "overall": _num(r["overall"], lang)}
                for r in rows[:DETAIL_LIMIT]]

    changed = []
    for c in orders["changed"][:DETAIL_LIMIT]:
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
                     "generated_at": m["generated_at"] or "—", "version": m["version"] or "—",
                     "rulebook": _book(m["rulebook"]), "sha": m["rulebook"].get("sha256") or "—",
                     "orders": m["orders"], "rejected": m["rejected"],
                     "inputs": [{"path": i["path"], "sha": i["sha256"] or "—", "rows": i["rows_read"]}
                                for i in m["inputs"]]})
    return {
        "lang": lang, "t": w, "runs": runs,
        "rulebook_changed": book["changed"], "rules_added": book["rules_added"],
        "rules_removed": book["rules_removed"],
        "inputs": [{"name": Path(str(i.get("old_path") or i["path"])).name, "other": Path(str(i["path"])).name,
                    "status": w[i["status"]], "code": i["status"],
                    "old": _sha(i["old_sha256"]), "new": _sha(i["new_sha256"])} for i in result["inputs"]],
        "counts": {"old": orders["old"], "new": orders["new"], "common": orders["common"],
                   "added": len(orders["added"]), "removed": len(orders["removed"])},
        "verdicts_line": w["verdicts_line"].format(
            n=orders["verdicts_changed"], orders=orders["orders_with_verdict_changes"], better=orders["better"],
            worse=orders["worse"], other=orders["other"]) if orders["verdicts_changed"] else w["no_change"],
        "overall": {"before": _num(agg["overall"]["before"], lang), "after": _num(agg["overall"]["after"], lang),
                    "delta": _num(agg["overall"]["delta"], lang, True)},
        "chantiers": chantiers, "rules": rules, "statuses": [i18n.label(s, lang) for s in statuses],
        "added": brief(orders["added"]), "removed": brief(orders["removed"]), "changed": changed,
        "hidden": {k: w["hidden"].format(n=len(orders[k]) - DETAIL_LIMIT) if len(orders[k]) > DETAIL_LIMIT else ""
                   for k in ("added", "removed", "changed")},
    }


def render_html(result: dict[str, Any], lang: str = "fr") -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("procurement", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("diff.html").render(**view_model(result, lang))


def write_html(result: dict[str, Any], target: Path, lang: str = "fr") -> Path:
    from procurement.write.safe import atomic_path

    html = render_html(result, lang)
    with atomic_path(target) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return target
