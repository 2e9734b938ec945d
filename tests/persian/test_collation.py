import random
import re

import pytest

from app.persian import collation_key

# In Persian alphabetical order, with the tricky neighbours side by side.
NAMES_IN_ORDER = [
    "۱۲ فروردین",
    "آرش",
    "آزاده",
    "ابراهیم",
    "احمد",
    "بهرام",
    "پرویز",
    "تینا",
    "ثمین",
    "جواد",
    "چنگیز",
    "حسن",
    "خدیجه",
    "داوود",
    "ذبیح",
    "رضا",
    "زهرا",
    "ژاله",
    "سارا",
    "شیرین",
    "صادق",
    "ضیا",
    "طاهره",
    "ظریف",
    "علی",
    "علی اصغر",
    "علیرضا",
    "غلام",
    "فاطمه",
    "قاسم",
    "کاوه",
    "گلناز",
    "لیلا",
    "مریم",
    "نرگس",
    "وحید",
    "هادی",
    "یاسمن",
    "Zahra",
]


def test_shuffled_names_sort_in_persian_order():
    names = NAMES_IN_ORDER[:]
    random.Random(1405).shuffle(names)
    assert sorted(names, key=collation_key) == NAMES_IN_ORDER


def test_code_point_order_would_be_wrong():
    # Why the key exists: پ چ ژ گ come after ی by code point.
    assert sorted(NAMES_IN_ORDER) != NAMES_IN_ORDER


def test_key_is_ascii_upper_and_digits():
    for name in NAMES_IN_ORDER:
        assert re.fullmatch(r"[0-9A-Z]+", collation_key(name))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("علي", "علی"),
        ("كاوه", "کاوه"),
        ("علی\u200cرضا", "علی رضا"),  # ZWNJ is a word separator
        ("  علی   رضا ", "علی رضا"),
        ("عَلی", "علی"),
        ("علـی", "علی"),
        ("۱۲", "12"),
        ("١٢", "12"),
        ("ARASH", "arash"),
        ("José", "jose"),
        ("ﻻله", "لاله"),  # lam-alef ligature counts as its two letters
        ("أحمد", "احمد"),
        ("مؤمن", "مومن"),
        ("رئیس", "رییس"),
        ("مسئله", "مسیله"),
        ("ة", "ه"),
    ],
)
def test_equal_keys(one, other):
    assert collation_key(one) == collation_key(other)


@pytest.mark.parametrize(
    ("smaller", "larger"),
    [
        ("علی", "علی اصغر"),
        ("علی اصغر", "علیرضا"),
        ("آ", "ا"),
        ("آب", "اب"),
        ("9", "آ"),  # digits before letters
        ("ی", "a"),  # Latin after Persian
        ("z", "€"),  # unknown characters after everything
        ("ی", "中"),
        ("ب", "پ"),
        ("ز", "ژ"),
        ("ک", "گ"),
        ("و", "ه"),
        ("ه", "ی"),
    ],
)
def test_order(smaller, larger):
    assert collation_key(smaller) < collation_key(larger)


def test_empty_and_none():
    assert collation_key(None) == ""
    assert collation_key("  \u200c ") == ""
    assert collation_key("") < collation_key("آ")
