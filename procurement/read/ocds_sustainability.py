"""Environmental and social considerations from the OCDS sustainability and award criteria extensions.

The DECP considerations (clause, criterion, reserved contract) are what the legal rules test, and the
extensions describe more than they can hold: only strategies with a DECP equivalent are mapped, and
the rest is named in a warning so that a reader sees what was left out.
"""

from __future__ import annotations

import re

from procurement.read.decp_common import fold
from procurement.read.ocds_release import Unit, dict_of, list_of, show_id

_STRATEGIES = {
    "awardcriteria": "criterion",
    "contractperformanceconditions": "clause",
    "technicalspecifications": "clause",
    "reservedparticipation": "reserved",
}
_ENV_CRITERION = re.compile(
    r"environ|[ée]colog|carbon|co2|[ée]mission|climat|d[ée]chet|waste|[ée]nerg|recycl|circula|biodivers|"
    r"pollution|cycle de vie|life.?cycle|bas carbone|low.?carbon|green",
    re.IGNORECASE,
)


def put_sustainability(unit: Unit, holders: list[tuple[str, dict]], env_criterion: str | None = None) -> None:
    """env/social considerations and innovative from the sustainability extension of the tender and lots.

    `env_criterion` is the path of a weighted award criterion about the environment (breakdown extension).
    """
    env: dict[str, str] = {"criterion": env_criterion} if env_criterion else {}
    social: dict[str, str] = {}
    unmapped: list[str] = []
    declared_none = []
    innovative = None
    for rel, holder in holders:
        entries = list_of(holder.get("sustainability"))
        if holder.get("hasSustainability") is False and not entries:
            declared_none.append(f"{rel}.hasSustainability")
        for i, entry in enumerate(entries):
            entry = dict_of(entry)
            path = f"{rel}.sustainability[{i}]"
            goal = entry.get("goal") if isinstance(entry.get("goal"), str) else ""
            family = goal.split(".", 1)[0].strip().lower()
            strategies = [s for s in list_of(entry.get("strategies")) if isinstance(s, str)]
            if goal.strip() == "economic.innovativePurchase" and innovative is None:
                innovative = f"{path}.goal"
            target = env if family == "environmental" else social if family == "social" else None
            if target is None:
                if strategies and family != "economic":
                    unmapped.append(f"{goal or '(sans objectif)'}: {', '.join(strategies)}")
                continue
            if not strategies:
                unmapped.append(f"{goal}: —")
            for s in strategies:
                code = _STRATEGIES.get(fold(s))
                if code is None or (code == "reserved" and target is env):
                    unmapped.append(f"{goal}: {s}")
                    continue
                target.setdefault(code, f"{path}.strategies")
    for field, found in (("env_considerations", env), ("social_considerations", social)):
        if found:
            first = next(iter(found.values()))
            unit.put(field, first, sorted(found), note=" (sustainability)")
    if declared_none and not env and not social and not unmapped:
        unit.put("env_considerations", declared_none[0], ["none"], note=" = false")
        unit.put("social_considerations", declared_none[0], ["none"], note=" = false")
    if innovative:
        unit.put("innovative", innovative, True, note=" = economic.innovativePurchase")
    if unmapped:
        shown = "; ".join(dict.fromkeys(unmapped))
        unit.warn("sustainability_unmapped",
                  f"extension sustainability : objectif ou stratégie sans équivalent dans les considérations DECP "
                  f"(clause, critère, marché réservé), non retenu : {shown}",
                  f"sustainability extension: goal or strategy with no equivalent among the DECP considerations "
                  f"(clause, criterion, reserved contract), not used: {shown}",
                  field="env_considerations", rel_path=holders[0][0] + ".sustainability" if holders else None,
                  value=shown)


def _percent(weight: float) -> str:
    """A weight in percent as text with its sign: a bare number from 0 to 1 is read as a fraction (Excel's
    percent cells hold 0.3), so a 1 % criterion passed as 1.0 read as 100 %, and 0.5 % as 50 %."""
    return f"{weight:.4f}".rstrip("0").rstrip(".") + " %"


def put_criteria_weights(unit: Unit, holders: list[tuple[str, dict]]) -> str | None:
    """price_weight and env_weight from the award criteria breakdown extension.

    Returns the path of the environmental criterion when one has a weight above 0, else None.
    """
    for rel, holder in reversed(holders):  # the lot's own criteria win over the tender's
        ac = holder.get("awardCriteria")
        if not isinstance(ac, dict):
            continue
        criteria = [(i, c) for i, c in enumerate(list_of(ac.get("criteria"))) if isinstance(c, dict)]
        if not criteria:
            continue
        weights: list[tuple[int, dict, float | None, str | None]] = []
        for i, c in criteria:
            w, unit_kind = None, None
            for n in list_of(c.get("numbers")):
                n = dict_of(n)
                code = n.get("weight")
                number = n.get("number")
                if isinstance(code, str) and isinstance(number, int | float) and not isinstance(number, bool):
                    family = re.match(r"percentage|decimal|points", code)
                    if family:
                        w, unit_kind = float(number), family.group(0)
                        break
            weights.append((i, c, w, unit_kind))
        kinds = {k for _, _, w, k in weights if w is not None}
        if len(kinds) != 1:
            continue
        kind = kinds.pop()
        complete = all(w is not None for _, _, w, _ in weights)
        if kind == "points":
            if not complete:
                continue
            total = sum(w for _, _, w, _ in weights if w is not None)
            if total <= 0:
                continue
            scale = 100.0 / total
        else:
            scale = 100.0 if kind == "decimal" else 1.0
        base = f"{rel}.awardCriteria.criteria"
        price = [(i, w) for i, c, w, _ in weights if w is not None and fold(c.get("type") or "") == "price"]
        if price:
            unit.put("price_weight", f"{base}[{price[0][0]}].numbers",
                     _percent(round(sum(w for _, w in price) * scale, 4)), note=" (type price)")
        env = [(i, w) for i, c, w, _ in weights
               if w is not None and _ENV_CRITERION.search(f"{c.get('name') or ''} {c.get('description') or ''}")]
        env_path = None
        if env:
            weight = round(sum(w for _, w in env) * scale, 4)
            unit.put("env_weight", f"{base}[{env[0][0]}].numbers", _percent(weight), note=" (critère environnemental)")
            env_path = f"{base}[{env[0][0]}]" if weight > 0 else None
        elif complete:
            unit.put("env_weight", base, 0, note=" (aucun critère environnemental)")
        text = "; ".join(
            str(c.get("name") or c.get("type") or "?") + ("" if w is None else f" {show_id(round(w * scale, 2))} %")
            for _, c, w, _ in weights)
        unit.put("award_criteria", base, text)
        return env_path
    basis = holders[0][1].get("awardCriteria") if holders else None
    if isinstance(basis, str):
        if basis == "priceOnly":
            unit.put("price_weight", "tender.awardCriteria", 100, note=" = priceOnly")
            unit.put("env_weight", "tender.awardCriteria", 0, note=" = priceOnly")
        elif basis == "qualityOnly":
            unit.put("price_weight", "tender.awardCriteria", 0, note=" = qualityOnly")
    return None
