"""What RISK-02 (possible splitting, `procurement.portfolio`) is, for reports, `procurement rules` and the
generated catalogue (docs/rules-catalogue.md): its tags, texts and legal basis, as a rule's YAML would
give them. Kept apart from the detector so that the detector's module is its logic alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SPLITTING = "RISK-02"

RULES: Mapping[str, Mapping[str, Any]] = {
    SPLITTING: {
        "kind": "risk",
        "severity": "warning",
        "chantiers": (1, 3),
        "title": {"fr": "Fractionnement possible d'un besoin (règle de portefeuille)",
                  "en": "Possible splitting of a need (portfolio rule)"},
        "why": {
            "fr": "La valeur d'un besoin s'apprécie sur l'ensemble des fournitures ou services homogènes, ou des "
                  "travaux d'une même opération, et non commande par commande (R2121-5 et R2121-6). Découper un "
                  "besoin pour rester sous un seuil est interdit (R2121-1) : les entreprises perdent la "
                  "publicité et la mise en concurrence auxquelles elles avaient droit. La règle regroupe les "
                  "commandes d'un même acheteur, d'une même classe CPV et d'une même année, passées selon une "
                  "procédure plus légère que ce que leur somme exige, chacune sous le seuil.",
            "en": "The value of a need is assessed over all homogeneous supplies or services, or all the works "
                  "of one operation, not order by order (R2121-5 and R2121-6). Splitting a need to stay under "
                  "a threshold is forbidden (R2121-1): firms lose the publicity and competition they were "
                  "entitled to. The rule groups the orders of one buyer, one CPV class and one year that were "
                  "passed under a lighter procedure than their sum requires, each below the threshold.",
        },
        "advice": {
            "fr": "Recensez les besoins homogènes de l'année avant de commander ; au-delà du seuil, passez un "
                  "accord-cadre à bons de commande après publicité, ou justifiez l'absence d'homogénéité "
                  "(besoins distincts, unités fonctionnelles autonomes) dans une dérogation.",
            "en": "List the year's homogeneous needs before ordering; above the threshold, award a framework "
                  "agreement after publicity, or record why the needs are not homogeneous (distinct needs, "
                  "autonomous functional units) in a waiver.",
        },
        "legal_ref": (
            {"text": "Code de la commande publique", "article": "R2121-1",
             "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019", "confidence": "verified",
             "note": "Valeur estimée du besoin ; l'acheteur ne peut se soustraire aux règles en scindant ses achats."},
            {"text": "Code de la commande publique", "article": "R2121-2, R2121-5, R2121-6",
             "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019", "confidence": "recalled",
             "note": "Unités fonctionnelles ; travaux d'une même opération ; fournitures et services homogènes "
                     "(numéros d'articles de mémoire)."},
            {"text": "Code de la commande publique", "article": "R2122-8", "date": "2026-01-01",
             "url": "https://kohenavocats.fr/2025/12/30/decret-n-2025-1386-du-29-decembre-2025-modifiant-certains-"
                    "seuils-relatifs-aux-marches-publics", "confidence": "verified",
             "note": "Seuils de dispense 2026 (décret 2025-1386) ; seuils antérieurs à 2026 : de mémoire."},
            {"text": "Code de la commande publique", "article": "R2124-1, annexe 2", "date": "2026-01-01",
             "url": "https://www.weka.fr/actualite/appel-doffres/article/les-nouveaux-seuils-europeens-pour-2026-2027-"
                    "integres-au-sein-du-code-de-la-commande-publique-208873", "confidence": "verified",
             "note": "Seuils européens 2026-2027 et 2024-2025 (vérifiés) ; seuils antérieurs à 2024 et numéro "
                     "R2124-1 (procédure formalisée au-delà des seuils) : de mémoire."},
        ),
        "fields": ("buyer_siret", "buyer_name", "cpv", "contract_type", "amount", "procedure", "launch_date",
                   "notification_date", "nature", "framework_id"),
    },
}
