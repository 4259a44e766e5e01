"""The words of results.xlsx, in French and English: sheet names, column headers, the read-me's text."""

from __future__ import annotations

SHEETS = {
    "results": {"fr": "Résultats", "en": "Results"},
    "readme": {"fr": "Lisez-moi", "en": "Read me"},
    "rejected": {"fr": "Lignes rejetées", "en": "Rejected rows"},
}

WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "our_id": "Identifiant (procurement)", "file": "Fichier source", "sheet": "Feuille source",
        "row": "Ligne source", "overall": "Score global", "chantier": "Score chantier {n}",
        "completeness": "Complétude des données (%)", "count": "Règles : {label}", "legal_failures": "Échecs légaux",
        "missing": "Données manquantes", "warnings": "Avertissements",
        "rule_status": "{id} : statut",
        "status": "Statut", "message": "Message", "evidence": "Preuves (conditions décisives)",
        "id": "Identifiant", "column": "Colonne", "field": "Champ", "value": "Valeur", "code": "Code",
        "reason": "Motif", "path": "Chemin JSON",
        # Read me
        "title": "procurement : résultats d'une évaluation",
        "intro": "Chaque ligne de la feuille « {results} » est une ligne de vos fichiers, avec vos colonnes "
                 "telles quelles, suivies des scores et statuts calculés par procurement. Les lignes qui n'ont "
                 "pas pu être évaluées sont dans « {rejected} », avec leur motif.",
        "run": "Exécution", "tool": "Outil", "generated": "Généré le", "rulebook": "Référentiel",
        "rulebook_sha": "Empreinte sha256 du référentiel", "rules_count": "Nombre de règles",
        "build": "Empreintes sha256 du programme", "build_value": "code {code} ; données de référence {data}",
        "options": "Options", "inputs": "Fichiers lus", "input_sha": "Empreinte sha256",
        "format": "Format", "header_row": "Ligne d'en-tête", "rows_read": "Lignes lues",
        "balance": "Bilan des lignes", "orders": "Lignes évaluées (feuille « {results} »)",
        "rejected_n": "Lignes rejetées (feuille « {rejected} »)", "merged": "Lignes fusionnées (doublons DECP)",
        "check": "Contrôle", "reconciles": "lignes lues = évaluées + rejetées + fusionnées",
        "ok": "équilibré", "ko": "NON ÉQUILIBRÉ",
        "truncated": "Seules les {n} premières commandes tiennent dans une feuille Excel ; toutes sont dans "
                     "results.json et results.csv.",
        "columns": "Colonnes de la feuille « {results} »",
        "col_original": "Colonne de votre fichier, recopiée telle quelle (reconnue comme : {field}).",
        "col_original_unknown": "Colonne de votre fichier, recopiée telle quelle (non utilisée par les règles).",
        # (one, many) of the user's columns left out of the results sheet
        "left_out": ("Et {n} autre colonne de vos fichiers, qui n'y est pas : une feuille Excel a au plus "
                     "16 384 colonnes. Les valeurs reconnues de chaque commande sont dans results.json.",
                     "Et {n} autres colonnes de vos fichiers, qui n'y sont pas : une feuille Excel a au plus "
                     "16 384 colonnes. Les valeurs reconnues de chaque commande sont dans results.json."),
        "col_field": "Donnée lue dans un fichier DECP ou OCDS : {help}",
        "col_our_id": "Identifiant de la commande retenu par procurement (celui de results.json).",
        "col_file": "Fichier d'où vient la ligne.",
        "col_sheet": "Feuille du classeur d'où vient la ligne.",
        "col_row": "Numéro de ligne dans le fichier tel qu'Excel l'affiche ; pour un fichier JSON (DECP, OCDS), "
                   "rang de l'enregistrement (son chemin JSON est dans results.csv et results.json) ; pour des "
                   "JSON Lines, la ligne du fichier.",
        "col_overall": "Score de 0 à 100 sur toutes les règles évaluables : 100 × poids des règles conformes / "
                       "poids des règles conformes ou non conformes. Vide : aucune règle n'a pu être évaluée.",
        "col_chantier": "Même score, restreint aux règles du chantier {n} : {name}.",
        "col_completeness": "Part des règles applicables qui ont pu être évaluées (les autres manquent de données).",
        "col_count": "Nombre de règles au statut « {label} » pour cette ligne.",
        "col_legal": "Règles légales non respectées (jamais compensées par un bon score).",
        "col_rule": "Statut de la règle {id} ({title}) ; détail dans la feuille « {id} ».",
        "col_missing": "Champs à renseigner pour que toutes les règles puissent être évaluées.",
        "col_warnings": "Problèmes relevés sur la ligne sans la rejeter (valeur douteuse, doublon...).",
        "sheets": "Feuilles", "sheet_results": "vos lignes avec scores et statuts",
        "sheet_readme": "cette notice", "sheet_rule": "{title} : lignes concernées par la règle, statut, message "
                                                     "et preuves ({na})",
        # (one, many) of the not-applicable rows a rule sheet leaves out: « 0 ligne sans objet non listée »
        "na_rows": ("ligne sans objet non listée", "lignes sans objet non listées"),
        # (one, many) later copies of an order left out of the rules' table, as the summary leaves them out
        "copies": ("Chaque commande est comptée une fois dans ce tableau, comme dans la synthèse et le rapport : "
                   "{n} ligne en double (mêmes acheteur, identifiant, montant et date qu'une ligne lue avant "
                   "elle) n'y est pas comptée. Elle reste évaluée et figure dans les autres feuilles, avec "
                   "l'avertissement « copie de la commande ».",
                   "Chaque commande est comptée une fois dans ce tableau, comme dans la synthèse et le rapport : "
                   "{n} lignes en double (mêmes acheteur, identifiant, montant et date qu'une ligne lue avant "
                   "elles) n'y sont pas comptées. Elles restent évaluées et figurent dans les autres feuilles, "
                   "avec l'avertissement « copie de la commande »."),
        "sheet_rejected": "lignes non évaluées, avec la colonne, la valeur et le motif",
        "rules": "Règles", "kind": "Nature", "severity": "Gravité", "chantiers": "Chantiers",
        "chantiers_title": "Chantiers du plan Relance et Renouveau",
        "statuses": "Statuts",
        "st_pass": "la ligne respecte la règle",
        "st_fail": "la ligne ne respecte pas la règle (le message et les preuves sont dans la feuille de la "
                   "règle ; que faire : procurement rules explain CODE, ou la page de la commande, --per-order)",
        "st_insufficient_data": "une donnée nécessaire manque : la règle n'a pas pu être évaluée",
        "st_not_applicable": "la règle ne concerne pas cette ligne",
        "st_waived": "écart accepté par une dérogation justifiée",
        "safety": "Sécurité",
        "safety_text": "Les cellules venant de vos fichiers qui commencent par =, +, -, @, une tabulation ou un "
                       "retour chariot sont écrites comme du texte, jamais comme des formules.",
    },
    "en": {
        "our_id": "Id (procurement)", "file": "Source file", "sheet": "Source sheet", "row": "Source row",
        "overall": "Overall score", "chantier": "Chantier {n} score", "completeness": "Data completeness (%)",
        "count": "Rules: {label}", "legal_failures": "Legal failures", "missing": "Missing data",
        "warnings": "Warnings", "rule_status": "{id}: status",
        "status": "Status", "message": "Message", "evidence": "Evidence (deciding conditions)",
        "id": "Id", "column": "Column", "field": "Field", "value": "Value", "code": "Code", "reason": "Reason",
        "path": "JSON path",
        "title": "procurement: results of a run",
        "intro": "Each row of the “{results}” sheet is a row of your files, with your columns as they were, "
                 "followed by the scores and statuses computed by procurement. Rows that could not be scored "
                 "are in “{rejected}”, with their reason.",
        "run": "Run", "tool": "Tool", "generated": "Generated on", "rulebook": "Rulebook",
        "rulebook_sha": "Rulebook sha256", "rules_count": "Number of rules", "options": "Options",
        "build": "Program sha256", "build_value": "code {code}; reference data {data}",
        "inputs": "Files read", "input_sha": "sha256", "format": "Format", "header_row": "Header row",
        "rows_read": "Rows read", "balance": "Row balance", "orders": "Rows scored (“{results}” sheet)",
        "rejected_n": "Rows rejected (“{rejected}” sheet)", "merged": "Rows merged (DECP duplicates)",
        "check": "Check", "reconciles": "rows read = scored + rejected + merged", "ok": "balanced",
        "ko": "NOT BALANCED",
        "truncated": "Only the first {n} orders fit in an Excel sheet; all are in results.json and results.csv.",
        "columns": "Columns of the “{results}” sheet",
        "col_original": "Column of your file, copied as it was (recognised as: {field}).",
        "col_original_unknown": "Column of your file, copied as it was (not used by the rules).",
        "left_out": ("And {n} more column of your files, which is not there: an Excel sheet has at most 16,384 "
                     "columns. The values recognised in each order are in results.json.",
                     "And {n} more columns of your files, which are not there: an Excel sheet has at most 16,384 "
                     "columns. The values recognised in each order are in results.json."),
        "col_field": "Value read from a DECP or OCDS file: {help}",
        "col_our_id": "The order id procurement kept (the one in results.json).",
        "col_file": "File the row came from.",
        "col_sheet": "Workbook sheet the row came from.",
        "col_row": "Row number in the file as Excel shows it; for a JSON file (DECP, OCDS), rank of the record "
                   "(its JSON path is in results.csv and results.json); for JSON Lines, the file's line.",
        "col_overall": "Score from 0 to 100 over every rule that could be evaluated: 100 × weight of rules passed / "
                       "weight of rules passed or failed. Empty: no rule could be evaluated.",
        "col_chantier": "The same score, over the rules of chantier {n} only: {name}.",
        "col_completeness": "Share of the applicable rules that could be evaluated (the others lack data).",
        "col_count": "Number of rules with status “{label}” on this row.",
        "col_legal": "Legal rules failed (never offset by a good score).",
        "col_rule": "Status of rule {id} ({title}); details in sheet “{id}”.",
        "col_missing": "Fields to fill in so that every rule can be evaluated.",
        "col_warnings": "Problems found on the row without rejecting it (doubtful value, duplicate...).",
        "sheets": "Sheets", "sheet_results": "your rows with scores and statuses", "sheet_readme": "this notice",
        "sheet_rule": "{title}: rows the rule applies to, status, message and evidence ({na})",
        "na_rows": ("not-applicable row not listed", "not-applicable rows not listed"),
        "copies": ("Each order is counted once in this table, as in the summary and the report: {n} duplicate "
                   "row (same buyer, id, amount and date as a row read before it) is not counted. It is still "
                   "scored and listed in the other sheets, with the warning “copy of the order”.",
                   "Each order is counted once in this table, as in the summary and the report: {n} duplicate "
                   "rows (same buyer, id, amount and date as a row read before them) are not counted. They are "
                   "still scored and listed in the other sheets, with the warning “copy of the order”."),
        "sheet_rejected": "rows not scored, with the column, the value and the reason",
        "rules": "Rules", "kind": "Kind", "severity": "Severity", "chantiers": "Chantiers",
        "chantiers_title": "Chantiers of the Relance et Renouveau plan",
        "statuses": "Statuses",
        "st_pass": "the row meets the rule",
        "st_fail": "the row does not meet the rule (the message and the evidence are in the rule's sheet; what "
                   "to do: procurement rules explain CODE, or the order's page, --per-order)",
        "st_insufficient_data": "a value the rule needs is missing: the rule could not be evaluated",
        "st_not_applicable": "the rule does not concern this row",
        "st_waived": "deviation accepted under a justified waiver",
        "safety": "Safety",
        "safety_text": "Cells from your files that start with =, +, -, @, a tab or a carriage return are written as "
                       "text, never as formulas.",
    },
}


def words(lang: str) -> dict[str, str]:
    return WORDS["en" if lang == "en" else "fr"]
