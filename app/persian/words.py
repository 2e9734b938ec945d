"""Numbers in Persian words, for amounts on invoices («... ریال»).

Written by hand: num2words is not a dependency of the project, and the rules are short.
1000 is written «هزار» (not «یک هزار»), as it is read; larger scales keep «یک» («یک میلیون»).
"""

from __future__ import annotations

from app.errors import ValidationError

_ONES = (
    "", "یک", "دو", "سه", "چهار", "پنج", "شش", "هفت", "هشت", "نه",
    "ده", "یازده", "دوازده", "سیزده", "چهارده", "پانزده", "شانزده", "هفده", "هجده", "نوزده",
)
_TENS = ("", "", "بیست", "سی", "چهل", "پنجاه", "شصت", "هفتاد", "هشتاد", "نود")
_HUNDREDS = ("", "صد", "دویست", "سیصد", "چهارصد", "پانصد", "ششصد", "هفتصد", "هشتصد", "نهصد")
_SCALES = (
    (10**15, "کوادریلیون"),
    (10**12, "تریلیون"),
    (10**9, "میلیارد"),
    (10**6, "میلیون"),
    (10**3, "هزار"),
)
LIMIT = 10**18  # numbers must be smaller than this in absolute value
_AND = " و "


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    parts = [_HUNDREDS[hundreds]]
    if rest < 20:
        parts.append(_ONES[rest])
    else:
        tens, ones = divmod(rest, 10)
        parts += [_TENS[tens], _ONES[ones]]
    return _AND.join(p for p in parts if p)


def _positive(n: int) -> str:
    parts = []
    for scale, name in _SCALES:
        group = n // scale % 1000
        if group == 1 and scale == 1000:
            parts.append(name)
        elif group:
            parts.append(f"{_below_thousand(group)} {name}")
    if n % 1000:
        parts.append(_below_thousand(n % 1000))
    return _AND.join(parts)


def number_to_words(n: int) -> str:
    """1250000 → 'یک میلیون و دویست و پنجاه هزار'; 0 → 'صفر'; negatives start with 'منفی'."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise ValidationError("فقط عدد صحیح را می‌توان با حروف نوشت", field="number")
    if abs(n) >= LIMIT:
        raise ValidationError("این عدد برای نوشتن با حروف بیش از حد بزرگ است", field="number")
    if n == 0:
        return "صفر"
    words = _positive(abs(n))
    return f"منفی {words}" if n < 0 else words
