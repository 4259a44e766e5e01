"""What a run says of how it read its inputs beyond their rows: a workbook's sheets passed over or left unread,
a --sheet that a CSV cannot honour, text encoded twice and repaired, a second column recognised as a field
already read.

One text for the terminal and for report.html and summary.html: the sheets left unread were said only on
the terminal (and in results.json), so a report read later gave no hint that two thirds of a workbook were
never scored (auditor review).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from procurement.i18n import plural
from procurement.read.csv_reader import REPAIRED_NOTE


def _quoted(text: str, lang: str) -> str:
    return f"“{text}”" if lang == "en" else f"« {text} »"


def _noted(info: Any, prefix: str) -> list[str]:
    """The values of the input's notes « prefix:value »."""
    return [n[len(prefix):] for n in info.notes if n.startswith(prefix)]


def input_lines(inputs: Iterable[Any], lang: str) -> list[str]:
    """One line a fact, each starting with its file's name; words agree with the number of sheets or
    columns named (« autre feuille non lue : T2 », "other sheets not read: T2, T3")."""
    out = []
    en = lang == "en"
    for info in inputs:
        name = Path(info.path).name
        if skipped := info.sheets_skipped:
            n, names = len(skipped), ", ".join(skipped)
            out.append(f"{name}: {plural(n, 'sheet', 'sheets', lang)} without a header row skipped: {names}; "
                       f"read: {info.sheet}" if en else
                       f"{name} : {plural(n, 'feuille', 'feuilles', lang)} sans ligne d'en-tête "
                       f"{plural(n, 'passée', 'passées', lang)} : {names} ; lu : {info.sheet}")
        if ignored := _noted(info, "sheet_ignored:"):
            out.append(f"{name}: --sheet {ignored[0]} ignored, a {info.format} file has no sheets" if en
                       else f"{name} : --sheet {ignored[0]} sans effet, un fichier {info.format} n'a pas de feuilles")
        if other := info.sheets_other:
            n, names = len(other), ", ".join(other)
            out.append(f"{name}: {plural(n, 'other sheet', 'other sheets', lang)} not read: {names} "
                       f"(--sheet, repeatable, to read them)" if en else
                       f"{name} : {plural(n, 'autre feuille non lue', 'autres feuilles non lues', lang)} : {names} "
                       f"(--sheet, répétable, pour les lire)")
        if repaired := _noted(info, REPAIRED_NOTE):
            n = int(repaired[0])
            out.append(f"{name}: text encoded twice in UTF-8 (“Ã©” for “é”) repaired on {n} "
                       f"{plural(n, 'line', 'lines', lang)}; re-export the file as UTF-8 once" if en else
                       f"{name} : texte encodé deux fois en UTF-8 (« Ã© » pour « é ») réparé sur {n} "
                       f"{plural(n, 'ligne', 'lignes', lang)} ; réexportez le fichier en UTF-8 une seule fois")
        if doubles := info.duplicate_columns:
            n = len(doubles)
            named = ", ".join(f"{_quoted(dup, lang)} ({'same field as' if en else 'même champ que'} "
                              f"{_quoted(first, lang)})" for dup, first in doubles)
            out.append(f"{name}: {plural(n, 'column', 'columns', lang)} recognised as a field already read, used "
                       f"only on the rows where the first column is empty: {named}" if en else
                       f"{name} : {plural(n, 'colonne reconnue', 'colonnes reconnues', lang)} comme un champ déjà "
                       f"lu, {plural(n, 'utilisée', 'utilisées', lang)} seulement sur les lignes où la première "
                       f"colonne est vide : {named}")
    return out
