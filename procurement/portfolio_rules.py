"""What RISK-02 (possible splitting, `procurement.portfolio`) is, for reports, `procurement rules` and the
generated catalogue (docs/rules-catalogue.md): its tags, texts and legal basis, as a rule's YAML would
give them, and the message of each group it flags (`group_message`). Kept apart from the detector so
that the detector's module is its logic alone.
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
                  "besoin pour rester sous un seuil est interdit (R2121-4) : les entreprises perdent la "
                  "publicité et la mise en concurrence auxquelles elles avaient droit. La règle regroupe les "
                  "commandes d'un même acheteur, d'une même classe CPV et d'une même année, passées selon une "
                  "procédure plus légère que ce que leur somme exige, chacune sous le seuil. Une commande lue "
                  "deux fois (même acheteur, identifiant, montant et date) ne compte qu'une fois, comme un contrat "
                  "publié sous deux identifiants (même fournisseur, montant et date ; jamais des bons de "
                  "commande) ; les copies écartées sont nommées.",
            "en": "The value of a need is assessed over all homogeneous supplies or services, or all the works "
                  "of one operation, not order by order (R2121-5 and R2121-6). Splitting a need to stay under "
                  "a threshold is forbidden (R2121-4): firms lose the publicity and competition they were "
                  "entitled to. The rule groups the orders of one buyer, one CPV class and one year that were "
                  "passed under a lighter procedure than their sum requires, each below the threshold. An order "
                  "read twice (same buyer, id, amount and date) counts once, as does a contract published under "
                  "two ids (same supplier, amount and date; never purchase orders); the copies left out are named.",
        },
        "groups": {
            "fr": "Les commandes sont regroupées par acheteur (SIREN de son SIRET, sinon son nom), classe CPV (cinq "
                  "premiers chiffres), type de marché (travaux, fournitures, services) et année (date de "
                  "lancement, sinon de notification). Un groupe est signalé quand au moins deux de ses commandes, "
                  "chacune sous le seuil et passées selon une procédure plus légère que celle qu'il exige, "
                  "l'atteignent ensemble. Deux niveaux : le seuil de dispense de publicité et de mise en "
                  "concurrence (R2122-8 ; procédures légères : sans publicité, ou inconnue) et le seuil européen "
                  "des procédures formalisées (sans publicité, MAPA ou inconnue ; les services sociaux et "
                  "spécifiques, R2123-1 3°, n'y sont pas comptés). Ne sont pas comptés : les offres, les marchés "
                  "subséquents et commandes rattachées à un accord-cadre, les concessions, les commandes sans "
                  "montant, CPV, type ou date, ni les copies d'une commande déjà comptée. Le seuil est celui en "
                  "vigueur à la date de lancement, sinon de notification.",
            "en": "Orders are grouped by buyer (the SIREN of its SIRET, else its name), CPV class (first five "
                  "digits), contract type (works, supplies, services) and year (launch date, else notification "
                  "date). A group is flagged when at least two of its orders, each below the threshold and passed "
                  "under a lighter procedure than it requires, reach it together. Two levels: the threshold for "
                  "no publicity nor competition (R2122-8; light procedures: without publicity, or unknown) and "
                  "the EU threshold for formalised procedures (without publicity, MAPA or unknown; social and "
                  "other specific services, R2123-1 3°, are not counted there). Not counted: bids, call-offs and "
                  "orders of a framework agreement, concessions, orders without amount, CPV, type or date, and "
                  "copies of an order already counted. The threshold is the one in force on the launch date, "
                  "else the notification date.",
        },
        "advice": {
            "fr": "Recensez les besoins homogènes de l'année avant de commander ; au-delà du seuil, passez un "
                  "accord-cadre à bons de commande après publicité, ou justifiez l'absence d'homogénéité "
                  "(besoins distincts, unités opérationnelles autonomes, R2121-2) dans une dérogation.",
            "en": "List the year's homogeneous needs before ordering; above the threshold, award a framework "
                  "agreement after publicity, or record why the needs are not homogeneous (distinct needs, "
                  "autonomous operational units, R2121-2) in a waiver.",
        },
        "legal_ref": (
            {"text": "Code de la commande publique", "article": "R2121-1, R2121-4",
             "url": "https://www.legifrance.gouv.fr/codes/texte_lc/LEGITEXT000037701019", "confidence": "verified",
             "note": "Valeur estimée du besoin (R2121-1) ; l'acheteur ne peut se soustraire aux règles en scindant "
                     "ses achats (R2121-4)."},
            {"text": "Code de la commande publique", "article": "R2121-2, R2121-5, R2121-6",
             "url": "https://weka.fr/base-juridique-weka/code_CCP_LEGISCTA000037730901.html", "confidence": "verified",
             "note": "Unités opérationnelles distinctes : la valeur totale des marchés de leurs besoins est prise en "
                     "compte ; une unité « responsable de manière autonome de ses marchés » peut l'estimer à son "
                     "niveau (R2121-2, "
                     "https://marche-public.info/code-commande-publique-calcul-valeur-estimee-besoin) ; travaux : "
                     "la valeur totale des travaux d'une opération, « un ensemble de travaux caractérisé par son "
                     "unité fonctionnelle, technique ou économique » (R2121-5, https://marche-public.fr/ccp/"
                     "R2121-05-valeur-estimee-besoin-marches-travaux-operation.htm) ; fournitures et services : la "
                     "valeur totale de ceux « qui peuvent être considérés comme homogènes soit en raison de leurs "
                     "caractéristiques propres, soit parce qu'ils constituent une unité fonctionnelle » (R2121-6, "
                     "page citée), quels que soient le nombre d'opérateurs et le nombre de marchés."},
            {"text": "Code de la commande publique", "article": "R2122-8", "date": "2026-01-01",
             "url": "https://kohenavocats.fr/2025/12/30/decret-n-2025-1386-du-29-decembre-2025-modifiant-certains-"
                    "seuils-relatifs-aux-marches-publics", "confidence": "verified",
             "note": "Seuils de dispense 2026 (décret 2025-1386) ; seuils antérieurs à 2026 : vérifiés, chacun avec "
                     "sa source dans procurement/portfolio_thresholds.py (ceux de PROC-01 et PROC-02)."},
            {"text": "Code de la commande publique", "article": "R2124-1, annexe 2", "date": "2026-01-01",
             "url": "https://www.weka.fr/actualite/appel-doffres/article/les-nouveaux-seuils-europeens-pour-2026-2027-"
                    "integres-au-sein-du-code-de-la-commande-publique-208873", "confidence": "verified",
             "note": "Seuils européens 2026-2027 et 2024-2025 ; seuils antérieurs à 2024 : vérifiés, chacun avec sa "
                     "source dans procurement/portfolio_thresholds.py (ceux de PROC-03 et PROC-04). R2124-1 : "
                     "procédure formalisée au-delà des seuils européens (vérifié, voir PROC-03)."},
        ),
        "fields": ("buyer_siret", "buyer_name", "cpv", "contract_type", "amount", "procedure", "launch_date",
                   "notification_date", "nature", "framework_id"),
    },
}


# ---------------------------------------------------------------------------------------------------------
# The message of a flagged group, in French and in English
# ---------------------------------------------------------------------------------------------------------

_LEVEL_WORDS = {
    "fr": {"dispensation": "seuil de dispense de publicité et de mise en concurrence (R2122-8)",
           "eu": "seuil européen des procédures formalisées"},
    "en": {"dispensation": "threshold for no publicity nor competition (R2122-8)",
           "eu": "EU threshold for formalised procedures"},
}
_TYPE_WORDS = {"fr": {"travaux": "travaux", "fournitures": "fournitures", "services": "services"},
               "en": {"travaux": "works", "fournitures": "supplies", "services": "services"}}
_COPIES_NAMED = 5  # copies named in a message, repeated on every order of the group: the rest are counted


def _money(value: float, lang: str) -> str:
    whole = f"{value:,.0f}"
    return (whole.replace(",", "\u202f") + " €") if lang == "fr" else "€" + whole


def group_message(group: Any, lang: str) -> str:
    """The finding of a group (a `procurement.portfolio.PortfolioFinding`) in `lang` ("fr" or "en").

    Copies set aside say so here too, not only in `duplicates`: an auditor reading one order's page must
    see that the total leaves rows out, and which (the choice is the detector's, it may be wrong)."""
    kind = _TYPE_WORDS[lang][group.contract_type]
    level = _LEVEL_WORDS[lang][group.level]
    if lang == "fr":
        text = (f"Fractionnement possible : {group.count} commandes de {kind} de la classe CPV {group.cpv_class} "
                f"({group.buyer}, {group.year}) totalisent {_money(group.total, lang)} HT, chacune sous le "
                f"{level} ({_money(group.threshold, lang)}) que leur somme atteint.")
    else:
        text = (f"Possible splitting: {group.count} {kind} orders of CPV class {group.cpv_class} ({group.buyer}, "
                f"{group.year}) total {_money(group.total, lang)} excl. VAT, each below the {level} "
                f"({_money(group.threshold, lang)}) that their sum reaches.")
    copies = len(group.duplicates)
    if not copies:
        return text
    named = ", ".join(group.duplicates[:_COPIES_NAMED])
    more = copies - _COPIES_NAMED
    why = ("même identifiant, ou contrat publié sous deux identifiants" if lang == "fr"
           else "same id, or a contract published under two ids")
    if lang == "fr":
        if more > 0:
            named += f" et {more} autre{'s' if more > 1 else ''}"
        if copies == 1:
            return f"{text} 1 copie d'une commande déjà comptée ({why}) est écartée du total : {named}."
        return f"{text} {copies} copies de commandes déjà comptées ({why}) sont écartées du total : {named}."
    if more > 0:
        named += f" and {more} more"
    if copies == 1:
        return f"{text} 1 copy of an order already counted ({why}) is left out of the total: {named}."
    return f"{text} {copies} copies of orders already counted ({why}) are left out of the total: {named}."
