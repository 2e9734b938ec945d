"""Every enumeration of the domain with its Persian label beside it.

The UI, the reports and the exports all print these same words; nothing else may spell them.
Values are stored in the database as the member's `value` (short ASCII), never the label.
"""

from __future__ import annotations

import enum


class LabelledEnum(str, enum.Enum):
    """A str enum whose members carry a Persian label."""

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]

    @classmethod
    def from_value(cls, value: str):
        return cls(value)


class Role(LabelledEnum):
    MANAGER = ("manager", "مدیر / مسئول فنی")
    SOCIAL_WORKER = ("social_worker", "مددکار اجتماعی")
    PSYCHOLOGIST = ("psychologist", "روانشناس")
    CLERK = ("clerk", "کارمند دفتری")


class Sex(LabelledEnum):
    FEMALE = ("female", "دختر")
    MALE = ("male", "پسر")


class LivingArrangement(LabelledEnum):
    OWN_FAMILY = ("own_family", "خانواده خودی")
    RELATIVES = ("relatives", "بستگان")
    SUBSTITUTE_FAMILY = ("substitute_family", "خانواده جایگزین / فرزندپذیر")
    INDEPENDENT = ("independent", "زندگی مستقل")


class CaseStatus(LabelledEnum):
    ACTIVE = ("active", "فعال")
    CLOSED = ("closed", "مختومه")
    RETURNED = ("returned", "عودت به بهزیستی")


class ServiceKind(LabelledEnum):
    CARE = ("care", "مراقبت و پیگیری")
    MARRIAGE = ("marriage", "ایجاد زمینه ازدواج")
    EMPLOYMENT = ("employment", "کاریابی و اشتغال")
    PROBLEM = ("problem", "رسیدگی به مشکل")
    COUNSELLING = ("counselling", "مشاوره")
    REFERRAL = ("referral", "ارجاع و هماهنگی")


class CareDomain(LabelledEnum):
    HEALTH = ("health", "بهداشتی")
    PSYCHOLOGICAL = ("psychological", "روانی")
    SCHOOLING = ("schooling", "تحصیلی")
    NUTRITION = ("nutrition", "تغذیه")
    LEISURE = ("leisure", "اوقات فراغت")
    FAMILY_RELATIONS = ("family_relations", "روابط عاطفی با خانواده")
    ABUSE_WATCH = ("abuse_watch", "مراقبت از کودک‌آزاری")


class ServiceMode(LabelledEnum):
    HOME_VISIT = ("home_visit", "بازدید منزل")
    AT_CLINIC = ("at_clinic", "در کلینیک")
    PHONE = ("phone", "تلفنی")


class ProblemStage(LabelledEnum):
    STUDY = ("study", "مطالعه و شناسایی")
    PLAN = ("plan", "تدوین برنامه")
    ACTION = ("action", "اجرا")
    FOLLOW_UP = ("follow_up", "پیگیری")
    RESOLVED = ("resolved", "رفع شده")


class Relation(LabelledEnum):
    MOTHER = ("mother", "مادر")
    FATHER = ("father", "پدر")
    SIBLING = ("sibling", "خواهر/برادر")
    GRANDPARENT = ("grandparent", "پدربزرگ/مادربزرگ")
    UNCLE_AUNT = ("uncle_aunt", "عمو/عمه/دایی/خاله")
    SPOUSE = ("spouse", "همسر")
    CHILD = ("child", "فرزند")
    SUBSTITUTE_PARENT = ("substitute_parent", "والد جایگزین")
    OTHER = ("other", "سایر")


class Degree(LabelledEnum):
    DIPLOMA = ("diploma", "دیپلم")
    ASSOCIATE = ("associate", "کاردانی")
    BACHELOR = ("bachelor", "کارشناسی")
    MASTER = ("master", "کارشناسی ارشد")
    DOCTORATE = ("doctorate", "دکتری")


PERSIAN_MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
