"""The words of the comparison of two runs (`procurement diff`), in French and English: the console summary's
and the page's, apart from how `diff_report` arranges them, as `check_words` is for the buyer's check.
"""

from __future__ import annotations

from procurement.i18n import counted, plural

WORDS = {
    "fr": {
        "title": "Comparaison de deux analyses", "colon": " : ", "sep": " ; ",
        "before": "avant", "after": "après", "generated": "généré le",
        "rulebook": "Référentiel", "unchanged": "inchangé", "changed": "modifié", "rules_added": "règles ajoutées",
        "rules_removed": "règles retirées", "inputs": "Fichiers", "same": "inchangé", "added": "ajouté",
        "replaced": "remplacé par", "removed": "retiré",
        "orders": "Commandes", "verdicts": "Verdicts",
        "copies": "Lignes en double, comptées une fois comme dans la synthèse (mêmes acheteur, identifiant, "
                  "montant et date qu'une ligne lue avant) et écartées des chiffres",
        "verdicts_line": "{n} sur {orders} : {better}, {worse}, {other}",
        "no_change": "aucun verdict changé", "mean_score": "Score moyen", "chantier": "chantier",
        "changes": "Changements", "page": "Page", "absent": "—", "more": "et {n}",
        "id": "Identifiant", "label": "Objet", "where": "Origine", "rule": "Règle", "score": "Score",
        "overall": "global", "delta": "écart", "status_counts": "Verdicts par règle",
        "added_orders": "Commandes nouvelles", "removed_orders_title": "Commandes retirées",
        "changed_orders": "Commandes dont les données, un verdict ou le score ont changé", "none": "Aucune.",
        "data": "Données", "data_line": "{n} aux données modifiées, dont {only} sans verdict ni score changé",
        "no_data_change": "aucune donnée modifiée",
        "data_changes": "Données modifiées", "data_unread": "champs non relus (au-delà de {limit} commandes)",

        "hidden": "{n} dans la sortie --json", "better": "meilleur", "worse": "moins bon",
        "other": "autre", "scores": "Scores", "provenance": "Provenance", "tool": "outil", "file": "fichier",
        "sha": "empreinte sha256", "rows": "lignes", "inputs_unchanged": "tous inchangés",
        "suppliers": "Référentiel fournisseurs", "waivers": "Fichier des dérogations",
        "program": "Programme", "unknown": "inconnu (une analyse ne donne pas les empreintes du programme)",
        "written_by": "Page écrite par", "code_sha": "code sha256", "data_sha": "données sha256",
        "part_version": "version", "part_code": "code", "part_data": "données de référence",
        "explain": "Un verdict « meilleur » monte l'échelle non conforme < données insuffisantes < dérogation < "
                   "conforme ; une nouvelle non-conformité est toujours « moins bonne » ; « autre » fait "
                   "intervenir « sans objet » ou une règle absente d'un référentiel. "
                   "Les commandes sont rapprochées par acheteur et identifiant.",
    },
    "en": {
        "title": "Comparison of two runs", "colon": ": ", "sep": "; ",
        "before": "before", "after": "after", "generated": "generated on",
        "rulebook": "Rulebook", "unchanged": "unchanged", "changed": "changed", "rules_added": "rules added",
        "rules_removed": "rules removed", "inputs": "Files", "same": "unchanged", "added": "added",
        "replaced": "replaced by", "removed": "removed",
        "orders": "Orders", "verdicts": "Verdicts",
        "copies": "Duplicate rows, counted once as in the summary (same buyer, id, amount and date as a row "
                  "read before) and left out of the figures",
        "verdicts_line": "{n} on {orders}: {better}, {worse}, {other}",
        "no_change": "no verdict changed", "mean_score": "Mean score", "chantier": "chantier",
        "changes": "Changes", "page": "Page", "absent": "—", "more": "and {n}",
        "id": "Id", "label": "Object", "where": "Source", "rule": "Rule", "score": "Score",
        "overall": "overall", "delta": "change", "status_counts": "Verdicts by rule",
        "added_orders": "New orders", "removed_orders_title": "Removed orders",
        "changed_orders": "Orders whose data, a verdict or the score changed", "none": "None.",
        "data": "Data", "data_line": "{n} whose data changed, {only} of them with no verdict or score change",
        "no_data_change": "no data changed",
        "data_changes": "Data changed", "data_unread": "fields not read again (past {limit} orders)",

        "hidden": "{n} in the --json output", "better": "better", "worse": "worse",
        "other": "other", "scores": "Scores", "provenance": "Provenance", "tool": "tool", "file": "file",
        "sha": "sha256 digest", "rows": "rows", "inputs_unchanged": "all unchanged",
        "suppliers": "Supplier directory", "waivers": "Waivers file",
        "program": "Program", "unknown": "unknown (a run does not give the program's digests)",
        "written_by": "Page written by", "code_sha": "code sha256", "data_sha": "data sha256",
        "part_version": "version", "part_code": "code", "part_data": "reference data",
        "explain": "A “better” verdict moves up the scale fail < insufficient data < waived < pass; “other” "
                   "involves “not applicable” or a rule missing from one rulebook; a new failure is always "
                   "“worse”. Orders are matched by buyer and id.",
    },
}
# (singular, plural) of what the lines above count, chosen by `_counted`: « 1 changement », « 0 autre »
COUNTED = {
    "fr": {"change": ("changement", "changements"), "order": ("commande", "commandes"),
           "better": ("meilleur", "meilleurs"), "worse": ("moins bon", "moins bons"), "other": ("autre", "autres"),
           "more": ("autre", "autres"), "hidden": ("commande de plus", "commandes de plus"),
           "hidden_groups": ("groupe de plus", "groupes de plus"), "added": ("nouvelle", "nouvelles"),
           "removed": ("retirée", "retirées"), "common": ("commune", "communes")},
    "en": {"change": ("change", "changes"), "order": ("order", "orders"), "better": ("better", "better"),
           "worse": ("worse", "worse"), "other": ("other", "other"), "more": ("more", "more"),
           "hidden": ("more order", "more orders"),
           "hidden_groups": ("more group", "more groups"), "added": ("new", "new"), "removed": ("removed", "removed"),
           "common": ("in both", "in both")},
}
# (one, more) of the heading of a list cut at a limit: « Changements (le premier) », « Données modifiées
# (les 2 premières) », "Changes (the first 2)"; `{n}` is how many are listed
FIRST = {
    "fr": {"changes": ("le premier", "les {n} premiers"), "data_changes": ("la première", "les {n} premières")},
    "en": {"changes": ("the first", "the first {n}"), "data_changes": ("the first", "the first {n}")},
}


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "fr"]


def counted_noun(n: int, what: str, lang: str) -> str:
    """`n` and its noun agreeing with it (French: 0 and 1 take the singular; English: only 1)."""
    return counted(n, *COUNTED["en" if lang == "en" else "fr"][what], lang)


def first_heading(n: int, what: str, lang: str) -> str:
    """The heading of the first `n` items of a list: « Changements (les 2 premiers) », "Changes (the first)"."""
    heading = words(lang)[what]
    return f"{heading} ({plural(n, *FIRST['en' if lang == 'en' else 'fr'][what], lang).format(n=n)})"
