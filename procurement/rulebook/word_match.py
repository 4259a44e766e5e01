"""How a word list matches a text (`matches_words`): whole words, without case or accents, `<n>` a number.

Why apart from the operators: the order pages name the words a text holds (`words_found`), found exactly as
the operator finds them, where an evidence row listed RISK-01's 142 words and left the reader to find the
one that matched. One preparation of a word and one pattern serve both.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a text: 'Métropole' and 'METROPOLE' compare equal."""
    if text.isascii():
        return text.casefold()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# `<n>` in a word list stands for a number (« à moins de <n> km » for any distance: « 45 », « 4,5 », « 30 000 »
# with any space between thousands): a word that folding keeps, put in its place and made a pattern after
# escaping.
# Not `#`, which starts a YAML comment after a space: « - moins de # km » was read « moins de ».
_NUMBER = "qqnumberqq"
_NUMBER_RX = r"\d+(?:[\s\u00a0\u202f.]\d{3})*(?:[,.]\d+)?"


def word_form(word: str) -> str:
    """A word as the pattern holds it: folded, its spaces single, `<n>` replaced by its marker."""
    return " ".join(fold(word.strip().replace("<n>", _NUMBER)).split())


def words_pattern(forms: Iterable[str]) -> re.Pattern[str]:
    """One pattern for words already in `word_form`: any of them, whole."""
    return re.compile(r"\b(?:" + "|".join(re.escape(w).replace(_NUMBER, _NUMBER_RX) for w in forms) + r")\b")


@functools.lru_cache(maxsize=4096)
def _one(word: str) -> re.Pattern[str]:
    return words_pattern((word_form(word),))


def words_found(words: Iterable[str], text: str) -> list[str]:
    """The words of a `matches_words` list that `text` holds, as written in the list."""
    folded = fold(text)
    return [w for w in words if isinstance(w, str) and _one(w).search(folded)]
