"""The groups of possible splitting (RISK-02, `portfolio` of results.json) compared between two runs.

Why: a group is judged over the batch, and an order counts RISK-02 once, under its worst status, however
many groups it is in (`scoring.one_per_rule`). So an order whose group now also crosses the European
threshold, or a group that gained orders, moved no verdict and no score: the order-by-order comparison
said nothing of it, though it is what a monthly follow-up of splitting looks for. Groups are matched by
rule, buyer, CPV class, contract type, year and threshold level.
"""

from __future__ import annotations

from typing import Any

from procurement.i18n import counted, fmt_money

KEY_FIELDS = ("rule", "buyer", "cpv_class", "contract_type", "year", "level")
SHOWN = 5  # groups named in the console summary (the page lists them all, up to the page's limit)

WORDS = {
    "fr": {"title": "Fractionnements possibles (RISK-02)", "state": "Groupe", "orders": "Commandes",
           "total": "Montant HT", "message": "Message", "added": "nouveau", "removed": "disparu",
           "changed": "modifié", "none": "aucun groupe nouveau, disparu ou modifié",
           "none_page": "Aucun groupe nouveau, disparu ou modifié.", "more": "et {n} autres (page et --json)",
           "counts": {"added": ("nouveau", "nouveaux"), "removed": ("disparu", "disparus"),
                      "changed": ("modifié", "modifiés")},
           "explain": "Une commande compte une seule fois pour RISK-02, quel que soit le nombre de ses groupes "
                      "(même acheteur, classe CPV, type de marché, année et seuil) : qu'elle entre dans un second "
                      "groupe ne change ni son verdict ni son score, d'où cette liste."},
    "en": {"title": "Possible splitting (RISK-02)", "state": "Group", "orders": "Orders",
           "total": "Amount excl. VAT", "message": "Message", "added": "new", "removed": "gone",
           "changed": "changed", "none": "no group new, gone or changed",
           "none_page": "No group new, gone or changed.", "more": "and {n} more (page and --json)",
           "counts": {"added": ("new", "new"), "removed": ("gone", "gone"), "changed": ("changed", "changed")},
           "explain": "An order counts once for RISK-02, whatever the number of its groups (same buyer, CPV "
                      "class, contract type, year and threshold): its entering a second group changes neither its "
                      "verdict nor its score, hence this list."},
}


def group_key(group: dict[str, Any]) -> tuple:
    return tuple(str(group.get(k)) for k in KEY_FIELDS)


def group_brief(group: dict[str, Any]) -> dict[str, Any]:
    """What a comparison keeps of a group: its size, its total and its message in both languages."""
    orders = group.get("orders") if isinstance(group.get("orders"), list) else []
    return {"count": group.get("count"), "total": group.get("total"), "threshold": group.get("threshold"),
            # which orders: one swapped for another of the same amount changes neither count nor total
            "orders": hash(tuple(sorted(map(str, orders)))),
            "message_fr": group.get("message_fr") or group.get("message"),
            "message_en": group.get("message_en") or group.get("message")}


def compare_groups(old: dict[tuple, dict], new: dict[tuple, dict]) -> dict[str, Any]:
    """How many groups each run has, and the groups new, gone and changed (their orders or their total),
    each with its key's fields."""
    def item(key: tuple, before: dict | None, after: dict | None) -> dict[str, Any]:
        shown = after or before or {}
        return {**dict(zip(KEY_FIELDS, key, strict=True)),
                "before": None if before is None else {"count": before["count"], "total": before["total"]},
                "after": None if after is None else {"count": after["count"], "total": after["total"]},
                "message_fr": shown.get("message_fr"), "message_en": shown.get("message_en")}

    return {
        "old": len(old), "new": len(new),
        "added": [item(k, None, g) for k, g in new.items() if k not in old],
        "removed": [item(k, g, None) for k, g in old.items() if k not in new],
        "changed": [item(k, old[k], g) for k, g in new.items() if k in old and _moved(old[k], g)],
    }


def _moved(before: dict[str, Any], after: dict[str, Any]) -> bool:
    return any(before.get(k) != after.get(k) for k in ("count", "total", "orders"))


def words(lang: str) -> dict[str, Any]:
    return WORDS["en" if lang == "en" else "fr"]


def shown(groups: dict[str, Any] | None) -> bool:
    """Whether either run had a group (a comparison made before groups were compared has none): else the
    console and the page say nothing of them."""
    return bool(groups and (groups["old"] or groups["new"]))


def summary_lines(groups: dict[str, Any] | None, lang: str) -> list[str]:
    """The console's lines: the counts, then the first groups by their message."""
    if not shown(groups):
        return []
    w, colon = words(lang), ": " if lang == "en" else " : "
    parts = [counted(len(groups[s]), *w["counts"][s], lang) for s in ("added", "removed", "changed") if groups[s]]
    lines = [f"{w['title']}{colon}{', '.join(parts) if parts else w['none']}"]
    listed = [(s, g) for s in ("added", "removed", "changed") for g in groups[s]]
    for state, g in listed[:SHOWN]:
        lines.append(f"  {w[state]}{colon}{_change(g, lang)}{g['message_' + ('en' if lang == 'en' else 'fr')]}")
    if len(listed) > SHOWN:  # « et 3 autres », "and 3 more": the page and --json list them all
        lines.append("  " + w["more"].format(n=len(listed) - SHOWN))
    return lines


def _change(g: dict[str, Any], lang: str) -> str:
    """« 8 → 11 commandes, 182 915 € → 405 160 € : » for a changed group, else nothing."""
    if g["before"] is None or g["after"] is None:
        return ""
    b, a = g["before"], g["after"]
    colon = ": " if lang == "en" else " : "
    return (f"{b['count']} → {a['count']} {words(lang)['orders'].lower()}, {fmt_money(b['total'], lang, 0)} → "
            f"{fmt_money(a['total'], lang, 0)}{colon}")


def view_rows(groups: dict[str, Any] | None, lang: str) -> list[dict[str, str]]:
    """The page's rows: state, orders and total before → after, message."""
    if groups is None:
        return []
    w = words(lang)
    rows = []
    for state in ("added", "removed", "changed"):
        for g in groups[state]:
            b, a = g["before"] or {}, g["after"] or {}
            rows.append({"state": w[state], "class": "ok" if state == "removed" else "flag",
                         "orders": f"{b.get('count', '—')} → {a.get('count', '—')}",
                         "total": f"{fmt_money(b['total'], lang, 0) if b else '—'} → "
                                  f"{fmt_money(a['total'], lang, 0) if a else '—'}",
                         "message": g["message_" + ("en" if lang == "en" else "fr")] or ""})
    return rows
