"""The targets the summary measures the run against (SPASER, the plan's spend on alternatives to the car):
the rulebook's own values when it names them, else the defaults below. Apart from `procurement.aggregate`,
which reads them once per run, to keep each module short.
"""

from __future__ import annotations

from typing import Any

_SPASER = "SPASER de la Métropole Aix-Marseille-Provence 2021-2026, objectifs 2025"
_PLAN = "Plan Relance et Renouveau de la Métropole, chantier 5 : 350 M€ par an"
# measure -> (value, unit, source) used when the rulebook names no such target.
DEFAULTS: dict[str, tuple[float, str, str]] = {
    "env_share": (100.0, "%", _SPASER),
    "social_share": (30.0, "%", _SPASER),
    "ess_spend_share": (5.0, "%", _SPASER),
    "transport_alternatives_spend": (350.0, "M€/an", _PLAN),
}
# measure -> rulebook target names accepted for it, most specific first.
TARGET_KEYS: dict[str, tuple[str, ...]] = {
    "env_share": ("spaser_env_share", "env_share"),
    "social_share": ("spaser_social_share", "social_share"),
    "ess_spend_share": ("spaser_ess_spend_share", "spaser_ess_share", "ess_spend_share", "ess_share"),
    "transport_alternatives_spend": ("transport_alternatives_spend", "plan_transport_alternatives",
                                     "transport_alternatives", "plan_transport_spend")}
# CPV groups of purchases for alternatives to the private car, used when the rulebook has no table whose
# name is in TRANSPORT_TABLES. Buses and coaches (3412, electric 34144910), rail and tram rolling stock
# (346), bicycles (3443), rail and cable transport works (45234), cycle and foot paths (45233161/2),
# public road and rail passenger transport services (60112, 602), battery chargers for vehicles (31158100).
DEFAULT_TRANSPORT_CPV = ("3412", "34144910", "346", "3443", "45234", "45233161", "45233162", "60112", "602",
                         "31158100")
TRANSPORT_TABLES = ("cpv_transport_alternatives", "cpv_alternatives_voiture", "cpv_mobility", "cpv_mobilite")


def _unit_factor(unit: str) -> float:
    u = unit.replace(" ", "").lower()
    return 1e6 if u.startswith(("m€", "meur")) else 1e3 if u.startswith(("k€", "keur")) else 1.0


def resolve_targets(rulebook: Any) -> dict[str, dict[str, Any]]:
    """measure -> {value, unit, source, origin ('rulebook:<name>' or 'default'), label_fr, label_en}."""
    targets = dict(getattr(rulebook, "targets", {}) or {})
    out: dict[str, dict[str, Any]] = {}
    for measure, (value, unit, source) in DEFAULTS.items():
        found = next((k for k in TARGET_KEYS[measure] if k in targets), None)
        if found is not None:
            t = targets[found]
            out[measure] = {"value": float(t.value), "unit": t.unit, "source": t.source, "origin": f"rulebook:{found}",
                            "label_fr": t.label.fr, "label_en": t.label.en}
        else:
            out[measure] = {"value": value, "unit": unit, "source": source, "origin": "default",
                            "label_fr": None, "label_en": None}
    return out


def transport_prefixes(rulebook: Any) -> tuple[tuple[str, ...], str]:
    """(CPV prefixes of transport alternatives, where they came from)."""
    tables = dict(getattr(rulebook, "tables", {}) or {})
    for name in TRANSPORT_TABLES:
        if name in tables:
            return tuple(sorted(tables[name])), f"rulebook:{name}"
    return DEFAULT_TRANSPORT_CPV, "default"
