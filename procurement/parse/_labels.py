"""The labels real files use for each enumerated field, by canonical code.

Sources: DECP 2024 enumerations and the 2019 / v1.4 legacy values still published in 2024 (notes §3,
§4, §8.1: "Marché négocié sans publicité…" ×175, "Appel d offres ouvert" ×43, "MARCHE" 151 k,
"Code Postal" ×154), the Bretagne and "DECP augmenté" spreadsheets, and the words AMP buyers use in
their own files. Labels are compared after `choices.choice_key` (no case, accents, punctuation or
final plural "s"), so each spelling is listed once. The first label of a code is the one shown to
buyers in messages.
"""

from __future__ import annotations

# field -> code -> (French label, English label, other accepted spellings)
Labels = dict[str, tuple[str, str, tuple[str, ...]]]

NATURE: Labels = {
    "marche": ("Marché", "Contract", (
        "marché public", "marché simple", "marché ordinaire", "marché de partenariat", "contract",
        "public contract", "partnership contract")),
    # DECP 2024 nature « Marché de défense ou de sécurité »: a contract of its own regime (CCP, part 2,
    # book III), outside the Climate and Resilience obligations and under its own EU threshold (432 000 €
    # HT for supplies and services in 2026-2027): told apart so that the rules can treat it as such.
    "marche_defense_securite": ("Marché de défense ou de sécurité", "Defence or security contract", (
        "marché de défense et de sécurité", "marché public de défense ou de sécurité",
        "marché public de défense et de sécurité", "marché de défense", "defence or security contract",
        "defence and security contract", "defense or security contract", "defense and security contract",
        "defence contract", "defense contract")),
    "accord_cadre": ("Accord-cadre", "Framework agreement", (
        "AC", "accord cadre à bons de commande", "accord-cadre mono-attributaire",
        "accord-cadre multi-attributaires", "marché à bons de commande", "framework agreement",
        "framework")),
    "marche_subsequent": ("Marché subséquent", "Call-off contract", (
        "MS", "call-off", "call off contract", "subsequent contract")),
    "bon_de_commande": ("Bon de commande", "Purchase order", (
        "BC", "commande", "purchase order", "PO", "order")),
    "offre": ("Offre", "Bid", ("bid", "tender offer", "offer")),
    "concession": ("Concession", "Concession", (
        "contrat de concession", "concession de service public", "concession de service",
        "concession de travaux", "concession de travaux publics", "délégation de service public", "DSP",
        "concession contract", "service concession", "works concession")),
}

PROCEDURE: Labels = {
    "procedure_adaptee": ("Procédure adaptée", "Adapted procedure", (
        "MAPA", "MAPA ouvert", "MAPA restreint", "procédure adaptée ouverte", "procédure adaptée restreinte",
        "marché à procédure adaptée", "marché passé selon une procédure adaptée", "adapted procedure")),
    "appel_offres_ouvert": ("Appel d'offres ouvert", "Open procedure", (
        "appel d'offre ouvert", "AOO", "AO ouvert", "appel d'offres ouvert européen", "open procedure",
        "open tender")),
    "appel_offres_restreint": ("Appel d'offres restreint", "Restricted procedure", (
        "appel d'offre restreint", "AOR", "AO restreint", "appel d'offres restreint européen",
        "restricted procedure", "restricted tender")),
    "procedure_negociee": ("Procédure avec négociation", "Negotiated procedure", (
        "procédure négociée", "procédure concurrentielle avec négociation",
        "procédure négociée avec mise en concurrence préalable", "procédure négociée avec publicité",
        "PCN", "negotiated procedure", "competitive procedure with negotiation",
        "negotiated procedure with prior publication")),
    "sans_publicite": ("Marché passé sans publicité ni mise en concurrence préalable",
                       "Direct award without publication", (
        "marché négocié sans publicité ni mise en concurrence préalable",
        "marché public négocié sans publicité ni mise en concurrence préalable",
        "procédure négociée sans publicité ni mise en concurrence préalable",
        "marché sans publicité ni mise en concurrence", "sans publicité ni mise en concurrence préalable",
        "sans publicité ni mise en concurrence", "sans publicité", "gré à gré", "marché de gré à gré",
        "direct award", "without publication", "negotiated procedure without prior publication",
        "negotiated procedure without publication")),
    "dialogue_competitif": ("Dialogue compétitif", "Competitive dialogue", ("competitive dialogue",)),
    "concours": ("Concours", "Design contest", ("concours restreint", "design contest", "contest")),
    # The four concession procedures (DECP 2024) have no marché equivalent; nor does an innovation
    # partnership. They are real procedures, so "autre" rather than an error. Its label reads in a
    # sentence (« en autre procédure », PROC-03), like « en procédure adaptée ».
    "autre": ("Autre procédure", "Other procedure", (
        "autre", "procédure négociée ouverte", "procédure négociée restreinte", "procédure non négociée ouverte",
        "procédure non négociée restreinte", "partenariat d'innovation", "innovation partnership",
        "other")),
}

PLACE_TYPE: Labels = {
    "commune": ("Code commune", "Commune code", (
        "commune", "code INSEE", "INSEE", "code commune INSEE", "code arrondissement", "arrondissement",
        "municipality")),
    "postcode": ("Code postal", "Postcode", (
        "code postale", "CP", "postcode", "postal code", "zip code", "zip")),
    "departement": ("Code département", "Département code", (
        "département", "dép", "dept", "department", "department code")),
    "region": ("Code région", "Region code", ("région", "region code")),
    "country": ("Code pays", "Country code", ("pays", "country", "country code")),
}
# A canton groups communes without being one; DECP allows it but it locates nothing we can check.
PLACE_TYPE_UNSUPPORTED = ("code canton", "canton")

SUPPLIER_SIZE: Labels = {
    "pme": ("PME", "SME", (
        "TPE", "TPE/PME", "micro", "micro-entreprise", "microentreprise", "petite entreprise",
        "moyenne entreprise", "petite et moyenne entreprise", "SME", "small", "medium",
        "small and medium enterprise", "small and medium-sized enterprise", "micro enterprise")),
    "eti": ("ETI", "Mid-cap", (
        "entreprise de taille intermédiaire", "mid-cap", "midcap", "intermediate-sized enterprise",
        "mid-sized")),
    "ge": ("GE", "Large enterprise", (
        "grande entreprise", "large", "large enterprise", "large company")),
}

SUPPLIER_STATUS: Labels = {
    "siae": ("SIAE", "Work-integration enterprise (SIAE)", (
        "structure d'insertion par l'activité économique", "insertion par l'activité économique", "IAE",
        "EI", "entreprise d'insertion", "ETTI", "entreprise de travail temporaire d'insertion", "ACI",
        "atelier chantier d'insertion", "atelier et chantier d'insertion", "AI",
        "association intermédiaire", "EITI", "work integration enterprise")),
    "ea": ("EA", "Adapted enterprise (EA)", (
        "entreprise adaptée", "entreprise adaptée de travail temporaire", "EATT", "adapted enterprise")),
    "esat": ("ESAT", "Sheltered workshop (ESAT)", (
        "établissement et service d'aide par le travail", "établissement et services d'aide par le travail",
        "sheltered workshop")),
    # Law 2014-856, art. 1: cooperatives, mutuals, foundations and associations belong to the ESS.
    "ess": ("ESS", "Social economy (ESS)", (
        "économie sociale et solidaire", "entreprise de l'ESS", "structure de l'ESS", "ESUS",
        "entreprise solidaire d'utilité sociale", "SCOP", "SCIC", "coopérative", "société coopérative",
        "association", "mutuelle", "fondation", "social economy", "social and solidarity economy")),
    "none": ("Aucun", "None", (
        "aucune", "none", "non", "no", "classique", "entreprise classique", "ordinaire", "standard",
        "sans", "sans objet")),
}
# In a status column a lone dash means "no particular status", not "unknown": buyers fill the column
# only for the few SIAE/EA/ESAT suppliers.
SUPPLIER_STATUS_DASHES = ("-", "—", "–")

SOCIAL: Labels = {
    "clause": ("Clause sociale", "Social clause", (
        "clause", "clause d'insertion", "clause sociale d'insertion", "clause insertion", "insertion",
        "condition d'exécution sociale", "social clause", "oui", "yes")),
    "criterion": ("Critère social", "Social criterion", (
        "critère", "critères sociaux", "critère d'attribution social", "social criterion",
        "social award criterion")),
    "reserved": ("Marché réservé", "Reserved contract", (
        "concession réservée", "réservé", "réservée", "reserved", "reserved contract",
        "reserved concession")),
    "none": ("Pas de considération sociale", "No social consideration", (
        "pas de considération", "aucune considération sociale", "pas de clause sociale", "sans objet",
        "aucune", "aucun", "non", "none", "no", "sans", "no social consideration")),
}

ENVIRONMENTAL: Labels = {
    "clause": ("Clause environnementale", "Environmental clause", (
        "clause", "condition d'exécution environnementale", "environmental clause", "oui", "yes")),
    "criterion": ("Critère environnemental", "Environmental criterion", (
        "critère", "critères environnementaux", "critère d'attribution environnemental",
        "coût du cycle de vie", "coût global", "environmental criterion", "environmental award criterion")),
    "none": ("Pas de considération environnementale", "No environmental consideration", (
        "pas de considération", "aucune considération environnementale", "pas de clause environnementale",
        "sans objet", "aucune", "aucun", "non", "none", "no", "sans", "no environmental consideration")),
}

# The three purchase types of the CCP (works, supplies, services): an English message read "Purchase of
# fournitures" for want of a label.
CONTRACT_TYPE: Labels = {
    "travaux": ("Travaux", "Works", ("marché de travaux", "works", "works contract")),
    "fournitures": ("Fournitures", "Supplies", ("marché de fournitures", "supplies", "supply", "goods",
                                                "supplies contract")),
    "services": ("Services", "Services", ("marché de services", "prestations de services", "prestation de service",
                                          "service contract")),
}

LABELS: dict[str, Labels] = {
    "nature": NATURE,
    "contract_type": CONTRACT_TYPE,
    "procedure": PROCEDURE,
    "place_type": PLACE_TYPE,
    "supplier_size": SUPPLIER_SIZE,
    "supplier_status": SUPPLIER_STATUS,
    "social_considerations": SOCIAL,
    "env_considerations": ENVIRONMENTAL,
}
