import pytest

from app.errors import ValidationError
from app.persian import is_valid_national_code, make_national_code, validate_national_code

# Check digits worked out by hand: s = sum(d[i] * (10 - i)), r = s % 11.
VALID = [
    "0499370899",  # s = 266, r = 2 -> 11 - 2 = 9
    "0012345679",  # s = 112, r = 2 -> 9
    "1234567891",  # s = 210, r = 1 -> 1
    "0000003050",  # s = 22,  r = 0 -> 0
    "0001112228",  # s = 36,  r = 3 -> 8
]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes(code):
    assert validate_national_code(code) == code
    assert is_valid_national_code(code)


@pytest.mark.parametrize("code", VALID)
def test_make_national_code_appends_the_check_digit(code):
    assert make_national_code(code[:9]) == code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("۰۴۹۹۳۷۰۸۹۹", "0499370899"),
        ("٠٤٩٩٣٧٠٨٩٩", "0499370899"),
        (" 049-937089-9 ", "0499370899"),
        ("۰۴۹ ۹۳۷ ۰۸۹۹", "0499370899"),
        ("499370899", "0499370899"),  # leading zero lost in a spreadsheet
        ("12345679", "0012345679"),  # both leading zeros lost
    ],
)
def test_accepts_what_people_type(typed, expected):
    assert validate_national_code(typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0499370898", "رقم کنترل کد ملی درست نیست"),
        ("1234567", "کد ملی باید ۱۰ رقم باشد"),
        ("04993708991", "کد ملی باید ۱۰ رقم باشد"),
        ("0000000000", "کد ملی با ارقام یکسان معتبر نیست"),
        ("1111111111", "کد ملی با ارقام یکسان معتبر نیست"),  # its check digit is right
        ("04993A0899", "کد ملی فقط از رقم تشکیل می‌شود"),
        ("", "کد ملی را وارد کنید"),
        (None, "کد ملی را وارد کنید"),
    ],
)
def test_rejections_say_why_in_persian(typed, message):
    with pytest.raises(ValidationError) as error:
        validate_national_code(typed, field="guardian_code")
    assert error.value.message == message
    assert error.value.field == "guardian_code"
    assert not is_valid_national_code(typed)


@pytest.mark.parametrize("digit", "0123456789")
def test_same_digit_codes_are_never_made(digit):
    # For nine equal digits d, s = 54d ≡ -d (mod 11), so the check digit is d again (0 for 0):
    # every such code passes the checksum, which is why it is refused separately.
    with pytest.raises(ValidationError):
        make_national_code(digit * 9)


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678x", ""])
def test_make_national_code_needs_nine_digits(bad):
    with pytest.raises(ValidationError):
        make_national_code(bad)
