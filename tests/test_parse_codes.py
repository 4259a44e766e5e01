import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.parse import (
    ParseError,
    has_invalid_marker,
    luhn_ok,
    parse_code,
    parse_cpv,
    parse_naf,
    parse_siret,
    siret_checksum_ok,
)
from procurement.parse.codes import cpv_written_seven

# --- parse_code -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13055", "13055"),
        (" 13 055\t", "13055"),
        ("04", "04"),  # leading zero kept
        ("2A004", "2A004"),
        ("2023 AOVOI40 L1", "2023AOVOI40L1"),
        ("INX 2023AOVOI40 L1", "2023AOVOI40L1"),  # Ministry "invalid" marker stripped
        ("INX 202424 3 001", "2024243001"),
        ("20\u00a0005\u202f480", "20005480"),
        ("\ufeffID-1", "ID-1"),
        (13001, "13001"),
        (13001.0, "13001"),  # calamine reads numbers as floats
        (Decimal("13001"), "13001"),
        (1.5, "1.5"),
    ],
)
def test_parse_code(value, expected):
    assert parse_code(value) == expected


@pytest.mark.parametrize("value", [None, "", " \t ", "NC", "CDL", float("nan")])
def test_parse_code_blank(value):
    assert parse_code(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [(True, "not_a_code"), (-3, "not_a_code"), (float("inf"), "not_a_code"), ([1], "not_a_code"),
     (dt.date(2024, 1, 1), "code_is_date"), (dt.datetime(2024, 1, 1), "code_is_date")],
)
def test_parse_code_errors(value, code):
    with pytest.raises(ParseError) as exc:
        parse_code(value)
    assert exc.value.code == code


def test_has_invalid_marker():
    assert has_invalid_marker("INX 67151000-0")
    assert not has_invalid_marker("67151000-0")
    assert not has_invalid_marker(None)


# --- SIRET ------------------------------------------------------------------------------------------

AMP = "20005480700017"  # Métropole Aix-Marseille-Provence


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (AMP, (AMP, True)),
        ("\t32359288100060", ("32359288100060", True)),  # real titulaire id with a tab
        (" 77567706500119 ", ("77567706500119", True)),
        ("775 677 065 00119", ("77567706500119", True)),
        ("775.677.065.00119", ("77567706500119", True)),
        ("775-677-065-00119", ("77567706500119", True)),
        ("INX 77567706500119", ("77567706500119", True)),
        ("00735020000049", ("00735020000049", luhn_ok("00735020000049"))),
        (32359288100060, ("32359288100060", True)),
        (3.2359288100060e13, ("32359288100060", True)),  # Excel number cell
        ("3.2359288100060e13", ("32359288100060", True)),
        ("3,2359288100060E+13", ("32359288100060", True)),
        ("32359288100060.0", ("32359288100060", True)),  # CSV written from a float column
        (6380227600038, ("06380227600038", luhn_ok("06380227600038"))),  # number lost its leading zero
        (6380227600038.0, ("06380227600038", luhn_ok("06380227600038"))),
        ("35600000000048", ("35600000000048", True)),  # La Poste head office: Luhn
        ("35600000049837", ("35600000049837", True)),  # La Poste establishment: digit sum 45
        ("35600000049838", ("35600000049838", False)),
        ("32359288100061", ("32359288100061", False)),  # checksum fails: returned, not raised
    ],
)
def test_parse_siret(value, expected):
    assert parse_siret(value) == expected


@pytest.mark.parametrize("value", [None, "", "NC", "MQ", " ", float("nan")])
def test_parse_siret_blank(value):
    assert parse_siret(value) is None


@pytest.mark.parametrize(
    ("value", "code", "hint"),
    [
        ("123456789", "siret_length", "SIREN"),
        ("775677065", "siret_length", "SIREN"),
        ("6380227600038", "siret_length", "zéro"),  # text keeps its zeros: 13 digits is an error
        ("123456789012345", "siret_length", "15"),
        ("FR32918951849", "siret_format", ""),  # a VAT number
        ("99999999999X", "siret_format", ""),
        ("3,23593E+13", "siret_format", "scientifique"),  # digits lost by Excel
        (1.5, "siret_format", ""),
        (float("inf"), "siret_format", ""),
        (True, "siret_format", ""),
        (-32359288100060, "siret_format", ""),
        (dt.date(2024, 1, 1), "siret_format", ""),
    ],
)
def test_parse_siret_errors(value, code, hint):
    with pytest.raises(ParseError) as exc:
        parse_siret(value)
    assert exc.value.code == code
    assert hint in exc.value.message_fr


@pytest.mark.parametrize(
    ("digits", "ok"),
    [("0", True), ("18", True), ("79927398713", True), ("79927398710", False), ("", False), ("12a4", False),
     ("²", False), (AMP, True)],
)
def test_luhn_ok(digits, ok):
    assert luhn_ok(digits) is ok


def test_la_poste_rule_only_for_la_poste():
    assert not siret_checksum_ok("12300000049837")


@settings(max_examples=200)
@given(st.text(alphabet="0123456789", min_size=13, max_size=13), st.integers(0, 13), st.integers(1, 9))
def test_luhn_detects_any_single_digit_change(body, position, delta):
    # Complete 13 digits into a valid SIRET, then change one digit: Luhn must catch it.
    siret = next(body + c for c in "0123456789" if luhn_ok(body + c))
    changed = siret[:position] + str((int(siret[position]) + delta) % 10) + siret[position + 1:]
    assert luhn_ok(siret)
    assert not luhn_ok(changed)
    assert parse_siret(siret) == (siret, True) or siret.startswith("356000000")


# --- CPV --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("45112500", ("45112500", None)),
        ("45112500-9", ("45112500", "9")),
        ("45112500 - 9", ("45112500", "9")),
        ("45112500–9", ("45112500", "9")),
        ("45 11 25 00", ("45112500", None)),
        ("66516 000", ("66516000", None)),  # real 2019 DECP
        ("71315400-3 ", ("71315400", "3")),  # trailing space
        ("9310000", ("09310000", None)),  # lost leading zero (95 real cases)
        ("9310000-5", ("09310000", "5")),
        ("031210005", ("03121000", "5")),  # lost dash
        ("INX 67151000-0", ("67151000", "0")),
        ("45112500-9 Travaux de fouille", ("45112500", "9")),
        ("45112500 - Travaux de fouille", ("45112500", None)),
        ("33100000 Équipements médicaux", ("33100000", None)),
        ("9310000.0", ("09310000", None)),
        (9310000.0, ("09310000", None)),  # Excel number
        (9310000, ("09310000", None)),
        (45112500, ("45112500", None)),
        (451125009, ("45112500", "9")),
        (Decimal("45112500"), ("45112500", None)),
    ],
)
def test_parse_cpv(value, expected):
    assert parse_cpv(value) == expected


@pytest.mark.parametrize("value", [None, "", "NC", "MQ", float("nan")])
def test_parse_cpv_blank(value):
    assert parse_cpv(value) is None


@pytest.mark.parametrize(
    "value",
    ["Travaux", "lot 2000", "X0000000", "0", "123", "451125", "45112500-99", "4511250000", "45112500-X",
     "Travaux 45112500", 0, 123, 45112500.5, float("inf"), True, -9310000, dt.date(2024, 1, 1), ["45112500"]],
)
def test_parse_cpv_errors(value):
    with pytest.raises(ParseError) as exc:
        parse_cpv(value)
    assert exc.value.code == "cpv_format"


@pytest.mark.parametrize("value", ["4511250", "4511250-5", " 4511250 ", "4511250.0", 4511250, 4511250.0,
                                   "INX 4511250", "7131540"])
def test_seven_digits_that_cannot_have_lost_a_leading_zero_are_cpv_short(value):
    # Padded, "4511250" gave 04511250, a code of division 04, which does not exist: it was then merely
    # "unknown", and its output showed a code nobody wrote. A digit is missing; which one cannot be told.
    with pytest.raises(ParseError) as exc:
        parse_cpv(value)
    assert exc.value.code == "cpv_short"
    assert "7 chiffres" in exc.value.message_fr and "03 et 09" in exc.value.message_fr
    assert "7 digits" in exc.value.message_en and str(value).strip()[:7] in exc.value.message_en


@pytest.mark.parametrize(("value", "expected"), [("3192000", "03192000"), ("9310000", "09310000"),
                                                 (3121000, "03121000"), ("3121000-5", "03121000")])
def test_seven_digits_starting_with_3_or_9_lost_their_leading_zero(value, expected):
    # Divisions 03 and 09 are the only ones that start with 0, so only they can lose it in a spreadsheet.
    assert parse_cpv(value)[0] == expected


seven_digits = st.text(alphabet="0123456789", min_size=7, max_size=7)


@settings(max_examples=300)
@given(seven_digits, st.booleans())
def test_any_seven_digit_code_is_a_lost_zero_of_division_03_or_09_or_short(digits, as_number):
    value: object = int(digits) if as_number and digits[0] != "0" else digits
    if digits[0] in "39":
        assert parse_cpv(value) == ("0" + digits, None)
        assert cpv_written_seven(value) == digits
    else:
        with pytest.raises(ParseError) as exc:
            parse_cpv(value)
        assert exc.value.code == "cpv_short"


def test_every_nomenclature_code_of_division_03_or_09_survives_losing_its_zero():
    from procurement.reference.cpv import cpv_codes

    zero = [c for c in cpv_codes() if c.startswith("0")]
    assert zero and {c[:2] for c in zero} == {"03", "09"}  # the premise of the 7-digit reading
    for code in zero:
        assert parse_cpv(int(code)) == (code, None) and parse_cpv(code[1:]) == (code, None)


@pytest.mark.parametrize("value", ["45112500", "09310000", "031210005", 45112500, "Travaux", None, True, 12.5])
def test_cpv_written_seven_is_none_unless_seven_digits_were_written(value):
    assert cpv_written_seven(value) is None


eight_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


@settings(max_examples=200)
@given(eight_digits, st.one_of(st.none(), st.sampled_from("0123456789")), st.sampled_from(["", " ", "  "]))
def test_any_eight_digit_code_parses(code, check, space):
    assert parse_cpv(code) == (code, None)
    written = code if check is None else f"{code}{space}-{space}{check}"
    assert parse_cpv(written) == (code, check)
    spaced = " ".join(code[i:i + 2] for i in range(0, 8, 2))
    assert parse_cpv(spaced) == (code, None)
    assert parse_cpv(f" {written}\t") == (code, check)


# --- NAF --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("56.10A", "5610A"), ("5610A", "5610A"), ("5610 a", "5610A"), ("56.10Z", "5610Z"), ("5610", "5610"),
     ("56.10", "5610"), (" 01.11z ", "0111Z"), (5610, "5610"), (56.1, "5610"), (1.11, "0111"), (5610.0, "5610")],
)
def test_parse_naf(value, expected):
    assert parse_naf(value) == expected


@pytest.mark.parametrize("value", ["NC", "", None])
def test_parse_naf_blank(value):
    assert parse_naf(value) is None


@pytest.mark.parametrize("value", ["56.1", "561A", "56100A", "56.10AB", "boulangerie", "5610-A", 56.123, -1, True,
                                   12345])
def test_parse_naf_errors(value):
    with pytest.raises(ParseError) as exc:
        parse_naf(value)
    assert exc.value.code == "naf_format"
