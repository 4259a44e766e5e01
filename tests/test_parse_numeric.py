from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement.parse import ParseError, parse_integer, parse_money, parse_number, parse_percent

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1 234,56 €", 1234.56),
        ("14 700,00", 14700.0),
        (f"14{NBSP}700,00", 14700.0),  # Bretagne spreadsheet
        (f"14{NNBSP}700,00", 14700.0),  # Excel in French
        (f"1{NNBSP}234{NNBSP}567,5{NBSP}€", 1234567.5),
        ("1.234,56", 1234.56),
        ("1,234.56", 1234.56),
        ("1234.56", 1234.56),
        ("1234,5", 1234.5),
        ("30000.00", 30000.0),  # marches-securises JSON
        ("-12", -12.0),
        ("+12", 12.0),
        ("− 3,5", -3.5),  # Unicode minus
        ("12 EUR", 12.0),
        ("12 euros", 12.0),
        ("12 € HT", 12.0),
        ("12 EUR H.T.", 12.0),
        ("€12", 12.0),
        ("EUR 12", 12.0),
        ("1 234 567", 1234567.0),
        ("1e3", 1000.0),
        ("1.0E17", 1e17),  # decp-processing placeholder
        ("1,5e3", 1500.0),
        ("1,234", 1.234),  # single comma: always decimal
        ("1.234", 1.234),  # single dot: decimal
        ("1.234.567", 1234567.0),
        ("1,234,567", 1234567.0),
        ("1.234.567,89", 1234567.89),
        ("1 234.5", 1234.5),
        ("1'234.50", 1234.5),
        (",5", 0.5),
        ("0,5", 0.5),
        ("  42\t", 42.0),
        (42, 42.0),
        (12.5, 12.5),
        (Decimal("12.50"), 12.5),
        (Fraction(1, 4), 0.25),
    ],
)
def test_parse_number(value, expected):
    result = parse_number(value)
    assert isinstance(result, float)
    assert result == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("value", [None, "", "  ", "NC", "N/C", "MQ", "CDL", "NaN", "nan", "null", "-", "—",
                                   "n/a", "N/A", "ND", float("nan"), Decimal("NaN")])
def test_parse_number_blank(value):
    assert parse_number(value) is None


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("Travaux", "not_a_number"),
        ("12,34,56", "not_a_number"),
        ("12 34", "not_a_number"),  # two numbers, not thousands
        ("12 et 15", "not_a_number"),
        ("1,234.567,8", "not_a_number"),
        ("12.", "not_a_number"),
        ("12,", "not_a_number"),
        ("1 234.567,89", "not_a_number"),  # mixed thousands separators
        ("25 %", "not_a_number"),
        ("#DIV/0!", "not_a_number"),
        ("inf", "not_a_number"),
        ("1_000", "not_a_number"),
        ("١٢٣", "not_a_number"),  # non-ASCII digits
        ("1e999", "not_finite"),
        (float("inf"), "not_finite"),
        (float("-inf"), "not_finite"),
        (Decimal("Infinity"), "not_finite"),
        (10**400, "not_finite"),
        (True, "not_a_number"),
        (False, "not_a_number"),
        ([1], "not_a_number"),
        (object(), "not_a_number"),
    ],
)
def test_parse_number_errors(value, code):
    with pytest.raises(ParseError) as exc:
        parse_number(value)
    assert exc.value.code == code


def test_parse_number_message_quotes_the_value():
    with pytest.raises(ParseError) as exc:
        parse_number("12,34,56")
    assert exc.value.message_fr == "« 12,34,56 » n'est pas un nombre lisible (exemple attendu : 1 234,56)"


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1 234,567", 1234.57), ("0", 0.0), (0, 0.0), ("-0", 0.0), (99999999, 99999999.0), (1234.567, 1234.57)],
)
def test_parse_money(value, expected):
    assert parse_money(value) == expected


def test_parse_money_negative():
    with pytest.raises(ParseError) as exc:
        parse_money("-12,50")
    assert exc.value.code == "negative_amount"
    assert parse_money("NC") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [("36", 36), (36, 36), (36.0, 36), ("36,0", 36), ("1e3", 1000), ("1 200", 1200), (Decimal("12"), 12),
     ("12345678901234567890", 12345678901234567890), (10**30, 10**30)],
)
def test_parse_integer(value, expected):
    result = parse_integer(value)
    assert result == expected and type(result) is int


@pytest.mark.parametrize("value", ["36.5", 36.5, "36,5", "1,234"])
def test_parse_integer_not_integral(value):
    with pytest.raises(ParseError) as exc:
        parse_integer(value)
    assert exc.value.code == "not_integer"


def test_parse_integer_blank_and_text():
    assert parse_integer("NC") is None  # the 2019 fixture's "dureeMois": "NC"
    with pytest.raises(ParseError):
        parse_integer("douze")
    with pytest.raises(ParseError):
        parse_integer(True)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("25 %", 25.0),
        ("25%", 25.0),
        ("25", 25.0),
        (25, 25.0),
        (0.25, 25.0),  # Excel percent cell
        ("0,25", 25.0),
        ("0,5", 50.0),
        (1.0, 100.0),  # DECP origineFrance 1.0
        (1, 100.0),
        ("1", 100.0),
        ("1 %", 1.0),
        ("0,5 %", 0.5),
        ("0 %", 0.0),
        (0, 0.0),
        ("100", 100.0),
        ("100 %", 100.0),
        (0.07, 7.0),
        ("12,5 pour cent", 12.5),
        (f"30{NBSP}%", 30.0),
    ],
)
def test_parse_percent(value, expected):
    assert parse_percent(value) == expected


@pytest.mark.parametrize("value", ["120 %", 120, "-5", -0.5, "101", 1.5e9])
def test_parse_percent_range(value):
    with pytest.raises(ParseError) as exc:
        parse_percent(value)
    assert exc.value.code == "percent_range"


@pytest.mark.parametrize("value", ["%", " %", "beaucoup %", "abc"])
def test_parse_percent_not_a_number(value):
    with pytest.raises(ParseError) as exc:
        parse_percent(value)
    assert exc.value.code == "not_a_number"


def test_parse_percent_blank():
    assert parse_percent("CDL") is None
    assert parse_percent(None) is None


# --- properties -------------------------------------------------------------------------------------


def format_fr(cents: int, sep: str) -> str:
    """1234567.89 written the French way: "1 234 567,89" with `sep` grouping thousands."""
    text = f"{abs(cents) // 100:,}".replace(",", sep) + f",{abs(cents) % 100:02d}"
    return ("-" if cents < 0 else "") + text


@settings(max_examples=200)
@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from([NBSP, NNBSP, " ", "."]))
def test_french_formatted_amounts_round_trip(cents, sep):
    assert parse_number(format_fr(cents, sep)) == cents / 100


@settings(max_examples=200)
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_french_formatted_floats_round_trip(x):
    english = f"{x:,.2f}"  # "1,234,567.89"
    french = english.replace(",", NBSP).replace(".", ",")
    assert parse_number(french) == float(f"{x:.2f}")


@settings(max_examples=200)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_typed_floats_pass_through(x):
    assert parse_number(x) == x
    assert parse_number(repr(x)) == x


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**12))
def test_integers_as_text_round_trip(n):
    assert parse_integer(str(n)) == n
    assert parse_integer(f"{n:,}".replace(",", NBSP)) == n
    assert parse_money(n) == n


class _Spy:
    """A compiled regex that records the texts it is asked to match."""

    def __init__(self, pattern, seen: list):
        self.pattern, self.seen = pattern, seen

    def fullmatch(self, text):
        self.seen.append(text)
        return self.pattern.fullmatch(text)

    def search(self, text):
        self.seen.append(text)
        return self.pattern.search(text)


@pytest.mark.parametrize("text", ["1" + " " * 3000 + "x", "1" + " " * 3000 + "eur x", "5" + " " * 3000 + "%x",
                                  " " * 8000 + "x"])
def test_a_long_text_is_not_a_number_before_any_regex_is_tried(monkeypatch, text):
    """The regexes backtrack with the cube of a run of spaces (2,000 spaces took 11 s in one cell): text
    longer than MAX_NUMBER_TEXT never reaches them."""
    from procurement.parse import numeric

    seen: list = []
    monkeypatch.setattr(numeric, "_NUMBER", _Spy(numeric._NUMBER, seen))
    monkeypatch.setattr(numeric, "_PERCENT_SIGN", _Spy(numeric._PERCENT_SIGN, seen))
    for parse in (numeric.parse_money, numeric.parse_number, numeric.parse_percent, numeric.parse_integer):
        with pytest.raises(ParseError) as exc:
            parse(text)
        assert exc.value.code == "not_a_number"
    assert all(len(t) <= numeric.MAX_NUMBER_TEXT for t in seen)
    # Within the bound the regexes still decide, and long plain or French numbers never needed them.
    assert parse_number("1" * 150) == float("1" * 150)
    assert parse_number(" ".join(["1"] + ["234"] * 40) + ",5") == float("1" + "234" * 40 + ".5")
    assert numeric.parse_percent("  25 %  ") == 25.0


# --- shares that read two ways, placeholder amounts (data-quality review) -------------------------------


@pytest.mark.parametrize(("value", "ambiguous"), [
    ("1", True), (1, True), (1.0, True), (Decimal("1"), True), ("1,00", True), ("0,5", True), ("0.07", True),
    (0.5, False), (0.07, False), (0, False), ("0", False), ("1 %", False), ("0,5 %", False), ("25", False),
    (25, False), ("100", False), (True, False), (None, False), ("NC", False), ("abc", False), ("120 %", False),
    ("1" + " " * 3000 + "x", False),
])
def test_percent_is_ambiguous(value, ambiguous):
    from procurement.parse.numeric import percent_is_ambiguous

    assert percent_is_ambiguous(value) is ambiguous


@settings(max_examples=300)
@given(st.decimals(min_value=0, max_value=100, places=3, allow_nan=False))
def test_a_share_is_ambiguous_only_when_it_is_read_as_a_fraction_that_could_be_a_percent(x):
    from procurement.parse.numeric import percent_is_ambiguous

    text = f"{x}".replace(".", ",")
    assert percent_is_ambiguous(text) is (0 < x <= 1)  # a bare fraction, typed
    assert percent_is_ambiguous(float(x)) is (x == 1)  # a number cell: only 1 can be 100 % or 1 %
    assert percent_is_ambiguous(f"{text} %") is False  # with its sign, nothing to ask
    assert parse_percent(text) == parse_percent(float(x))  # and the reading itself did not change


@settings(max_examples=300)
@given(st.one_of(st.text(max_size=30), st.floats(), st.integers()))
def test_percent_is_ambiguous_never_raises(value):
    from procurement.parse.numeric import percent_is_ambiguous

    assert percent_is_ambiguous(value) in (True, False)


@pytest.mark.parametrize(("x", "placeholder"), [(0.0, True), (99_999_999.0, True), (999_999_999.0, True),
                                                (1e17, True), (10_000_000_000.01, True), (0.01, False),
                                                (45_000.0, False), (99_999_998.0, False), (1_500_000_000.0, False)])
def test_is_placeholder_amount(x, placeholder):
    from procurement.parse.numeric import is_placeholder_amount

    assert is_placeholder_amount(x) is placeholder


# --- amounts that read two ways (auditor's review: « 45.000 » read as 45 €, silently) ------------------


@pytest.mark.parametrize("value", ["45.000", "250.000", "45,000", "€45,000", "1,250", "1.250", "45,000 € HT",
                                   f"45.000{NBSP}€", "EUR 999.999", "+45.000"])
def test_an_amount_with_one_separator_then_three_digits_is_ambiguous(value):
    with pytest.raises(ParseError) as exc:
        parse_money(value)
    assert exc.value.code == "ambiguous_thousands"


def test_the_ambiguous_amount_message_gives_both_readings_and_how_to_write_it():
    with pytest.raises(ParseError) as exc:
        parse_money("45.000")
    assert exc.value.message_fr == (
        f"« 45.000 » se lit de deux façons, 45{NNBSP}000 ou 45 : écrivez le montant sans ambiguïté, par exemple "
        f"« 45000 » ou « 45{NNBSP}000,00 » (ou « 45.000,00 »)")
    assert exc.value.message_en == ("“45.000” can be read two ways, 45,000 or 45: write the amount "
                                    "unambiguously, for example “45000” or “45,000.00”")
    with pytest.raises(ParseError) as exc:
        parse_money("1,250")
    assert f"1{NNBSP}250 ou 1,25" in exc.value.message_fr and "1,250 or 1.25" in exc.value.message_en


@pytest.mark.parametrize(("value", "expected"), [
    ("45.000,00", 45000.0), ("45,000.00", 45000.0), ("1.250.000", 1250000.0), ("45 000", 45000.0),
    ("45000", 45000.0), ("45.00", 45.0), ("45,5", 45.5), ("0,500", 0.5), ("1234.567", 1234.57),
    ("1 234,567", 1234.57), (45.0, 45.0), ("45.0000", 45.0),
])
def test_amounts_that_read_one_way_only_are_kept(value, expected):
    assert parse_money(value) == expected


def test_a_negative_ambiguous_amount_is_refused_as_negative():
    with pytest.raises(ParseError) as exc:
        parse_money("-45.000")
    assert exc.value.code == "negative_amount"


@pytest.mark.parametrize("value", ["1,250", "45.000", "12,345"])
def test_numbers_and_shares_keep_three_decimals(value):
    """A distance, hours or a share may have three decimals: only amounts refuse the form."""
    assert parse_number(value) == float(value.replace(",", "."))


@settings(max_examples=300)
@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999), st.sampled_from(".,"),
       st.sampled_from(["", "€", " €", " EUR HT"]))
def test_every_amount_with_one_group_of_three_is_refused(whole, frac, sep, suffix):
    text = f"{whole}{sep}{frac:03d}{suffix}"
    with pytest.raises(ParseError) as exc:
        parse_money(text)
    assert exc.value.code == "ambiguous_thousands"
    assert parse_number(f"{whole}{sep}{frac:03d}") == float(f"{whole}.{frac:03d}")


@settings(max_examples=200)
@given(st.integers(min_value=0, max_value=10**15), st.sampled_from([NBSP, NNBSP, " ", "."]))
def test_french_formatted_amounts_with_cents_are_never_ambiguous(cents, sep):
    assert parse_money(format_fr(cents, sep)) == cents / 100
