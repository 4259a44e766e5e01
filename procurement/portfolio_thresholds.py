"""The thresholds RISK-02 (possible splitting, procurement/portfolio.py) measures groups against, by date.

Thresholds: why in Python. The rulebook schema (procurement/rulebook/schema.py) has no place for them
(`targets` are portfolio targets that summaries measure against, not thresholds), so they are built
here: the 2026 values and the 2024-2025 EU thresholds from procurement.reference.thresholds() (the
packaged legal_thresholds_2026.json, "verified"), the earlier history hard-coded below with the page
that states it (verified in rulebook 1.3.7, the same sources as the legal_ref of PROC-01 to PROC-04). The
per-order PROC-01 to PROC-04 rules of rules/relance-renouveau.yaml use the same numbers;
tests/test_portfolio.py checks that the two agree.

Also here, what each level judges: the procedures lighter than the level requires (`LIGHT`) and the
services the EU level leaves out (`is_specific_service`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache

from procurement.reference import thresholds


@dataclass(frozen=True, slots=True)
class Threshold:
    """One threshold in force from `start` to `end` (inclusive; None: open), by launch date."""

    level: str
    contract_type: str  # travaux | fournitures_services
    amount: float
    start: dt.date
    end: dt.date | None
    source: str
    confidence: str  # verified | recalled

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@cache
def _thresholds() -> tuple[Threshold, ...]:
    doc = thresholds()
    disp = doc["dispense_publicite_mise_en_concurrence_R2122_8"]
    eu = doc["seuils_europeens_2026_2027"]
    prev = eu["previous_2024_2025"]
    src26 = disp["source"]
    w26 = disp["travaux"][0]
    fs_until, fs_from = disp["fournitures_services"]
    d2015 = "décret 2015-1163 (25 000 € dès le 01/10/2015), http://www.affaires-publiques.org/textof/TO/15/10333-0915.htm"
    d2019 = ("décret 2019-1344 (40 000 € dès le 01/01/2020), "
             "https://www.sictiam.fr/publication-des-nouveaux-seuils-de-procedure-de-passation-des-marches/")
    rows = [
        # Dispensation (R2122-8), by launch date.
        Threshold("dispensation", "fournitures_services", 25000, _d("2015-10-01"), _d("2019-12-31"), d2015,
                  "verified"),
        Threshold("dispensation", "fournitures_services", fs_until["threshold_lt"], _d("2020-01-01"),
                  _d("2025-12-31"), d2019, "verified"),
        Threshold("dispensation", "fournitures_services", fs_until["threshold_lt"], _d("2026-01-01"),
                  _d(fs_until["until"]), src26, disp["confidence"]),
        Threshold("dispensation", "fournitures_services", fs_from["threshold_lt"], _d(fs_from["from"]), None,
                  src26, disp["confidence"]),
        Threshold("dispensation", "travaux", 25000, _d("2015-10-01"), _d("2019-12-31"), d2015, "verified"),
        Threshold("dispensation", "travaux", 40000, _d("2020-01-01"), _d("2020-07-23"), d2019, "verified"),
        Threshold("dispensation", "travaux", 70000, _d("2020-07-24"), _d("2020-12-08"),
                  "décret 2020-893 du 22/07/2020 (70 000 € pour les travaux, en vigueur le 24/07/2020), "
                  "https://consultation.avocat.fr/blog/goulven-le-ny/article-35988-relevement-temporaire-du-seuil-"
                  "des-marches-publics-passes-sans-publicite-ni-mise-en-concurrence.html", "verified"),
        Threshold("dispensation", "travaux", w26["threshold_lt"], _d("2020-12-09"), _d("2025-12-31"),
                  "loi ASAP 2020-1525 art. 142 (en vigueur le 09/12/2020), décrets 2022-1683 et 2024-1217 ("
                  + disp["history_travaux"] + "), https://cna2c.fr/nos-dossier-du-mois/loi-asap-impact-en-droit-des-affaires",
                  "verified"),
        Threshold("dispensation", "travaux", w26["threshold_lt"], _d(w26["from"]), None, src26, disp["confidence"]),
    ]
    eu_history = (  # (start, end, supplies/services of local authorities, works, delegated regulation, a page)
        ("2016-01-01", "2017-12-31", 209000, 5225000, "2015/2170",
         "https://www.gerantdesarl.com/actualite/marches-publics-les-seuils-de-la-procedure-formalisee-sont-releves"),
        ("2018-01-01", "2019-12-31", 221000, 5548000, "2017/2365",
         "https://binimelis-avocats.fr/actualite-3222-publication-des-nouveaux-seuils-europeens-de-passation-des-"
         "marches-publics-et-concessions"),
        ("2020-01-01", "2021-12-31", 214000, 5350000, "2019/1828",
         "https://sensei-avocats.fr/flash/marches-publication-des-nouveaux-seuils-de-passation-des-marches-publics-"
         "et-des-concessions/"),
        ("2022-01-01", "2023-12-31", 215000, 5382000, "2021/1952",
         "https://lgp-avocats.fr/commande-publique/les-nouveaux-seuils-de-procedures-formalisees-pour-les-marches-"
         "publics-et-concessions-applicables-depuis-le-1er-janvier-2022"),
    )
    for start, end, fs, works, regulation, page in eu_history:
        for kind, amount in (("fournitures_services", fs), ("travaux", works)):
            source = f"règlement délégué (UE) {regulation}, seuils européens {start[:4]}-{end[:4]}, {page}"
            rows.append(Threshold("eu", kind, amount, _d(start), _d(end), source, "verified"))
    for kind, amount, start, end, source in (
        ("fournitures_services", prev["FS_collectivites"], "2024-01-01", "2025-12-31", "seuils européens 2024-2025"),
        ("travaux", prev["travaux"], "2024-01-01", "2025-12-31", "seuils européens 2024-2025"),
        ("fournitures_services", eu["fournitures_services_collectivites"], eu["period"][0], None, eu["source"]),
        ("travaux", eu["travaux_et_concessions"], eu["period"][0], None, eu["source"]),
    ):
        rows.append(Threshold("eu", kind, float(amount), _d(start), _d(end) if end else None, source,
                              eu["confidence"]))
    return tuple(rows)


def threshold_table() -> tuple[Threshold, ...]:
    """Every threshold this module knows, with its period, source and confidence (built on first use)."""
    return _thresholds()


def _family(contract_type: str) -> str:
    return "travaux" if contract_type == "travaux" else "fournitures_services"


def thresholds_on(contract_type: str, day: dt.date) -> dict[str, float]:
    """{level: threshold} in force for a consultation launched on `day` ({} before 2015-10-01)."""
    family = _family(contract_type)
    return {t.level: t.amount for t in _thresholds() if t.contract_type == family and t.covers(day)}


# The procedures lighter than each level requires (None: unknown, as the bons de commande of finance exports).
LIGHT = {
    "dispensation": frozenset({None, "sans_publicite"}),
    "eu": frozenset({None, "sans_publicite", "procedure_adaptee"}),
}
# Social and other specific services (directive 2014/24 annex XIV; CCP R2123-1 3°): the same prefixes as
# the rulebook table `cpv_services_specifiques` (checked by tests/test_portfolio.py).
SPECIFIC_SERVICES_CPV = (
    "551", "552", "553", "554", "555", "75", "791", "79430", "79611", "79622", "79624", "79625", "797", "79950",
    "79951", "79952", "79953", "79954", "79955", "79956", "79995", "80", "85", "92", "98113100", "9812", "9813",
    "982", "98500000", "98513", "98514", "989", "6411", "64122", "50116510", "71550000",
)
SPECIFIC_SERVICES_EXCLUDED = ("80533",)  # computer-user training: not in annex XIV


def is_specific_service(cpv: str, prefixes: tuple[str, ...]) -> bool:
    """Whether the EU level leaves the order out: such services may be a MAPA whatever their value."""
    return any(cpv.startswith(p) for p in prefixes) and not cpv.startswith(SPECIFIC_SERVICES_EXCLUDED)
