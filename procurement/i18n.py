"""Labels and number/date formats in French (default) and English.

User-facing words live here, keyed by code, so that templates and the CLI never assemble French out
of fragments and a translation is one table away. Formats follow each language's typography:
`1 234 567,89 €` and `31/12/2025` in French, `€1,234,567.89` and `2025-12-31` in English.
"""

from __future__ import annotations

import datetime as dt

LANGS = ("fr", "en")
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator and before % and €

CHANTIERS: dict[int, tuple[str, str]] = {
    1: ("Soutien aux secteurs économiques durement touchés", "Support for the hard-hit economic sectors"),
    2: ("Santé et activités bas carbone non délocalisables", "Health and low-carbon, non-relocatable activities"),
    3: ("Pacte de relocalisation des activités productives", "Relocation pact for productive activities"),
    4: ("Lien social, inclusion, éducation, insertion", "Social link, inclusion, education, insertion"),
    5: ("350 M€ par an pour les alternatives à la voiture individuelle",
        "€350M a year for alternatives to the private car"),
    6: ("Projets urbains de proximité et sobres en ressources", "Short-distance, resource-efficient urban projects"),
    7: ("Protection stricte des terres agricoles et des espaces naturels",
        "Strict protection of farmland and natural spaces"),
    8: ("Autonomie alimentaire et circuits courts", "Food autonomy and short supply chains"),
}

LABELS: dict[str, tuple[str, str]] = {
    # statuses
    "pass": ("conforme", "pass"),
    "fail": ("non conforme", "fail"),
    "not_applicable": ("sans objet", "not applicable"),
    "insufficient_data": ("données insuffisantes", "insufficient data"),
    "waived": ("dérogation", "waived"),
    # kinds
    "legal": ("obligation légale", "legal obligation"),
    "risk": ("risque juridique", "legal risk"),
    "kpi": ("indicateur", "indicator"),
    # severities and stages (`scope`) of a rule, as `procurement rules` and the catalogue show them
    "error": ("erreur", "error"),
    "warning": ("avertissement", "warning"),
    "info": ("information", "info"),
    "pre_award": ("avant attribution", "pre-award"),
    "execution": ("exécution", "execution"),
    "monitoring": ("suivi", "monitoring"),
    # imperatives
    "emploi": ("emploi", "jobs"),
    "inclusion": ("inclusion sociale", "social inclusion"),
    "transition_ecologique": ("transition écologique", "ecological transition"),
    # bands
    "amp": ("Métropole Aix-Marseille-Provence", "Aix-Marseille-Provence Metropolis"),
    "region_sud": ("Région Sud (hors Métropole)", "Région Sud (outside the Metropolis)"),
    "france": ("France (hors Région Sud)", "France (outside Région Sud)"),
    "eu": ("Union européenne (hors France)", "European Union (outside France)"),
    "outside": ("Hors Union européenne", "Outside the European Union"),
    # report words
    "rows_read": ("lignes lues", "rows read"),
    "orders": ("commandes évaluées", "orders scored"),
    "rejected": ("lignes rejetées", "rows rejected"),
    "merged": ("lignes fusionnées", "rows merged"),
    "chantier": ("chantier", "chantier"),  # the plan's word, as every page gives it in English
    "score": ("score", "score"),
    "completeness": ("complétude des données", "data completeness"),
}


def label(code: str, lang: str = "fr") -> str:
    pair = LABELS.get(code)
    if pair is None:
        return code
    return pair[1] if lang == "en" else pair[0]


def chantier_name(number: int, lang: str = "fr") -> str:
    fr, en = CHANTIERS[number]
    return en if lang == "en" else fr


def _group(digits: str, sep: str) -> str:
    out = []
    while len(digits) > 3:
        out.append(digits[-3:])
        digits = digits[:-3]
    out.append(digits)
    return sep.join(reversed(out))


def fmt_number(value: float | int | None, lang: str = "fr", decimals: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{abs(value):.{decimals}f}"
    whole, _, frac = text.partition(".")
    sep, point = (",", ".") if lang == "en" else (NNBSP, ",")
    body = _group(whole, sep) + (point + frac if frac else "")
    return ("-" if value < 0 and float(text) != 0 else "") + body


def fmt_money(value: float | None, lang: str = "fr", decimals: int = 2) -> str:
    if value is None:
        return "—"
    number = fmt_number(value, lang, decimals)
    if lang == "en":
        return f"-€{number[1:]}" if number.startswith("-") else f"€{number}"
    return f"{number}{NNBSP}€"


def fmt_percent(value: float | None, lang: str = "fr", decimals: int = 0) -> str:
    if value is None:
        return "—"
    number = fmt_number(value, lang, decimals)
    return f"{number}%" if lang == "en" else f"{number}{NNBSP}%"


def fmt_percent_short_of(value: float | None, lang: str = "fr", decimals: int = 0) -> str:
    """`fmt_percent`, except that a value strictly above 0 or strictly below 100 never reads as 0 % or
    100 %: « < 1 % », « > 99 % » (« < 0,1 % », « > 99,9 % » with one decimal). Why: a rule passed by
    99.88 % of the amount read « 100 % » beside its two failing orders, and 1.2 M€ a year read « 0 % » of
    a 350 M€ target. Values above 100 (a target exceeded) are shown as they round."""
    if value is None:
        return fmt_percent(None, lang)
    step = 10.0 ** -decimals
    bound = None
    if value > 0 and round(value, decimals) == 0:
        bound, sign = step, "<"
    elif value < 100 and round(value, decimals) >= 100:
        bound, sign = 100 - step, ">"
    if bound is None:
        return fmt_percent(value, lang, decimals)
    return f"{sign}\u00a0{fmt_percent(bound, lang, decimals)}"


def fmt_date(value: dt.date | None, lang: str = "fr") -> str:
    if value is None:
        return "—"
    return value.isoformat() if lang == "en" else value.strftime("%d/%m/%Y")


def fmt_timestamp(iso: str, lang: str = "fr") -> str:
    """A run's `generated_at` (ISO, UTC) as the pages show it: `27/11/2026 08:51:50 UTC` in French,
    `2026-11-27 08:51:50 UTC` in English; a text that is not a timestamp as written."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{fmt_date(moment.date(), lang)} {moment.strftime('%H:%M:%S')} UTC"


def plural(n: float, one: str, many: str, lang: str) -> str:
    """`one` or `many` for a count of n: in French 0 and 1 take the singular, in English only 1."""
    single = n == 1 if lang == "en" else abs(n) < 2
    return one if single else many


def counted(n: int, one: str, many: str, lang: str) -> str:
    """« 1 offre », « 0 risque », "0 risks": the count, unformatted, and its words agreeing with it."""
    return f"{n} {plural(n, one, many, lang)}"
