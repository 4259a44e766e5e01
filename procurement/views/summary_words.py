"""The summary page's own sentences (French and English) and its French typography (plurals: `i18n.plural`).

Why apart from `procurement.views.words`: the summary's sentences grew with what it must say about its
own figures (what a target counts, the rows set aside, the periods without orders), and a module stays
under 400 lines. `summary_words(lang)` is the page's whole vocabulary: the shared words, with this
module's entries added or replacing theirs, every French text with its non-breaking spaces.

French typography (`procurement/typography.py`, shared with the check page) is applied to the tool's
own texts and to the rulebook's (titles, target labels and sources), never to a value read from a
spreadsheet (a buyer's name is shown as written).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from types import MappingProxyType

from procurement import i18n
from procurement.aggregate_targets import RATE_MIN_COVERAGE, RATE_MIN_EVALUATED
from procurement.i18n import plural
from procurement.typography import colon, typo
from procurement.views.words import words


def money(x: float | None, lang: str) -> str:
    """An amount in whole euros, as every figure of the summary shows it."""
    return i18n.fmt_money(x, lang, 0)


def number(x: float, lang: str) -> str:
    return i18n.fmt_number(x, lang)


def orders_text(n: int, lang: str) -> str:
    """« 1 commande », « 4 commandes »."""
    return summary_words(lang)[plural(n, "orders_one", "orders_n", lang)].format(n=number(n, lang))


BALANCE = ("rows_read", "orders", "rejected", "merged")


def balance_terms(counts: Mapping[str, int], lang: str) -> dict[str, tuple[str, str]]:
    """Each count of the row balance as (number, noun agreeing with it): ("1", "ligne rejetée"),
    ("3", "lignes lues"). The summary and the batch report both say the balance with these."""
    t = summary_words(lang)
    return {k: (number(counts[k], lang), t[plural(counts[k], "b_" + k, "b_" + k + "_n", lang)]) for k in BALANCE}


def withheld_text(reason: str | None, lang: str, prefix: str = "w_") -> str:
    """Why a rate is « — » (procurement.aggregate.rate_withheld), or "" when it is shown; `prefix` "wt_"
    for a target's words."""
    if not reason:
        return ""
    return summary_words(lang)[prefix + reason].format(min=number(RATE_MIN_EVALUATED, lang),
                                                       cov=i18n.fmt_percent(100 * RATE_MIN_COVERAGE, lang))


def desc(pairs: list[tuple[str, str]], lang: str) -> str:
    """A chart's text alternative: every label with its value, in reading order."""
    sep = "; " if lang == "en" else "\u202f; "
    return sep.join(f"{label}{colon(lang)}{text}" for label, text in pairs) + "."


# key -> (French, English). Keys also in views/words.py replace theirs on the summary page.
WORDS: dict[str, tuple[str, str]] = {
    "no_data": ("pas de donnée", "no data"),
    "h_orders": ("commandes évaluées, chacune comptée une fois", "orders scored, each counted once"),
    "h_orders_one": ("commande évaluée", "order scored"),
    "h_legal_one": ("commande avec un manquement légal", "order with a legal failure"),
    "h_legal_amount_one": ("montant notifié de cette commande", "notified amount of this order"),
    "h_rejected_one": ("ligne rejetée", "row rejected"),
    "h_waived_legal_one": ("commande dont les manquements légaux sont couverts par une dérogation (non comptée "
                           "ci-dessus)", "order whose legal failures are all waived (not counted above)"),
    "h_amount_missing": ("montant notifié HT ({n} sans montant, non comptées)",
                         "notified amount excl. VAT ({n} without an amount, not counted)"),
    "h_amount_missing_one": ("montant notifié HT (1 commande sans montant, non comptée)",
                             "notified amount excl. VAT (1 order without an amount, not counted)"),
    # an order under EGAlim's 50 % is not in breach by itself: the year's share, among the targets, says
    "h_below_share_one": ("commande sous une part légale annuelle, non comptée ci-dessus ({rules} ; voir les "
                          "objectifs)", "order below an annual legal share, not counted above ({rules}; see the "
                          "targets)"),
    "h_below_share": ("commandes sous une part légale annuelle, non comptées ci-dessus ({rules} ; voir les "
                      "objectifs)", "orders below an annual legal share, not counted above ({rules}; see the "
                      "targets)"),
    "places_pending": ("Consultations non encore notifiées, sans fournisseur, hors de ces tableaux : {orders}, "
                       "{amount} estimés.", "Consultations not notified yet, without a supplier, left out of these "
                       "tables: {orders}, {amount} estimated."),
    "emissions_aside": ("Non comptés (pas une dépense) : {items}", "Not counted (not spend): {items}"),
    "emissions_aside_item": ("{nature}, {orders}, {amount}, {tonnes} tCO2e estimées sur ce montant",
                             "{nature}, {orders}, {amount}, {tonnes} tCO2e estimated on that amount"),
    "h_waived_legal": ("commandes dont les manquements légaux sont couverts par une dérogation (non comptées "
                       "ci-dessus)", "orders whose legal failures are all waived (not counted above)"),
    "duplicates_note": ("{n} lignes en double ({amount}) sont écartées de tous les chiffres de cette page : "
                        "mêmes acheteur, identifiant, montant et date qu'une ligne lue avant elles. Chaque "
                        "commande est comptée une fois, sa première ligne ; les lignes en double restent "
                        "évaluées et listées dans le rapport et les exports, avec l'avertissement « copie de la "
                        "commande ».",
                        "{n} duplicate rows ({amount}) are left out of every figure of this page: same buyer, "
                        "id, amount and date as a row read before them. Each order is counted once, its first "
                        "row; the duplicate rows are still scored and listed in the report and the exports, "
                        "with the warning “copy of the order”."),
    "duplicates_note_one": ("1 ligne en double ({amount}) est écartée de tous les chiffres de cette page : "
                            "mêmes acheteur, identifiant, montant et date qu'une ligne lue avant elle. Chaque "
                            "commande est comptée une fois, sa première ligne ; la ligne en double reste "
                            "évaluée et listée dans le rapport et les exports, avec l'avertissement « copie de "
                            "la commande ».",
                            "1 duplicate row ({amount}) is left out of every figure of this page: same buyer, "
                            "id, amount and date as a row read before it. Each order is counted once, its "
                            "first row; the duplicate row is still scored and listed in the report and the "
                            "exports, with the warning “copy of the order”."),
    "balance_line": ("Bilan des lignes : {rows} = {orders} + {rejected} + {merged}.",
                     "Row balance: {rows} = {orders} + {rejected} + {merged}."),
    "balance_broken": ("Attention : le compte des lignes ne tombe pas juste.", "Warning: the row balance is off."),
    "legal_rules": ("Règles légales : part des commandes et du montant conformes",
                    "Legal rules: share of orders and of amount passing"),
    "legal_caption": ("Règles légales : verdicts par règle (nombre de commandes)",
                      "Legal rules: verdicts by rule (number of orders)"),
    "legal_note": ("Part conforme = conformes / (conformes + non conformes), sur les commandes évaluées parmi celles "
                   "auxquelles la règle s'applique (toutes sauf « sans objet ») : la colonne « mesurée sur » les "
                   "compte. Une part n'est donnée que si elle est mesurée sur au moins {min} commandes et sur au "
                   "moins {cov} des commandes concernées ; sinon « — », avec la raison : mesurée sur les seules "
                   "commandes renseignées, elle dit surtout lesquelles le sont. Une dérogation ne compte ni comme "
                   "conforme ni comme non conforme ; la colonne « dérogation » dit ce qu'elle couvrait.",
                   "Share passing = passing / (passing + failing), over the orders evaluated among those the rule "
                   "applies to (all but “not applicable”): the “measured on” column counts them. A share is given "
                   "only when measured on at least {min} orders and on at least {cov} of the orders concerned; "
                   "else “—”, with the reason: measured on the few orders with the data, it tells mostly which "
                   "ones have it. A waived finding counts as neither; the “waived” column says what it covered."),
    "measured_on_cell": ("{n} sur {of} ({cov})", "{n} of {of} ({cov})"),
    "w_none_evaluated": ("pas de part : aucune commande évaluée", "no share: no order evaluated"),
    "few_scored": ("pas de score : moins de {n} commandes notées", "no score: fewer than {n} orders scored"),
    "w_few_evaluated": ("pas de part : moins de {min} commandes évaluées",
                        "no share: fewer than {min} orders evaluated"),
    "w_low_coverage": ("pas de part : moins de {cov} des commandes concernées évaluées (données insuffisantes)",
                       "no share: under {cov} of the orders concerned evaluated (insufficient data)"),
    "wt_none_evaluated": ("pas de mesure : donnée jamais renseignée", "no measure: the data is never given"),
    "wt_few_evaluated": ("pas de mesure : donnée renseignée pour moins de {min} commandes",
                         "no measure: the data is given for fewer than {min} orders"),
    "wt_no_table": ("pas de mesure : le référentiel n'a pas de table cpv_egalim des achats alimentaires",
                    "no measure: the rulebook has no cpv_egalim table of food purchases"),
    "wt_low_coverage": ("pas de mesure : donnée renseignée pour moins de {cov} de l'assiette",
                        "no measure: the data is given for under {cov} of the basis"),
    "w_flagged_only": ("pas de part : la règle ne juge que les commandes qu'elle signale",
                       "no share: the rule judges only the orders it flags"),
    # the row balance, singular and plural
    "b_rows_read": ("ligne lue", "row read"), "b_rows_read_n": ("lignes lues", "rows read"),
    "b_orders": ("commande évaluée", "order scored"), "b_orders_n": ("commandes évaluées", "orders scored"),
    "b_rejected": ("ligne rejetée", "row rejected"), "b_rejected_n": ("lignes rejetées", "rows rejected"),
    "b_merged": ("ligne fusionnée", "row merged"), "b_merged_n": ("lignes fusionnées", "rows merged"),
    "legal_not_applicable": ("Sans objet pour toutes les commandes : {rules}.",
                             "Not applicable to any order: {rules}."),
    "orders_n": ("{n} commandes", "{n} orders"),
    "orders_one": ("{n} commande", "{n} order"),
    # status names for counts, singular and plural ("1 non conforme", "4 non conformes"; "1 failing", not "1 fail")
    "sg_pass": ("conforme", "passing"),
    "sg_fail": ("non conforme", "failing"),
    "sg_insufficient_data": ("données insuffisantes", "insufficient data"),
    "sg_waived": ("dérogation", "waived"),
    "sg_not_applicable": ("sans objet", "not applicable"),
    "pl_pass": ("conformes", "passing"),
    "pl_fail": ("non conformes", "failing"),
    "pl_insufficient_data": ("données insuffisantes", "insufficient data"),
    "pl_waived": ("dérogations", "waived"),
    "pl_not_applicable": ("sans objet", "not applicable"),
    # chantiers
    "drivers_pass": ("Principaux indicateurs atteints (montant)", "Main indicators met (amount)"),
    "no_gap": ("aucune règle de ce chantier non conforme", "no rule of this chantier failing"),
    "no_indicator_met": ("aucun indicateur de ce chantier atteint", "no indicator of this chantier met"),
    "no_indicator": ("aucun indicateur de ce chantier dans le référentiel",
                     "no indicator of this chantier in the rulebook"),
    "chantiers_note": ("Écarts : les règles du chantier non conformes, par montant ; une obligation légale ou un "
                       "risque juridique y est nommé comme tel. Indicateurs atteints : les seuls indicateurs du "
                       "chantier (ce qu'il vise), par montant conforme. Une obligation légale respectée ou un risque "
                       "écarté n'y figurent pas : ils disent qu'il n'y a pas de problème, pas que le chantier avance.",
                       "Gaps: the chantier's rules failing, by amount; a legal obligation or a legal risk is named "
                       "as such. Indicators met: the chantier's indicators only (what it aims at), by amount "
                       "passing. A legal obligation complied with or a risk avoided is not among them: it says "
                       "that nothing is wrong, not that the chantier progresses."),
    # targets
    "basis_contracts": ("{num} sur {den} où la donnée est renseignée, soit {cov} de {pop} (marchés, accords-cadres et "
                        "marchés subséquents notifiés, chacun compté une fois)",
                        "{num} of {den} with the data, i.e. {cov} of {pop} (contracts, framework agreements and "
                        "call-off contracts notified, each counted once)"),
    "contracts_one": ("{n} marché", "{n} contract"), "contracts_n": ("{n} marchés", "{n} contracts"),
    "basis_spend": ("{num} sur {den} d'achats (marchés, marchés subséquents et bons de commande) ; statut du "
                    "fournisseur renseigné pour {cov} de ce montant (un statut non renseigné ne compte pas comme "
                    "ESS)",
                    "{num} of {den} of purchases (contracts, call-off contracts and purchase orders); supplier "
                    "status given for {cov} of that amount (a status not given does not count as ESS)"),
    "basis_spend_none": ("aucun statut de fournisseur renseigné : pas de mesure ({den} d'achats : marchés, marchés "
                         "subséquents et bons de commande)",
                         "no supplier status given: no measure ({den} of purchases: contracts, call-off contracts "
                         "and purchase orders)"),
    "basis_year": ("{num} d'achats notifiés en {year} (marchés, marchés subséquents et bons de commande), {which}"
                   "{years} ; codes CPV : {cpv}",
                   "{num} of purchases notified in {year} (contracts, call-off contracts and purchase orders), "
                   "{which}{years}; CPV codes: {cpv}"),
    "basis_year_none": ("aucun achat daté (marchés, marchés subséquents et bons de commande avec une date de "
                        "notification) : pas d'année à mesurer ; codes CPV : {cpv}",
                        "no dated purchase (contracts, call-off contracts and purchase orders with a notification "
                        "date): no year to measure; CPV codes: {cpv}"),
    "year_stands": ("la dernière année d'au moins {n} achats datés",
                    "the latest year with at least {n} dated purchases"),
    "year_latest": ("la dernière année datée (aucune n'a {n} achats datés)",
                    "the latest dated year (none has {n} dated purchases)"),
    "food_in": ("en {year}", "in {year}"),
    "food_undated": ("sans date de notification", "without a notification date"),
    "basis_food": ("{year}, part pondérée par le montant, sur {den} d'achats alimentaires (codes CPV d'EGA-01 : "
                   "marchés, marchés subséquents et bons de commande) qui la donnent avec leur montant, soit {cov} "
                   "de {pop}{years} ; la loi la mesure par restaurant et par année civile",
                   "{year}, share weighted by amount, over {den} of food purchases (EGA-01's CPV codes: "
                   "contracts, call-off contracts and purchase orders) that give it with their amount, i.e. {cov} "
                   "of {pop}{years}; the law measures it per restaurant and per calendar year"),
    "basis_food_none": ("aucun achat alimentaire notifié depuis 2022 ni sans date",
                        "no food purchase notified since 2022 nor undated"),
    "food_years": (" ; autres années : {items}", "; other years: {items}"),
    "food_outside": (" ; {amount} d'achats alimentaires ({orders}) notifiés avant 2022, hors mesure",
                     "; {amount} of food purchases ({orders}) notified before 2022, not measured"),
    "undated_transport": ("{amount} d'achats sans date de notification ({orders}) : sans année, non comptés "
                          "dans le montant par an",
                          "{amount} of purchases without a notification date ({orders}): no year, not counted in "
                          "the amount per year"),
    "aside_contracts": ("Hors assiette (pas des marchés notifiés) : {items}",
                        "Outside the basis (not contracts notified): {items}"),
    "aside_spend": ("Hors assiette (pas une dépense) : {items}", "Outside the basis (not spend): {items}"),
    "aside_item": ("{nature} ({orders}, {amount})", "{nature} ({orders}, {amount})"),
    "n_bon_de_commande": ("bons de commande", "purchase orders"),
    "n_accord_cadre": ("accords-cadres (montants maximums)", "framework agreements (maximum amounts)"),
    "n_offre": ("offres", "bids"),
    "n_concession": ("concessions", "concessions"),
    "n_unknown": ("nature non renseignée", "nature not given"),
    "n_not_notified": ("consultations non encore notifiées", "consultations not notified yet"),
    "n_marche": ("marchés", "contracts"),
    "n_marche_defense_securite": ("marchés de défense ou de sécurité", "defence or security contracts"),
    "n_marche_subsequent": ("marchés subséquents", "call-off contracts"),
    "attainment": ("Part de l'objectif atteinte", "Share of the target reached"),
    "target_value": ("Valeur visée", "Target value"),
    "targets_chart": ("Part de chaque objectif atteinte (100 % : objectif atteint), avec la valeur mesurée et "
                      "l'objectif", "Share of each target reached (100%: target reached), with the value measured "
                      "and the target"),
    "target_reached": ("objectif atteint", "target reached"),
    "bar_target": ("{measured} (objectif {target}) — {reached} de l'objectif",
                   "{measured} (target {target}) — {reached} of the target"),
    "bar_no_measure": ("pas de mesure (objectif {target})", "no measure (target {target})"),
    "from_rulebook": ("fixé par le référentiel", "set by the rulebook"),
    "cpv_rulebook": ("liste du référentiel", "rulebook list"),
    "source_fr": ("", " (rulebook text, in French)"),
    "per_year": (" / an", " / year"),
    # places
    "share_small": ("<\u00a01 %", "<\u00a01%"),
    "places_no_amount": ("Aucune commande n'a de montant notifié : les graphiques sont vides et les parts sans "
                         "objet ; les tableaux donnent le nombre de commandes par zone et par distance.",
                         "No order has a notified amount: the charts are empty and the shares meaningless; the "
                         "tables give the number of orders by band and by distance."),
    "shares_rounded": ("Parts arrondies à l'unité, de total 100 %.", "Shares rounded to the unit, adding up to 100%."),
    # emissions
    "not_cpv_division": ("division absente de la nomenclature CPV 2008", "not a CPV 2008 division"),
    # buyers
    "col_legal": ("Commandes avec un manquement légal", "Orders with a legal failure"),  # h_legal: a card's words
    "orders_scored": ("Commandes notées", "Orders scored"),
    "verdicts_title": ("Toutes les règles : verdicts par règle", "All rules: verdicts by rule"),
    "rules_per_order": ("Règles évaluées par commande notée", "Rules evaluated per order scored"),
    "buyers_score_note": (
        "Score : moyenne des scores des commandes notées (de 0 à 100 : poids des règles conformes sur poids des "
        "règles évaluées) ; une commande dont aucune règle n'est conforme ou non conforme n'est pas notée. "
        "« Règles évaluées par commande notée » : le nombre moyen de règles conformes ou non conformes dont ce "
        "score est fait ; complétude : la part moyenne des règles concernées que les données permettent "
        "d'évaluer, sur toutes les commandes. Un score fait de peu de commandes, ou d'une ou deux règles par "
        "commande, dit peu de l'acheteur.",
        "Score: mean of the scored orders' scores (0 to 100: weight of the rules passed over weight of the rules "
        "evaluated); an order with no rule passed or failed is not scored. “Rules evaluated per order scored”: "
        "the mean number of rules passed or failed that make this score; completeness: the mean share of the "
        "rules concerned that the data lets us evaluate, over every order. A score made of few orders, or of "
        "one or two rules per order, says little about the buyer."),
    # said when an input is open data (DECP, OCDS), which has few of the fields the rules read
    "buyers_open_data_note": (
        "Les données essentielles (DECP, OCDS) n'ont ni les émissions déclarées (CARB-02 y est en données "
        "insuffisantes : le chiffre est à recueillir auprès des titulaires) ni le statut des fournisseurs (ESS, "
        "SIAE), et avant le format 2024 ni les considérations sociales et environnementales : une règle de "
        "procédure (PROC-02, PROC-03) y est souvent la seule évaluée.",
        "Essential data (DECP, OCDS) has neither declared emissions (CARB-02 is insufficient data there: the "
        "figure must be collected from the suppliers) nor the suppliers' status (social economy, integration), "
        "and before the 2024 format no social and environmental considerations: a procedure rule (PROC-02, "
        "PROC-03) is often the only one evaluated there."),
    "more_buyers": ("Autres acheteurs ({n})", "Other buyers ({n})"),
    "more_buyers_note": ("Le tableau montre les {shown} premiers acheteurs par montant ; la dernière ligne "
                         "additionne les {n} autres.",
                         "The table shows the first {shown} buyers by amount; the last row adds up the {n} others."),
    # months
    "months_no_amount": ("Aucune commande n'a de montant notifié : la courbe reste à zéro ; le tableau donne le "
                         "nombre de commandes par période.",
                         "No order has a notified amount: the line stays at zero; the table gives the number of "
                         "orders by period."),
    "undated_note": ("Sans date de notification, hors du graphique : {orders} ({amount}) ; le tableau les donne à "
                     "la ligne « inconnu ».",
                     "Without a notification date, not in the chart: {orders} ({amount}); the table gives them on "
                     "the “unknown” row."),
    "gaps_note": ("Périodes sans commande, à zéro dans le graphique : {periods}.",
                  "Periods without orders, at zero in the chart: {periods}."),
    "no_orders": ("aucune commande", "no orders"),
}


@cache
def summary_words(lang: str) -> Mapping[str, str]:
    """Every word of the summary page in `lang` ('en', else French), with its typography."""
    lang = "en" if lang == "en" else "fr"
    i = 1 if lang == "en" else 0
    merged = dict(words(lang)) | {k: v[i] for k, v in WORDS.items()}
    return MappingProxyType({k: typo(v, lang) for k, v in merged.items()})
