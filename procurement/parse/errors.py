"""The one exception a cell parser may raise, and the bilingual messages that go with it.

A parser meets millions of cells written by people and by a dozen export tools; anything it cannot read
becomes a `ParseError` with a stable `code` (for programs, tests and counts) and a French sentence a
buyer can act on, quoting the cell as it was typed. The messages live here, as templates, so the wording
of a code is the same wherever it is raised.
"""

from __future__ import annotations

from typing import Any

_MAX_SHOWN = 80

# The characters a buyer cannot see in a quoted value are shown escaped: a SIRET "\t32359288100060"
# would otherwise look valid in the message that rejects it.
_VISIBLE = {i: f"\\x{i:02x}" for i in range(32)} | {9: "\\t", 10: "\\n", 13: "\\r", 127: "\\x7f"}
_VISIBLE |= dict.fromkeys(range(0xD800, 0xE000), "\ufffd")  # lone surrogates cannot be written as UTF-8


def show(value: object) -> str:
    """The value as a buyer would recognise it in a message: short, control characters visible."""
    if isinstance(value, str):
        text = value
    else:
        try:
            text = str(value)
        except Exception:  # a huge int (str() limit) or a hostile __str__: still say something
            text = f"<{type(value).__name__}>"
    text = text.translate(_VISIBLE)
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 1] + "…"
    return text


# code -> (French template, English template). Placeholders: {value} plus the code's own context.
MESSAGES: dict[str, tuple[str, str]] = {
    # Each a clause that follows « colonne H (Montant HT) : » or precedes « (valeur ignorée) »: lower-case, no
    # full stop, its parts joined by « ; » as the other messages of a row.
    "not_a_number": (
        "« {value} » n'est pas un nombre lisible (exemple attendu : 1 234,56)",
        "“{value}” is not a readable number (expected for example 1,234.56 or 1234.56)",
    ),
    "ambiguous_thousands": (
        "« {value} » se lit de deux façons, {thousands_fr} ou {decimal_fr} : écrivez le montant sans "
        "ambiguïté, par exemple « {plain} » ou « {thousands_fr},00 » (ou « {dotted},00 »)",
        "“{value}” can be read two ways, {thousands_en} or {decimal_en}: write the amount unambiguously, "
        "for example “{plain}” or “{thousands_en}.00”",
    ),
    "ambiguous_quantity": (
        "« {value} » se lit de deux façons, {thousands_fr} ou {decimal_fr} : écrivez « {plain} » ou "
        "« {decimal_fr} »",
        "“{value}” can be read two ways, {thousands_en} or {decimal_en}: write “{plain}” or “{decimal_en}”",
    ),
    "not_finite": (
        "« {value} » n'est pas un nombre fini",
        "“{value}” is not a finite number",
    ),
    "negative_amount": (
        "le montant « {value} » est négatif : un montant doit être positif ou nul",
        "the amount “{value}” is negative: an amount must be zero or more",
    ),
    "not_integer": (
        "« {value} » n'est pas un nombre entier (exemple attendu : 36)",
        "“{value}” is not a whole number (expected for example 36)",
    ),
    "percent_range": (
        "« {value} » n'est pas un pourcentage entre 0 et 100 (écrire par exemple « 25 % » ; "
        "pour un pour cent, écrire « 1 % »)",
        "“{value}” is not a percentage between 0 and 100 (write for example “25%”; "
        "for one percent, write “1%”)",
    ),
    "bad_date": (
        "« {value} » n'est pas une date valide (exemple attendu : 31/12/2025)",
        "“{value}” is not a valid date (expected for example 2025-12-31 or 31/12/2025)",
    ),
    "impossible_date": (
        "la date « {value} » n'existe pas : le mois n'a pas de jour {day_only}",
        "the date “{value}” does not exist: the month has no day {day_only}",
    ),
    "implausible_date": (
        "la date « {value} » est invraisemblable : l'année {year} n'est pas comprise entre 1990 et 2100",
        "the date “{value}” is implausible: the year {year} is not between 1990 and 2100",
    ),
    "not_a_bool": (
        "« {value} » n'est pas une réponse oui/non (valeurs acceptées : oui, non, vrai, faux, 1, 0, x)",
        "“{value}” is not a yes/no answer (accepted: yes, no, true, false, 1, 0, x, oui, non)",
    ),
    "not_text": (
        "« {value} » n'est pas un texte",
        "“{value}” is not text",
    ),
    "not_a_code": (
        "« {value} » n'est pas un code ou un identifiant lisible",
        "“{value}” is not a readable code or identifier",
    ),
    "code_is_date": (
        "la cellule contient une date ({value}) au lieu d'un code : mettez la colonne au format Texte "
        "et ressaisissez la valeur",
        "the cell holds a date ({value}) instead of a code: format the column as Text and re-enter the value",
    ),
    "siret_length": (
        "« {value} » n'est pas un SIRET : il faut 14 chiffres, il y en a {count}{hint_fr}",
        "“{value}” is not a SIRET: 14 digits are needed, it has {count}{hint_en}",
    ),
    "siret_format": (
        "« {value} » n'est pas un SIRET : 14 chiffres sont attendus, sans lettres{hint_fr}",
        "“{value}” is not a SIRET: 14 digits are expected, without letters{hint_en}",
    ),
    "cpv_format": (
        "« {value} » n'est pas un code CPV (8 chiffres, chiffre de contrôle facultatif, "
        "par exemple 45112500-9)",
        "“{value}” is not a CPV code (8 digits, optional check digit, for example 45112500-9)",
    ),
    "cpv_short": (
        "« {value} » n'a que 7 chiffres, un code CPV en a 8 ; ce n'est pas un zéro initial effacé par le "
        "tableur (seules les divisions 03 et 09 commencent par 0) : un chiffre manque, corrigez le code",
        "“{value}” has only 7 digits, a CPV code has 8; it is not a leading zero dropped by a spreadsheet "
        "(only divisions 03 and 09 start with 0): a digit is missing, please correct the code",
    ),
    "naf_format": (
        "« {value} » n'est pas un code NAF (4 chiffres et une lettre, par exemple 56.10A)",
        "“{value}” is not a NAF code (4 digits and a letter, for example 56.10A)",
    ),
    "unknown_country": (
        "« {value} » n'est pas un pays reconnu (exemples acceptés : FR, France, IT, Italie, 99127)",
        "“{value}” is not a recognised country (accepted for example: FR, France, IT, Italy, 99127)",
    ),
    "unknown_choice": (
        "« {value} » n'est pas une valeur reconnue pour « {field_fr} » ; valeurs acceptées : {choices_fr}",
        "“{value}” is not a recognised value for “{field_en}”; accepted values: {choices_en}",
    ),
    "modification_as_nature": (
        "« {value} » n'est pas une nature de contrat : un avenant modifie un marché ; donnez la nature du marché "
        "modifié (Marché, Accord-cadre…) et son montant avant avenant dans la colonne « Montant initial HT »",
        "“{value}” is not a kind of contract: a modification changes a contract; give the nature of the contract "
        "modified (Contract, Framework agreement…) and its amount before the modification in the initial amount "
        "column (“Montant initial HT”)",
    ),
    "unsupported_place_type": (
        "le type de lieu « {value} » n'est pas pris en charge : un canton ne permet pas de situer "
        "l'exécution ; indiquez un code commune, un code postal ou un code département",
        "the place type “{value}” is not supported: a canton does not locate the performance; "
        "give a commune code, a postcode or a département code instead",
    ),
}


class ParseError(ValueError):
    """A cell value that cannot be read. `str()` gives the English message, for logs."""

    code: str
    message_fr: str
    message_en: str
    value: object

    def __init__(self, code: str, message_fr: str, message_en: str, value: object = None):
        super().__init__(message_en)
        self.code = code
        self.message_fr = message_fr
        self.message_en = message_en
        self.value = value

    def message(self, lang: str = "fr") -> str:
        return self.message_en if lang == "en" else self.message_fr

    def __reduce__(self):  # keep errors picklable across worker processes
        return (type(self), (self.code, self.message_fr, self.message_en, self.value))

    def __repr__(self) -> str:
        return f"ParseError({self.code!r}, {self.message_en!r})"


class _Context(dict):
    """Template context where a missing key reads "?" instead of raising KeyError."""

    def __missing__(self, key: str) -> str:
        return "" if key.startswith("hint_") else "?"


def fail(code: str, value: object, **context: Any) -> ParseError:
    """Build (not raise) the error for `code`, quoting `value`; callers write `raise fail(...)`."""
    fr, en = MESSAGES[code]
    ctx = _Context(context, value=show(value))
    return ParseError(code, fr.format_map(ctx), en.format_map(ctx), value)
