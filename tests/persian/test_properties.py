"""Property tests: on any input, each function returns the right type or raises ValidationError."""

import datetime as dt
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from app.errors import ValidationError
from app.persian import (
    collation_key,
    format_jalali,
    is_valid_national_code,
    make_national_code,
    normalize_digits,
    normalize_identifier,
    normalize_letters,
    normalize_note,
    normalize_text,
    number_to_words,
    parse_jalali,
    parse_jalali_month,
    search_key,
    validate_national_code,
)

ZWNJ = "\u200c"
FEW = settings(max_examples=100, deadline=None)
MANY = settings(max_examples=200, deadline=None)

TRICKY = list(
    " \u200c\u200d\u200e\u200f\u00a0\n\r\t/-.٫ـ"
    "0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩"
    "يىكأإؤئءةۀآ"
)
any_char = st.one_of(
    st.characters(),
    st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),  # Arabic block, Persian letters
    st.characters(min_codepoint=0xFB50, max_codepoint=0xFEFF),  # presentation forms
    st.sampled_from(TRICKY),
)
any_text = st.text(alphabet=any_char, max_size=40)
digit_scripts = st.sampled_from(["0123456789", "۰۱۲۳۴۵۶۷۸۹", "٠١٢٣٤٥٦٧٨٩"])


@st.composite
def date_like(draw, parts=3):
    """Strings shaped like dates, some right, many wrong, in any digit script."""
    script = draw(digit_scripts)
    numbers = [draw(st.integers(0, 2000)) for _ in range(parts)]
    separator = draw(st.sampled_from(["/", "-", ".", "٫", " / ", "//", ":"]))
    text = separator.join(str(n) for n in numbers)
    return text.translate(str.maketrans("0123456789", script))


def returns_or_rejects(function, value, expected_type):
    try:
        result = function(value)
    except ValidationError as error:
        assert error.message and isinstance(error.message, str)
        return None
    assert isinstance(result, expected_type)
    return result


# --- dates -------------------------------------------------------------------------------------

@FEW
@given(st.one_of(any_text, date_like()))
def test_parse_jalali_returns_a_date_or_rejects(text):
    returns_or_rejects(parse_jalali, text, dt.date)


@FEW
@given(date_like())
def test_a_parsed_date_formats_back_to_what_was_typed(text):
    parsed = returns_or_rejects(parse_jalali, text, dt.date)
    if parsed is not None:
        typed = [int(n) for n in re.findall(r"\d+", normalize_digits(text))]
        shown = [int(n) for n in format_jalali(parsed, persian_digits=False).split("/")]
        assert shown == typed


@FEW
@given(st.dates(min_value=dt.date(1921, 3, 21), max_value=dt.date(2122, 3, 20)))
def test_format_and_parse_round_trip(day):
    assert parse_jalali(format_jalali(day)) == day
    assert parse_jalali(format_jalali(day, persian_digits=False)) == day


@FEW
@given(st.one_of(any_text, date_like(parts=2)))
def test_parse_jalali_month_returns_a_pair_or_rejects(text):
    result = returns_or_rejects(parse_jalali_month, text, tuple)
    if result is not None:
        year, month = result
        assert 1300 <= year <= 1500 and 1 <= month <= 12


# --- national code -----------------------------------------------------------------------------

national_code_like = st.text(
    alphabet=st.sampled_from(list("0123456789۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩ -")), max_size=14
)


@MANY
@given(st.one_of(any_text, national_code_like))
def test_validate_national_code_returns_ten_digits_or_rejects(text):
    code = returns_or_rejects(validate_national_code, text, str)
    if code is not None:
        assert re.fullmatch(r"[0-9]{10}", code)
        assert is_valid_national_code(code)


@FEW
@given(st.from_regex(r"[0-9]{9}", fullmatch=True).filter(lambda p: len(set(p)) > 1))
def test_made_codes_validate_and_a_wrong_check_digit_does_not(prefix):
    code = make_national_code(prefix)
    assert validate_national_code(code) == code
    for digit in "0123456789":
        if digit != code[9]:
            assert not is_valid_national_code(code[:9] + digit)


# --- normalisation -----------------------------------------------------------------------------

@MANY
@given(any_text)
def test_normalizers_return_text_and_are_idempotent(text):
    for normalize in (normalize_text, normalize_note, normalize_identifier, search_key):
        once = normalize(text)
        assert isinstance(once, str)
        assert normalize(once) == once
    for normalize in (normalize_letters, normalize_digits):
        assert isinstance(normalize(text), str)


spaces_and_joiners = st.text(alphabet=st.sampled_from(["ی", "a", " ", ZWNJ, "\n", "\t"]))


@MANY
@given(st.one_of(any_text, spaces_and_joiners))
def test_normalized_text_has_no_arabic_letters_or_stray_spaces(text):
    for result in (normalize_text(text), normalize_note(text)):
        assert not set("يىكـ") & set(result)
        assert "  " not in result
        assert f" {ZWNJ}" not in result and f"{ZWNJ} " not in result
        assert ZWNJ * 2 not in result
        assert result == result.strip()
    assert "\n" not in normalize_text(text)


@MANY
@given(any_text)
def test_identifier_has_ascii_digits_and_no_spaces(text):
    result = normalize_identifier(text)
    assert not re.search(r"\s", result)
    assert not set("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩يك") & set(result)


persian_word = st.text(
    alphabet=st.sampled_from(list("آابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهییكي")), min_size=1, max_size=8
)


@FEW
@given(persian_word, persian_word)
def test_search_key_ignores_how_words_are_joined(first, second):
    joined = search_key(first + second)
    assert search_key(first + ZWNJ + second) == joined
    assert search_key(f" {first}  {second} ") == joined
    assert search_key(first.replace("ی", "ي") + second) == joined
    assert search_key(second) in joined


@MANY
@given(any_text)
def test_search_key_has_no_spaces_or_marks(text):
    key = search_key(text)
    assert not re.search(r"[\s\u200c\u064b-\u0652\u0670\u0654]", key)
    assert key == key.lower()


# --- collation ---------------------------------------------------------------------------------

@MANY
@given(any_text)
def test_collation_key_is_bounded_ascii(text):
    key = collation_key(text)
    assert re.fullmatch(r"[0-9A-Z]*", key)
    assert len(key) <= 4 * len(text)


# The reference order, written from the alphabet and nothing else.
ALPHABET = "آ ا ب پ ت ث ج چ ح خ د ذ ر ز ژ س ش ص ض ط ظ ع غ ف ق ک گ ل م ن و ه ی".split()
SAME_AS = {"ي": "ی", "ى": "ی", "ك": "ک", "أ": "ا", "إ": "ا", "ء": "ا", "ؤ": "و", "ئ": "ی", "ة": "ه"}
SAME_AS.update(zip("۰۱۲۳۴۵۶۷۸۹", "0123456789"))
SAME_AS.update(zip("٠١٢٣٤٥٦٧٨٩", "0123456789"))
LATIN = "abcdefghijklmnopqrstuvwxyz"
SEPARATORS = {" ", ZWNJ, "-"}


def reference_rank(ch):
    ch = SAME_AS.get(ch, ch).lower()
    if ch in SEPARATORS:
        return (0,)
    if ch.isdigit():
        return (1, int(ch))
    if ch in ALPHABET:
        return (2, ALPHABET.index(ch))
    return (3, LATIN.index(ch))


def reference_key(name):
    ranks = []
    for rank in map(reference_rank, name):
        if rank == (0,) and (not ranks or ranks[-1] == (0,)):
            continue
        ranks.append(rank)
    while ranks and ranks[-1] == (0,):
        ranks.pop()
    return ranks


def compare(a, b):
    return (a > b) - (a < b)


name_alphabet = ALPHABET + list(SAME_AS) + list("0123456789aAzZmQ") + sorted(SEPARATORS)
names = st.lists(st.text(alphabet=st.sampled_from(name_alphabet), max_size=8), max_size=10)


@MANY
@given(names)
@example(["علیرضا", "علی اصغر", "علی", "پری", "یاسر", "بابک", "آرش", "ارس"])
def test_collation_key_orders_like_the_alphabet(words):
    by_key = sorted(words, key=collation_key)
    by_reference = sorted(words, key=reference_key)
    assert by_key == by_reference
    for a in words[:4]:
        for b in words:
            assert compare(collation_key(a), collation_key(b)) == compare(
                reference_key(a), reference_key(b)
            )


# --- numbers in words --------------------------------------------------------------------------

UNITS = {
    "صفر": 0, "یک": 1, "دو": 2, "سه": 3, "چهار": 4, "پنج": 5, "شش": 6, "هفت": 7, "هشت": 8,
    "نه": 9, "ده": 10, "یازده": 11, "دوازده": 12, "سیزده": 13, "چهارده": 14, "پانزده": 15,
    "شانزده": 16, "هفده": 17, "هجده": 18, "نوزده": 19, "بیست": 20, "سی": 30, "چهل": 40,
    "پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90, "صد": 100, "دویست": 200,
    "سیصد": 300, "چهارصد": 400, "پانصد": 500, "ششصد": 600, "هفتصد": 700, "هشتصد": 800,
    "نهصد": 900,
}
SCALES = {"هزار": 10**3, "میلیون": 10**6, "میلیارد": 10**9, "تریلیون": 10**12,
          "کوادریلیون": 10**15}


def words_to_number(words):
    """Reads the words back, independently of the code under test."""
    sign, total, group = 1, 0, 0
    for word in words.split(" "):
        if word == "منفی":
            sign = -1
        elif word in SCALES:
            total += (group or 1) * SCALES[word]
            group = 0
        elif word != "و":
            group += UNITS[word]
    return sign * (total + group)


@MANY
@given(st.integers(min_value=-(10**18) + 1, max_value=10**18 - 1))
@example(1000)
@example(1_000_001)
def test_number_to_words_reads_back(n):
    words = number_to_words(n)
    assert words_to_number(words) == n
    assert "  " not in words and " و و " not in words
    assert not words.startswith("و ") and not words.endswith(" و")


@FEW
@given(st.one_of(st.integers(), st.floats(), st.text(), st.none()))
def test_number_to_words_returns_text_or_rejects(value):
    returns_or_rejects(number_to_words, value, str)


