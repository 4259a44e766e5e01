"""View model of the batch report (DIR/report.html): server-rendered tables (row balance, rules, rejected
rows, coverage) and the orders as ONE compact JSON document rendered and paged in the browser.

The JSON is compact on purpose (100,000 orders must open smoothly): orders are arrays, not objects; buyers,
suppliers, source files, rules and field labels are tables given once and referred to by index; a finding is
one letter per rule in rulebook order (p pass, f fail, n not applicable, i insufficient data, w waived; - no
finding: a portfolio rule on an order it does not flag); only fail and waiver messages and the missing fields
of insufficient findings are carried per order. Rule texts (title, kind, chantiers, legal basis) are given
once: the page shows a rule's legal basis beside each of its messages from that table, never from the orders'
rows. Messages, objects and lists of missing fields repeat: a row carries their numbers in a table of values
given once. `ORDER_COLUMNS` gives positions. The document is split over several script elements
(`procurement.views.embedded`): the tables, the orders' rows, the table of values.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from typing import Any

import orjson
from markupsafe import Markup

from procurement import i18n
from procurement.engine import Finding
from procurement.fields import FIELDS
from procurement.i18n import plural
from procurement.model import without_column
from procurement.pipeline import Run
from procurement.rule_statuses import STATUS_LETTER, RuleStatuses
from procurement.views.common import STATUS_ORDER, buyer_labels, field_label, fmt_ratio, legal_refs, text_of, where
from procurement.views.embedded import ORDERS_OPEN, TABLE_OPEN, ValueTable, elements
from procurement.views.order import order_file_name
from procurement.views.summary_words import balance_terms
from procurement.views.words import words

ORDER_COLUMNS = ("id", "file", "row", "buyer", "supplier", "object", "amount", "date", "score", "completeness",
                 "statuses", "messages", "missing", "page", "nature")
# Where the page's data goes; random, so that no spreadsheet text can forge it.
DATA_PLACEHOLDER = f"@@procurement-data-{secrets.token_hex(16)}@@"
REJECTED_LIMIT = 1000  # rejected rows shown in the page; all are in rejected.csv
NO_FINDING = "-"  # a rule's letter on an order it gave no finding (counted as no status, not "sans objet")
_PATTERNS_LIMIT = 20_000  # letters of orders kept with where their fails are (a bound, not a tuning)


class _Index:
    """Strings (or the buyers' (name, SIRET) pairs) to small integers, in first-seen order (a table given
    once in the JSON)."""

    def __init__(self) -> None:
        self.items: list[Any] = []
        self._pos: dict[Any, int] = {}

    def __call__(self, value: Any) -> int:
        key = value or ""
        pos = self._pos.get(key)
        if pos is None:
            pos = self._pos[key] = len(self.items)
            self.items.append(key)
        return pos


def _round(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    r = round(value, digits)
    return int(r) if r == int(r) else r


class PayloadBuilder:
    """The browser's data (see module docstring), built one order at a time: the orders' rows are JSON
    text kept in a spool (on disk past a size), so a report of a million orders needs no list of them."""

    def __init__(self, run: Run, lang: str, per_order: bool = False):
        from procurement.spool import Spool
        from procurement.write.finding_parts import FindingParts

        self.run, self.lang, self.per_order = run, lang, per_order
        self.rules = all_rules(run)
        self.rule_pos = {r.id: i for i, r in enumerate(self.rules)}
        self.field_pos = {f.name: i for i, f in enumerate(FIELDS)}
        self.files, self.buyers, self.suppliers = _Index(), _Index(), _Index()
        self.rows = Spool()
        self.table = ValueTable()  # messages, objects, lists of missing fields: rows carry their numbers
        # Fail messages repeat over a batch: an engine finding's is kept by the values its template
        # shows (FindingParts), a RISK-02 finding's by its group (PortfolioFinding.message).
        self.parts = FindingParts(run.rulebook.rules, lang)
        self._file_pos: dict[tuple[str, str | None], int] = {}
        self.layout = RuleStatuses(run.rulebook.rules)
        self._fails: dict[str, tuple[int, ...]] = {}  # an order's letters -> where "f" and "w" are
        self._missing_pos: dict[tuple[str, ...], list[Any]] = {}  # (rule, its missing fields) -> positions
        self._scores: dict[tuple[Any, int], Any] = {}  # (score, digits) -> `_round` of it
        # Letters of the rules after the rulebook's (RISK-02) on an order they gave no finding: NO_FINDING,
        # not "n": a portfolio rule judges only the orders it flags and says nothing of the others.
        self._others = NO_FINDING * (len(self.rules) - self.layout.n)

    def add(self, scored: Any) -> None:
        self.rows.append(orjson.dumps(self.row(scored)))

    def _message(self, f: Any) -> str:
        return self.parts.message(f) if type(f) is Finding else f.message(self.lang)

    def _missing(self, rule_id: str, fields: Any) -> list[Any]:
        """[rule's position, [its missing fields' positions]]: few combinations repeat over a batch (the
        lists are only read, by orjson, never changed)."""
        key = (rule_id, *fields)
        hit = self._missing_pos.get(key)
        if hit is None:
            if len(self._missing_pos) >= _PATTERNS_LIMIT:
                self._missing_pos.clear()
            field_pos = self.field_pos
            hit = self._missing_pos[key] = [self.rule_pos[rule_id], [field_pos[m] for m in fields if m in field_pos]]
        return hit

    def _rounded(self, value: float | None, digits: int) -> float | int | None:
        """`_round` of a score, kept: scores take few values."""
        key = (value, digits)
        try:
            return self._scores[key]
        except KeyError:
            if len(self._scores) >= _PATTERNS_LIMIT:
                self._scores.clear()
            hit = self._scores[key] = _round(value, digits)
            return hit

    def _failed(self, letters: str) -> tuple[int, ...]:
        """The positions of the letters "f" and "w" (fail, waived, or a status read as fail)."""
        hit = self._fails.get(letters)
        if hit is None:
            if len(self._fails) >= _PATTERNS_LIMIT:
                self._fails.clear()
            hit = self._fails[letters] = tuple(i for i, letter in enumerate(letters) if letter in "fw")
        return hit

    def _verdicts(self, scored: Any) -> tuple[str, list[Any]]:
        """(one letter per rule, in the order of `rules`; [position, message] of each fail and waived
        finding, in the order of the findings)."""
        findings, rule_pos = scored.findings, self.rule_pos
        head_letters = self.layout.letters(scored)
        if head_letters is None:
            head, rest, letters = (), findings, [NO_FINDING] * len(self.rules)
        else:
            statuses, rest = self.layout.of(scored)  # type: ignore[misc]
            head = [pos for pos in self._failed(head_letters) if statuses[pos] in ("fail", "waived")]
            letters = list(head_letters + self._others) if rest else head_letters + self._others
        messages: list[Any] = []
        if head:
            done = scored.encoded[1] if scored.encoded is not None and scored.encoded[0] == self.lang else ()
            for pos in head:
                messages += [pos, self.table(
                    self._known_message(findings[pos], done[pos] if pos < len(done) else None))]
        for f in rest:
            status = f.status
            pos = rule_pos[f.rule]
            letters[pos] = STATUS_LETTER.get(status, "f")
            if status == "fail" or status == "waived":  # a waived finding's message says who accepted it
                messages += [pos, self.table(self._message(f))]
        return letters if type(letters) is str else "".join(letters), messages

    def _known_message(self, f: Any, encoded: bytes | None) -> str:
        """The finding's message, read from its results.json JSON when a worker encoded it (an engine
        finding's JSON ends with its message: `,"message":"..."}`)."""
        if encoded is not None and type(f) is Finding:
            at = encoded.rfind(b',"message":"')
            if at > 0 and encoded[-2:] == b'"}':
                return orjson.loads(encoded[at + 11:-1])
        return self._message(f)

    def row(self, scored: Any) -> list[Any]:
        o, s, rule_pos = scored.order, scored.scores, self.rule_pos
        src = o.source
        statuses, messages = self._verdicts(scored)  # one letter per rule, in the order of `rules`
        missing: list[Any] = []
        for rule_id, fields in s.missing.items():
            if rule_id in rule_pos:
                missing += self._missing(rule_id, fields)
        file_pos = self._file_pos.get((src.file, src.sheet))
        if file_pos is None:
            file_pos = self._file_pos[(src.file, src.sheet)] = self.files(
                src.file + (f" · {src.sheet}" if src.sheet else ""))
        return [
            o.id,
            file_pos,
            src.row if src.row is not None else (src.path or ""),
            self.buyers((o.buyer_name or o.buyer_siret or "", o.buyer_siret)),
            self.suppliers(o.supplier_name or o.supplier_siret),
            self.table(o.object or ""),
            _round(o.amount, 2),
            o.notification_date.isoformat() if o.notification_date else "",
            self._rounded(s.overall, 0),  # as every page shows it (45.45: 45, where 45.5 read 46)
            self._rounded(s.completeness, 3),
            statuses,
            messages,
            self.table.encoded(orjson.dumps(missing)),
            order_file_name(scored) if self.per_order else "",
            o.nature or "",
        ]

    def tables(self) -> dict[str, Any]:
        """Everything but the orders, once they have all been added (the string tables are complete)."""
        lang, t = self.lang, words(self.lang)
        return {
            "v": 1,
            "lang": lang,
            "columns": ORDER_COLUMNS,
            "statuses": [[STATUS_LETTER[s], s, i18n.label(s, lang)] for s in STATUS_ORDER],
            "kinds": [[k, i18n.label(k, lang)] for k in ("legal", "risk", "kpi")],
            "chantiers": [[c, i18n.chantier_name(c, lang)] for c in range(1, 9)],
            "rules": [[r.id, r.kind, list(r.chantiers), text_of(r.title, lang), legal_basis(r, lang)]
                      for r in self.rules],
            "fields": [field_label(f.name, lang) for f in FIELDS],
            "natures": {"accord_cadre": t["framework_max"]},
            "files": self.files.items,
            "buyers": buyer_labels(self.buyers.items),
            "suppliers": self.suppliers.items,
            "words": {k: t[k] for k in ("shown", "shown_one", "page", "of", "show_findings", "open_page",
                                        "not_given", "no_score", "missing_title", "id", "buyer", "supplier",
                                        "object", "amount", "date", "score", "col_verdict", "legal_fails", "where",
                                        "unknown", "prev", "next", "row_word", "legal_basis", "recalled")},
            "fmt": {"group": "," if lang == "en" else i18n.NNBSP, "point": "." if lang == "en" else ",",
                    "lang": lang},
        }

    def encoded_chunks(self) -> Iterator[bytes]:
        """The page's data in UTF-8, in pieces: the tables in the element `#data`, then the orders' rows
        and the table of values, each in elements of their own class (`procurement.views.embedded`)."""
        yield b'<script type="application/json" id="data">' + embed_json(self.tables()).encode("utf-8") + b"</script>\n"
        yield from elements(ORDERS_OPEN, self.rows)
        yield b"\n"
        yield from elements(TABLE_OPEN, self.table.entries)
        self.rows.close()
        self.table.close()


def payload(run: Run, lang: str, per_order: bool = False) -> dict[str, Any]:
    """The whole data document at once, as report.js puts it together (tests, small runs)."""
    builder = PayloadBuilder(run, lang, per_order)
    orders = [builder.row(scored) for scored in run.orders]
    return {**builder.tables(), "orders": orders, "table": builder.table.values()}


def legal_basis(rule: Any, lang: str) -> list[list[Any]]:
    """The rule's legal references for the page's rules table: [label (text, article), date, link or "",
    1 when recalled rather than read (to be checked), note]. Links are http(s) only (`legal_refs`)."""
    if getattr(getattr(rule, "source", None), "legal_ref", None) is None:
        return []
    return [[ref["label"], ref["date"], ref["url"] or "", 1 if ref["recalled"] else 0, ref["note"]]
            for ref in legal_refs(rule, lang)]


def all_rules(run: Run) -> list[Any]:
    """The rulebook's rules, then any other rule a finding names (a portfolio rule added after the engine)."""
    return run.rules()


def embed_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: every '<' escaped, so no '</script>' or '<!--'
    from a spreadsheet cell can end the element."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def rule_rows(run: Run, agg: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The report's table of rules; a share passing measured on too few orders is « — » with its reason,
    as on the summary (DECP-01 read « 100 % » on 1 order of 336, RISK-02 « 0 % » by construction)."""
    from procurement.views.summary import measured_on
    from procurement.views.summary_words import withheld_text

    by_id = {r["rule"]: r for r in agg["rules"]}
    rows = []
    for rule in all_rules(run):
        r = by_id.get(rule.id)
        if r is None:
            continue
        shown = not r.get("withheld")
        rows.append({
            "id": rule.id,
            "title": text_of(rule.title, lang),
            "kind": i18n.label(rule.kind, lang),
            "counts": [(s, i18n.fmt_number(r["counts"][s], lang)) for s in STATUS_ORDER],
            "pass_share": fmt_ratio(r["pass_share"] if shown else None, lang),
            "pass_amount_share": fmt_ratio(r["pass_amount_share"] if shown else None, lang),
            "measured_on": measured_on(r, lang),
            "withheld": withheld_text(r.get("withheld"), lang),
        })
    return rows


def coverage_rows(run: Run, agg: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    titles = {r.id: text_of(r.title, lang) for r in all_rules(run)}
    rows = []
    for c in agg["coverage"]:
        total = c["orders"]
        rows.append({
            "id": c["rule"],
            "title": titles.get(c["rule"], ""),
            "evaluated": f"{i18n.fmt_number(c['evaluated'], lang)} / {i18n.fmt_number(total, lang)}",
            "evaluated_share": fmt_ratio(c["evaluated"] / total if total else None, lang),
            "applicable": i18n.fmt_number(c["applicable"], lang),
            "insufficient": i18n.fmt_number(c["insufficient"], lang),
            "missing": [f"{field_label(name, lang)} ({i18n.fmt_number(n, lang)})" for name, n in c["missing"]],
            # Orders this rule could be evaluated on only thanks to the supplier register (--suppliers).
            "gain": i18n.fmt_number(run.directory_gain.get(c["rule"], 0), lang) if run.directory else None,
        })
    return rows


def rejected_rows(run: Run, lang: str) -> list[dict[str, str]]:
    """The table's rows: the reason without the column its own cell gives (« G (Montant HT) | … | colonne G
    (Montant HT) : … » said it twice)."""
    return [
        {"where": where(r.source, lang), "column": r.column or "", "value": r.value or "",
         "reason": without_column(r.message(lang), r.column, lang)}
        for r in run.rejected[:REJECTED_LIMIT]
    ]


def duplicates_note(agg: dict[str, Any], lang: str) -> str:
    """What the rule table leaves out: the aggregate counts each (buyer, id) once, so the later copies of a
    file exported twice are not in its counts; said, or the table and the order list would not agree."""
    tot = agg["totals"]
    dup = tot.get("duplicate_rows", 0)
    if not dup:
        return ""
    amount = i18n.fmt_money(tot.get("duplicate_amount", 0.0), lang)
    return words(lang)["rules_duplicates_one" if dup == 1 else "rules_duplicates"].format(
        n=i18n.fmt_number(dup, lang), amount=amount)


def batch_view(run: Run, agg: dict[str, Any], lang: str) -> dict[str, Any]:
    t = words(lang)
    c = run.counts
    terms = balance_terms(c, lang)  # « 1 ligne rejetée », « 2 lignes lues »: nouns agree with their numbers
    said = {k: f"{n} {noun}" for k, (n, noun) in terms.items()}
    more = len(run.rejected) - REJECTED_LIMIT
    return {
        "counts": [(noun, n) for n, noun in terms.values()],
        "balance_eq": t["balance_eq"].format(rows=said["rows_read"], orders=said["orders"],
                                             rejected=said["rejected"], merged=said["merged"]),
        "balanced": c["rows_read"] == c["orders"] + c["rejected"] + c["merged"],
        "rules": rule_rows(run, agg, lang),
        "rules_duplicates": duplicates_note(agg, lang),
        "status_labels": [i18n.label(s, lang) for s in STATUS_ORDER],
        "rejected": rejected_rows(run, lang),
        "rejected_more": t[plural(more, "rejected_more_one", "rejected_more", lang)].format(
            n=i18n.fmt_number(more, lang)) if more > 0 else "",
        "coverage": coverage_rows(run, agg, lang),
        "directory_used": run.directory is not None,
        # The orders' data: streamed into the page by html_report (see PayloadBuilder.chunks).
        "data_json": Markup(DATA_PLACEHOLDER),
        "filters": {
            "statuses": [(s, i18n.label(s, lang)) for s in STATUS_ORDER],
            "kinds": [(k, i18n.label(k, lang)) for k in ("legal", "risk", "kpi")],
            "chantiers": [(str(ch), f"{ch} — {i18n.chantier_name(ch, lang)}") for ch in range(1, 9)],
            "rules": [(r.id, f"{r.id} — {text_of(r.title, lang)}") for r in all_rules(run)],
        },
    }
