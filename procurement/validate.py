"""Raw records to orders: every value parsed once, every failure explained.

Policy, so that a user can predict what happens to a row:
- a value that cannot be read in a field that rules rely on (id, amount, dates, numbers, shares,
  enumerations, CPV) rejects the row, with the column, the value and the reason (and the other
  unreadable cells of the row, so that one run lists them all); but a canton as place type (allowed by
  DECP), an unreadable date of publication of the essential data or of start of execution, a date
  whose year is impossible (0218, 5021: typing slips of real DECP data) or whose day its month does not
  have (31/02, 31/09: `impossible_date`) and a 7-digit CPV code that did not merely lose its leading
  zero are set aside with a warning: the rules then see the value as missing, and the rest of the
  contract still counts;
- an identifier that is merely suspicious (SIRET checksum, unknown CPV code, NAF, country) keeps the
  row and adds a warning, because real DECP data carries thousands of them and the rest of the row is
  sound; a SIRET that is not 14 digits is set aside (unknown) with a warning; an order id typed as a
  marker of "not given" (« NC » in DECP) is kept as typed, with a `placeholder_id` warning: the row is a
  contract whose number is missing, not an unreadable one (only an empty id cell rejects the row);
- placeholder amounts seen in real DECP data (0, 99 999 999, 999 999 999, above 10 billion) become
  unknown with a warning: a rule must not compare a threshold with a placeholder. So does an amount
  typed as a marker of "not given" ("NC", "MQ", "CDL", "NaN", "-": parse.blank), the warning quoting it;
  an empty cell stays unknown silently. An amount above one billion euros is kept with a warning, and
  so is a date of publication of the essential data before the notification: the DECP notes recommend
  flagging both. So are a date before 2015 and a share that
  could be read two ways (a bare 1: 100 % or 1 %?).
- a date in the future is not flagged: "future" needs the run's day, and results must not change with
  the day the same file is checked (README: only the timestamp does). What a row says against itself is
  flagged instead: a launch after the notification, essential data published before the notification.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from procurement import parse
from procurement.fields import FIELDS_BY_NAME, Kind
from procurement.i18n import counted, fmt_date
from procurement.model import Order, Rejection, Warning_, in_column
from procurement.parse.codes import cpv_written_seven
from procurement.parse.errors import show
from procurement.parse.numeric import UNITS, in_unit, is_placeholder_amount, percent_is_ambiguous
from procurement.read.base import RawRecord
from procurement.read.decp_common import FractionCell
from procurement.reference import cpv_check_digit, cpv_label
from procurement.rulebook.render import format_number, format_percent

# Above a billion euros an amount is kept but flagged: the national DECP holds 2,197 of them in 3.28 M
# rows, few of them believable for one contract (the data notes recommend flagging values above 1e9).
IMPLAUSIBLE_AMOUNT = 1_000_000_000.0
LENIENT = {Kind.SIRET, Kind.NAF}
# A CSV row with fewer or more fields than its header (read.tabular._field_count): its rejection says that
# first, the cause of the shifted values it names after.
ROW_SHAPE_WARNINGS = frozenset({"row_fields_short", "row_fields_long"})
# Failures that set the value aside with a warning instead of rejecting the row: a canton is a place type
# DECP allows (« Code canton ») that locates nothing we can use; the rest of the row (amount, supplier,
# dates) still counts. A negative amount still rejects its row: in a finance export it is a credit note
# entered as an order, not a purchase.
LENIENT_CODES = {"unsupported_place_type", "implausible_date", "impossible_date", "cpv_short"}
# Fields whose unreadable value is set aside with a warning, the row kept: the date the essential data were
# published only serves DECP-01 and DECP-02, the start of execution DECP-02 only, and a typo there (5021-02-18
# in real DECP) cost the whole contract.
# An impossible year ("implausible_date"), a day the month lacks ("impossible_date": 31/02) and a CPV
# code short of a digit ("cpv_short", in LENIENT_CODES
# above) likewise: such a slip in a notification or launch date, or in the CPV, cost the whole contract,
# although the rules that need the value can only say it is missing, as for a blank cell.
LENIENT_FIELDS = {"supplier_country", "publication_date", "execution_start_date"}
# Before 2015 a date is kept but flagged (notes §8.6.4: "flag years below 2015"): DECP only exist since
# 2018-10, and a finance export dated earlier is far more likely a typing slip than a purchase to check.
EARLIEST_PLAUSIBLE_DATE = dt.date(2015, 1, 1)
MORE_ERRORS = 5  # other unreadable cells of a rejected row named in its message


def _parser_for(name: str, kind: Kind) -> Callable[[object], object]:
    if name in UNITS:  # « 35 km » in « Distance de livraison (km) »: the unit its header names, tried away
        return in_unit(name, _parser_for("", kind))
    if name == "supplier_country":
        return parse.parse_country
    if kind is Kind.ENUM:
        return lambda v: parse.parse_choice(name, v)
    if kind is Kind.ENUM_SET:
        return lambda v: parse.parse_choice_set(name, v)
    return {
        Kind.TEXT: parse.parse_text,
        Kind.CODE: parse.parse_code,
        Kind.SIRET: parse.parse_siret,
        Kind.CPV: parse.parse_cpv,
        Kind.NAF: parse.parse_naf,
        Kind.MONEY: parse.parse_money,
        Kind.NUMBER: parse.parse_number,
        Kind.INTEGER: parse.parse_integer,
        Kind.PERCENT: parse.parse_percent,
        Kind.DATE: parse.parse_date,
        Kind.BOOL: parse.parse_bool,
    }[kind]


PARSERS: dict[str, tuple[Kind, Callable[[object], object]]] = {
    f.name: (f.kind, _parser_for(f.name, f.kind)) for f in FIELDS_BY_NAME.values() if not f.derived
}


def _warn(code: str, field: str, column: str, value: object, fr: str, en: str) -> Warning_:
    return Warning_(code=code, field=field, column=column, value=_show(value), message_fr=fr, message_en=en)


def _show(value: object) -> str:
    text = str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _marker(value: object) -> str | None:
    """The text of a cell a parser read as unknown although something was typed in it ("NC", "MQ", "CDL",
    "NaN", "-": parse.blank), whitespace collapsed; None for an empty cell or a NaN number (a pandas or
    JSON blank), which says nothing more than an empty cell."""
    if not isinstance(value, str) or not parse.is_blank(value):
        return None
    return " ".join(value.split()) or None


def _reject(record: RawRecord, code: str, field: str | None, column: str | None, value: object,
            fr: str, en: str) -> Rejection:
    json = record.source.path is not None  # a DECP or OCDS JSON record: a field's path, not a column
    where_fr = in_column(column, "fr", json) if column else ""
    where_en = in_column(column, "en", json) if column else ""
    shape = next((w for w in record.warnings if w.code in ROW_SHAPE_WARNINGS), None)
    before_fr, before_en = (f"{shape.message_fr} — ", f"{shape.message_en} — ") if shape else ("", "")
    return Rejection(
        source=record.source, code=code, field=field, column=column,
        value=None if value is None else _show(value),
        message_fr=before_fr + where_fr + fr, message_en=before_en + where_en + en,
    )


def validate(record: RawRecord, cpv_known: Callable[[str], bool] | None = None) -> Order | Rejection:
    values: dict[str, object] = {}
    warnings = list(record.warnings)
    errors: list[tuple[parse.ParseError, str, Any]] = []  # every unreadable cell, so one run lists them all
    for name, cell in record.cells.items():
        kind, parser = PARSERS[name]
        try:
            value = parser(cell.value)
        except parse.ParseError as err:
            if kind in LENIENT or name in LENIENT_FIELDS or err.code in LENIENT_CODES:
                fr, en = err.message_fr, err.message_en
                if err.code == "cpv_short" and cpv_known is not None:
                    fr, en = _cpv_hint(cpv_written_seven(cell.value) or "", fr, en, cpv_known)
                warnings.append(_warn(err.code, name, cell.column, cell.value,
                                      fr + " (valeur ignorée)", en + " (value ignored)"))
            else:
                errors.append((err, name, cell))
            continue
        if errors:  # the row is rejected: its other values only need reading
            continue
        if value is None:
            if kind is Kind.MONEY and (marker := _marker(cell.value)):  # "NC", "MQ": said unknown, as 0 is
                warnings.append(_warn("placeholder_amount", name, cell.column, cell.value,
                                      f"montant non communiqué (« {marker} ») : considéré comme inconnu",
                                      f"amount not given (“{marker}”): treated as unknown"))
            continue
        if kind is Kind.SIRET:
            value, checksum_ok = value
            if not checksum_ok:
                warnings.append(_warn("siret_checksum", name, cell.column, cell.value,
                                      f"le SIRET {value} ne respecte pas la clé de contrôle (Luhn) : à vérifier",
                                      f"SIRET {value} fails its check digit (Luhn): please check"))
        elif kind is Kind.CPV:
            value, check = value
            if cpv_known is not None and not cpv_known(value):
                fr = f"le code CPV {value} n'existe pas dans la nomenclature CPV 2008"
                en = f"CPV code {value} is not in the CPV 2008 nomenclature"
                if seven := cpv_written_seven(cell.value):  # say where the 0 came from, and what may be meant
                    fr += (f" (écrit {seven}, 7 chiffres : lu avec le zéro initial qu'un tableur efface, "
                           f"mais ce code n'existe pas non plus)")
                    en += (f" (written {seven}, 7 digits: read with the leading zero a spreadsheet drops, "
                           f"but that code does not exist either)")
                    fr, en = _cpv_hint(seven, fr, en, cpv_known)
                warnings.append(_warn("cpv_unknown", name, cell.column, cell.value, fr, en))
            elif check is not None and cpv_known is not None:  # a wrong check digit: maybe a mistyped code
                expected = cpv_check_digit(value)
                if expected is not None and expected != check:
                    warnings.append(_warn("cpv_check_digit", name, cell.column, cell.value,
                                          f"chiffre de contrôle -{check} du code CPV {value} : la nomenclature "
                                          f"donne -{expected} ; vérifiez le code",
                                          f"check digit -{check} of CPV code {value}: the nomenclature gives "
                                          f"-{expected}; please check the code"))
        elif kind is Kind.MONEY and is_placeholder_amount(value):
            warnings.append(_warn("placeholder_amount", name, cell.column, cell.value,
                                  "montant de remplissage ou aberrant : considéré comme inconnu",
                                  "placeholder or absurd amount: treated as unknown"))
            continue
        elif kind is Kind.MONEY and value > IMPLAUSIBLE_AMOUNT:
            warnings.append(_warn("implausible_amount", name, cell.column, cell.value,
                                  "montant supérieur à un milliard d'euros HT : à vérifier (erreur de saisie, "
                                  "de devise ou d'unité ?) ; il est utilisé tel quel",
                                  "amount above one billion euros excl. VAT: please check (a typing, currency "
                                  "or unit error?); it is used as it is"))
        elif kind is Kind.DATE and value < EARLIEST_PLAUSIBLE_DATE:
            warnings.append(_warn("early_date", name, cell.column, cell.value,
                                  f"date antérieure à 2015 ({value:%d/%m/%Y}) : à vérifier (erreur de saisie "
                                  f"de l'année ?) ; elle est utilisée telle quelle",
                                  f"date before 2015 ({value.isoformat()}): please check (a slip in the year?); "
                                  f"it is used as it is"))
        # A number is ambiguous only as 1 (read 100): only a text is read again, not every share of every row.
        elif (kind is Kind.PERCENT and 0 < value <= 100 and (value == 100 or isinstance(cell.value, str))
              and not isinstance(cell, FractionCell) and percent_is_ambiguous(cell.value)):
            warnings.append(_ambiguous_percent(name, cell.column, cell.value, value))
        elif kind is Kind.TEXT and isinstance(value, str) and parse.has_mojibake(value):
            warnings.append(_warn("mojibake", name, cell.column, value,
                                  "texte abîmé par un problème d'encodage en amont (caractères illisibles)",
                                  "text damaged by an upstream encoding problem (unreadable characters)"))
        values[name] = value
    if errors:
        return _reject_all(record, errors)
    _consistency(values, warnings, record.cells)
    if "id" not in values:
        cell = record.cells.get("id")
        marker = _marker(cell.value) if cell else None
        if marker is None:
            formula = next((w for w in warnings if w.code == "formula_without_value" and w.field == "id"), None)
            if formula is not None:  # the id is there, uncomputed: recalculating the workbook is the fix
                return _reject(record, "missing_id", "id", formula.column, formula.value,
                               "identifiant manquant : " + formula.message_fr,
                               "missing identifier: " + formula.message_en)
            return _reject(record, "missing_id", "id", cell.column if cell else None, None,
                           "identifiant manquant : chaque ligne doit avoir un identifiant",
                           "missing identifier: every row needs one")
        values["id"] = marker
        warnings.append(_placeholder_id(cell.column, cell.value, marker))
    try:
        if record.uncarried is not None:  # a DECP or OCDS record; a spreadsheet's order gets none
            values["uncarried"] = record.uncarried
        return Order.model_validate({**values, "source": record.source, "warnings": tuple(warnings)})
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else None
        cell = record.cells.get(field) if field else None
        return _reject(record, "invalid_value", field, cell.column if cell else None,
                       cell.value if cell else None, *_refused(err))


def _refused(err: Any) -> tuple[str, str]:
    """A model's bound in words (« -5 » km of delivery read « valeur refusée (Input should be greater than or
    equal to 0) », a 300-character id « valeur refusée (String should have at most 200 characters) », in a
    French report), a pattern by itself; pydantic's own English for any other refusal, said to be English."""
    bound = err.get("ctx") or {}
    for kind, key, fr, en in (("greater_than_equal", "ge", "inférieure au minimum", "below the minimum"),
                              ("less_than_equal", "le", "supérieure au maximum", "above the maximum")):
        if err["type"] == kind and isinstance(bound.get(key), int | float):
            n = bound[key]
            return (f"valeur refusée, {fr} de {format_number(n, 'fr')}",
                    f"value refused, {en} of {format_number(n, 'en')}")
    for key, kinds, fr, en in (("max_length", ("string_too_long", "too_long"), "plus de", "more than"),
                               ("min_length", ("string_too_short", "too_short"), "moins de", "fewer than")):
        if isinstance(n := bound.get(key), int) and err["type"] in kinds:
            if key == "min_length" and n <= 1:
                return "valeur refusée : vide", "value refused: empty"
            text = err["type"].startswith("string")
            unit_fr, unit_en = ("caractères", "characters") if text else ("éléments", "items")
            return (f"valeur refusée : {fr} {format_number(n, 'fr')} {unit_fr}",
                    f"value refused: {en} {format_number(n, 'en')} {unit_en}")
    if err["type"] == "string_pattern_mismatch":  # its regular expression says nothing to a reader
        return "valeur refusée : format inattendu", "value refused: unexpected format"
    return f"valeur refusée (motif en anglais : {err['msg']})", f"value refused ({err['msg']})"


def _placeholder_id(column: str, raw: object, marker: str) -> Warning_:
    """An id typed as "not given" (« NC » in DECP): the row is a contract whose number is missing, so it is
    kept, scored and counted under the marker, and the warning says what that costs."""
    return _warn("placeholder_id", "id", column, raw,
                 f"identifiant « {marker} » : marqueur de valeur non communiquée, pas un numéro de commande ; "
                 f"la ligne est évaluée et comptée sous « {marker} », mais elle ne se distingue pas des autres "
                 f"lignes « {marker} » de l'acheteur (une ligne de même montant et de même date est tenue "
                 f"pour une copie) et ne se suit pas sûrement d'une analyse à l'autre : donnez-lui son numéro",
                 f"identifier “{marker}”: a placeholder for a value not given, not an order number; the row is "
                 f"scored and counted as “{marker}”, but it cannot be told from the buyer's other “{marker}” "
                 f"rows (one with the same amount and date is taken for a copy) nor surely followed from one "
                 f"run to the next: give it its number")


def _ambiguous_percent(name: str, column: str, raw: object, value: float) -> Warning_:
    """A share read as a fraction that may have meant a percentage: say both readings and how to write the
    other. A number cell of 1 is also what an Excel percent cell showing 100 % holds, so that is said too."""
    typed = isinstance(raw, str)
    written = show(raw).strip() if typed else "1"
    fr_num, en_num = f"{value:g}".replace(".", ","), f"{value:g}"
    cell_fr = "" if typed else " (c'est aussi ce que contient une cellule Excel au format pourcentage affichant 100 %)"
    cell_en = "" if typed else " (which is also what an Excel percent cell showing 100% holds)"
    return _warn("ambiguous_percent", name, column, raw,
                 f"« {written} » sans signe % est lu comme une fraction, soit {fr_num} %{cell_fr} ; si vous "
                 f"vouliez dire {written} %, écrivez « {written} % »",
                 f"“{written}” without a % sign is read as a fraction, that is {en_num}%{cell_en}; if you "
                 f"meant {written}%, write “{written}%”")


def _cpv_hint(seven: str, fr: str, en: str, cpv_known: Callable[[str], bool]) -> tuple[str, str]:
    """The messages with the code a lost last digit would give, when the nomenclature has it: most CPV
    codes end in 0, so "4511250" is likely 45112500. Only offered, never used: another digit may be missing."""
    guess = seven + "0"
    if len(seven) != 7 or not seven.isdigit() or not cpv_known(guess):
        return fr, en
    label = cpv_label(guess)  # the nomenclature's labels are French: English says so
    named_fr, named_en = (f"{guess} ({label})", f"{guess} ({label}, in French)") if label else (guess, guess)
    return f"{fr.rstrip('.')} ; peut-être {named_fr} ?", f"{en.rstrip('.')}; perhaps {named_en}?"


def _reject_all(record: RawRecord, errors: list[tuple[parse.ParseError, str, Any]]) -> Rejection:
    """The row's rejection for its first unreadable cell, the others named after it: a buyer fixing a
    workbook once had to run the check again for each bad cell of a row."""
    err, name, cell = errors[0]
    fr, en = err.message_fr, err.message_en
    others = errors[1:1 + MORE_ERRORS]
    json = record.source.path is not None
    if others:
        fr += " — à corriger aussi : " + " ; ".join(f"{in_column(c.column, 'fr', json)}{e.message_fr}"
                                                      for e, _, c in others)
        en += " — also to fix: " + "; ".join(f"{in_column(c.column, 'en', json)}{e.message_en}" for e, _, c in others)
        if len(errors) > 1 + MORE_ERRORS:
            rest = len(errors) - 1 - MORE_ERRORS
            fr += f" ; et {counted(rest, 'autre', 'autres', 'fr')}"
            en += f"; and {rest} more"
    return _reject(record, err.code, name, cell.column, cell.value, fr, en)


def _consistency(values: dict[str, object], warnings: list[Warning_], cells: dict[str, Any] | None = None) -> None:
    """Cross-field checks that keep the row but tell the user something is off. `cells` (the row's cells)
    lets a warning name the column of the value it is about."""
    fr, eu = values.get("origin_france"), values.get("origin_eu")
    if isinstance(fr, float) and isinstance(eu, float) and eu < fr:
        warnings.append(_warn("origin_inconsistent", "origin_eu", "", f"{eu} < {fr}",
                              "la part d'origine UE est inférieure à la part d'origine France (elle l'inclut)",
                              "the EU origin share is below the French share (it includes it)"))
    organic, egalim = values.get("organic_share"), values.get("egalim_share")
    if isinstance(organic, float) and isinstance(egalim, float) and egalim < organic:
        warnings.append(_warn("egalim_inconsistent", "egalim_share", "", f"{egalim} < {organic}",
                              "la part EGAlim est inférieure à la part bio (le bio en fait partie)",
                              "the EGAlim share is below the organic share (organic counts towards it)"))
    launch, notified = values.get("launch_date"), values.get("notification_date")
    if launch and notified and notified < launch:
        # Both dates and the fix: the buyer sees neither date beside the warning, and one of them is wrong
        # (the Climate and Resilience rules follow the launch date alone when it is given).
        cell = (cells or {}).get("notification_date")
        warnings.append(_warn("dates_inconsistent", "notification_date", cell.column if cell else "",
                              f"{notified} < {launch}",
                              f"date de notification ({fmt_date(notified, 'fr')}) antérieure à la date de lancement "
                              f"({fmt_date(launch, 'fr')}) ; corrigez celle des deux qui est fausse (les obligations "
                              f"liées au lancement suivent la date de lancement)",
                              f"notification date ({fmt_date(notified, 'en')}) before the launch date "
                              f"({fmt_date(launch, 'en')}); correct the one that is wrong (the obligations tied "
                              f"to the launch follow the launch date)"))
    price, env = values.get("price_weight"), values.get("env_weight")
    if isinstance(price, float) and isinstance(env, float) and price + env > 100:
        # The award criteria weigh 100 % in all: one of the two is wrong, and ENV-12 (price alone) and ENV-10
        # (criterion) read them as given.
        cell = (cells or {}).get("env_weight")
        # to the hundredth: 87,55 % and 12,46 % read « ensemble (100,0 %) » at one decimal
        p, e, t = ({lang: format_percent(x, lang) for lang in ("fr", "en")} for x in (price, env, price + env))
        warnings.append(_warn("weights_over_100", "env_weight", cell.column if cell else "", f"{price} + {env}",
                              f"pondérations du prix ({p['fr']}) et du critère environnemental ({e['fr']}) "
                              f"au-delà de {format_percent(100, 'fr')} ensemble ({t['fr']}) : corrigez celle qui "
                              "est fausse",
                              f"price ({p['en']}) and environmental criterion ({e['en']}) weights above 100% "
                              f"together ({t['en']}): correct the one that is wrong"))
    started = values.get("execution_start_date")
    if started and notified and started < notified:  # a concession executed before it was signed
        warnings.append(_warn("execution_before_signature", "execution_start_date", "", f"{started} < {notified}",
                              f"début d'exécution ({fmt_date(started, 'fr')}) antérieur à la date de signature ou de "
                              f"notification ({fmt_date(notified, 'fr')}) : l'une des deux dates est fausse",
                              f"start of execution ({fmt_date(started, 'en')}) before the signature or notification "
                              f"date ({fmt_date(notified, 'en')}): one of the two dates is wrong"))
    published = values.get("publication_date")
    if published and notified and published < notified:  # the essential data of a contract not yet notified
        warnings.append(_warn("publication_before_notification", "publication_date", "", f"{published} < {notified}",
                              "données essentielles publiées avant la notification du marché : l'une des deux "
                              "dates est fausse",
                              "essential data published before the contract was notified: one of the two "
                              "dates is wrong"))
