import pytest

from app.services.caselist import CaseQuery, count_cases, list_cases
from tests.conftest import as_actor

NAMES = [("علیرضا", "احمدی"), ("زهرا", "آقایی"), ("مریم", "پورمحمد"), ("سارا", "بهرامی"), ("رضا", "احمدی"),
         ("یاسین", "ژیان"), ("کوثر", "چراغی"), ("امیر", "گودرزی"), ("آرش", "یوسفی"), ("محمد", "علی‌پور")]


@pytest.fixture
def files(make_case):
    from app.persian import make_national_code
    saved = []
    for i, (first, last) in enumerate(NAMES):
        saved.append(make_case(first_name=first, last_name=last, behzisti_file_number=f"1403{i:05d}",
                               national_code=make_national_code(f"{i + 1:03d}4567890"[:9])))
    return saved


def names(rows):
    return [(r.first_name, r.last_name) for r in rows]


def test_list_is_in_persian_order_of_last_then_first_name(ctx, files):
    rows = list_cases(ctx, CaseQuery(), 0, 50)
    assert names(rows) == [("زهرا", "آقایی"), ("رضا", "احمدی"), ("علیرضا", "احمدی"), ("سارا", "بهرامی"),
                           ("مریم", "پورمحمد"), ("کوثر", "چراغی"), ("یاسین", "ژیان"), ("محمد", "علی‌پور"),
                           ("امیر", "گودرزی"), ("آرش", "یوسفی")]


def test_priority_files_come_first(ctx, files, make_case):
    make_case(first_name="یگانه", last_name="یزدانی", priority=True, priority_reason="خطر کودک‌آزاری")
    rows = list_cases(ctx, CaseQuery(), 0, 3)
    assert rows[0].last_name == "یزدانی" and rows[0].priority


@pytest.mark.parametrize("query, expected", [
    ("علي", {"علیرضا احمدی", "محمد علی‌پور"}),
    ("علی رضا", {"علیرضا احمدی"}),
    ("علیپور", {"محمد علی‌پور"}),
    ("علی پور", {"محمد علی‌پور"}),
    ("احمدی", {"علیرضا احمدی", "رضا احمدی"}),
    ("رضا احمد", {"علیرضا احمدی", "رضا احمدی"}),
    ("كوثر", {"کوثر چراغی"}),
    ("بهرام", {"سارا بهرامی"}),
    ("ناشناس", set()),
])
def test_name_search_ignores_letter_forms_and_spacing(ctx, files, query, expected):
    assert {r.full_name for r in list_cases(ctx, CaseQuery(text=query), 0, 50)} == expected
    assert count_cases(ctx, CaseQuery(text=query)) == len(expected)


def test_search_by_numbers_in_any_digits(ctx, files):
    code = files and list_cases(ctx, CaseQuery(text="زهرا"), 0, 1)[0].national_code
    persian = code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    assert [r.national_code for r in list_cases(ctx, CaseQuery(text=persian), 0, 5)] == [code]
    assert {r.behzisti_file_number for r in list_cases(ctx, CaseQuery(text="١٤٠٣٠٠٠٠٣"), 0, 5)} == {"140300003"}
    # A clinic file number is found by its digits too.
    assert "7" in {r.clinic_file_number for r in list_cases(ctx, CaseQuery(text="7"), 0, 50)}


def test_paging_returns_consecutive_slices(ctx, files):
    everything = [r.id for r in list_cases(ctx, CaseQuery(), 0, 100)]
    pages = [r.id for offset in range(0, 10, 3) for r in list_cases(ctx, CaseQuery(), offset, 3)]
    assert pages == everything


def test_filters(ctx, files, make_staff, make_case):
    other = make_staff("social_worker", "هادی", "دوم")
    make_case(first_name="نیما", last_name="نوری", social_worker_id=other.id, living_arrangement="independent")
    assert names(list_cases(ctx, CaseQuery(social_worker_id=other.id))) == [("نیما", "نوری")]
    assert names(list_cases(ctx, CaseQuery(living_arrangement="independent"))) == [("نیما", "نوری")]
    assert count_cases(ctx, CaseQuery(status="closed")) == 0
    worker_ctx = as_actor(ctx, other.id, "social_worker")
    assert names(list_cases(worker_ctx, CaseQuery())) == [("نیما", "نوری")]


def test_sort_by_file_number_descending(ctx, files):
    rows = list_cases(ctx, CaseQuery(sort="behzisti_file_number", descending=True), 0, 3)
    assert [r.behzisti_file_number for r in rows] == ["140300009", "140300008", "140300007"]


def test_short_fragments_and_renamed_files_are_found(ctx, files, worker, contract):
    import datetime as dt

    from app.services.cases import CaseInput, update_case
    assert {r.full_name for r in list_cases(ctx, CaseQuery(text="رض"), 0, 50)} == {"علیرضا احمدی", "رضا احمدی"}
    target = list_cases(ctx, CaseQuery(text="کوثر"), 0, 1)[0]
    update_case(ctx, target.id, CaseInput(
        behzisti_file_number=target.behzisti_file_number, first_name="کوثر", last_name="ملکوتی", sex="female",
        living_arrangement="own_family", received_on=dt.date(2026, 1, 10), discharge_date=dt.date(2024, 5, 1),
        social_worker_id=worker.id, contract_id=contract.id))
    assert [r.id for r in list_cases(ctx, CaseQuery(text="ملکوت"), 0, 50)] == [target.id]
    assert list_cases(ctx, CaseQuery(text="چراغی"), 0, 50) == []


def test_the_trigram_index_is_used(ctx, files):
    assert ctx.db.has_name_index


def test_long_and_short_fragments_together_for_a_social_worker(ctx, files, worker):
    worker_ctx = as_actor(ctx, worker.id, "social_worker")
    assert {r.full_name for r in list_cases(worker_ctx, CaseQuery(text="علیرضا اح"), 0, 50)} == {"علیرضا احمدی"}
    assert {r.full_name for r in list_cases(worker_ctx, CaseQuery(text="اح رضا"), 0, 50)} == {"علیرضا احمدی",
                                                                                          "رضا احمدی"}
    assert count_cases(worker_ctx, CaseQuery(text="رض اح")) == 2


@pytest.mark.parametrize("count_from, walk_from, numbers_up_to, stream_from",
                         [(1000, 5000, 20000, 20000), (1, 2, 5, 20000), (1, 2, 5, 0)])
def test_index_shortcuts_agree_with_reading_every_file(ctx, make_case, monkeypatch, count_from, walk_from,
                                                       numbers_up_to, stream_from):
    """Counts and pages taken through the name index (looked up, walked, subtracted by status)
    are those of testing every file; small thresholds force every shortcut on a small list."""
    import datetime as dt

    from app.services import caselist
    from app.services.cases import change_status
    from app.persian import normalize_text, search_key
    monkeypatch.setattr(caselist, "COUNT_BY_STATUS_FROM", count_from)
    monkeypatch.setattr(caselist, "WALK_FROM", walk_from)
    monkeypatch.setattr(caselist, "COUNT_NUMBERS_UP_TO", numbers_up_to)
    monkeypatch.setattr(caselist, "STREAM_MATCHES_FROM", stream_from)  # w37: matches streamed past the statuses
    firsts, lasts = ("مهسا", "محمد", "علی", "زهرا", "رضا"), ("عباسی", "محمدی", "رضایی", "مهری", "کاظمی", "عبدی")
    made = [make_case(first_name=f, last_name=last, priority=(i % 7 == 0), behzisti_file_number=f"14{i % 3}{i:03d}",
                      priority_reason="نیاز فوری" if i % 7 == 0 else "")
            for i, (f, last) in enumerate((f, last) for f in firsts for last in lasts)]
    for i, saved in enumerate(made):
        if i % 4 == 1:
            change_status(ctx, saved.id, "closed" if i % 8 == 1 else "returned",
                          on=dt.date(2026, 2, 1), reason="پایان کار")
    everything = list_cases(ctx, CaseQuery(status=None), 0, 1000)
    assert len(everything) == len(made)

    def matches(row, text):
        if text.isdigit():
            return any((number or "").startswith(text) for number in (
                row.behzisti_file_number, row.clinic_file_number, row.national_code))
        key = search_key(f"{row.first_name} {row.last_name}")
        return all(search_key(t) in key for t in normalize_text(text).split())

    for text in ("م", "مه", "مهسا", "مهسا ع", "مهسا عب", "ع ی", "رضا", "علی م", "ی", "محمد",
                 "1", "14", "141", "2", "140007"):
        for status in ("active", "closed", "returned", None):
            expected = [r.id for r in everything if matches(r, text) and status in (None, r.status)]
            query = CaseQuery(text=text, status=status)
            assert count_cases(ctx, query) == len(expected), (text, status)
            assert [r.id for r in list_cases(ctx, query, 0, 1000)] == expected, (text, status)
            assert [r.id for r in list_cases(ctx, query, 2, 3)] == expected[2:5], (text, status)


def test_list_all_cases_gives_as_many_rows_as_asked_past_one_page(ctx, files, monkeypatch):
    """`cases list --limit N` used to stop silently at one page (1,000 rows): a small page size
    here makes a short list span several pages, read in one transaction, in order, none twice."""
    from app.services import caselist
    everything = [r.id for r in list_cases(ctx, CaseQuery(), 0, 100)]
    assert len(everything) == 10
    monkeypatch.setattr(caselist, "MAX_PAGE", 3)
    assert len(list_cases(ctx, CaseQuery(), 0, 100)) == 3  # one call: one page at most
    assert [r.id for r in caselist.list_all_cases(ctx, CaseQuery(), 7)] == everything[:7]
    assert [r.id for r in caselist.list_all_cases(ctx, CaseQuery(), 9)] == everything[:9]
    assert [r.id for r in caselist.list_all_cases(ctx, CaseQuery(), 500)] == everything
    assert [r.id for r in caselist.list_all_cases(ctx, CaseQuery(text="احمدی"), 500)] == [
        r.id for r in list_cases(ctx, CaseQuery(text="احمدی"), 0, 3)]


def test_kept_statements_never_carry_one_users_scope_or_values_to_another(ctx, files, make_staff, make_case):
    """Statements are kept per shape of search (issue 17): two social workers (and a
    psychologist) asking the very same shapes one after another each see only their own files,
    and the values of one search never leak into the next of the same shape."""
    first = make_staff("social_worker", "هادی", "اول")
    second = make_staff("social_worker", "هادی", "دوم")
    psych = make_staff("psychologist", "نگار", "سوم")
    mine = make_case(first_name="نیما", last_name="احمدی‌نژاد", social_worker_id=first.id)
    theirs = make_case(first_name="نیما", last_name="احمدی‌فر", social_worker_id=second.id, psychologist_id=psych.id)
    for _ in range(2):
        for who, role, expected in ((first, "social_worker", [mine.id]), (second, "social_worker", [theirs.id]),
                                    (psych, "psychologist", [theirs.id])):
            actor_ctx = as_actor(ctx, who.id, role)
            for text in ("نیما", "نیما اح", "نی", "ن", ""):
                assert [r.id for r in list_cases(actor_ctx, CaseQuery(text=text), 0, 50)] == expected, (role, text)
                assert count_cases(actor_ctx, CaseQuery(text=text)) == len(expected)
    assert {r.full_name for r in list_cases(ctx, CaseQuery(text="رضا"), 0, 50)} == {"علیرضا احمدی", "رضا احمدی"}
    assert {r.full_name for r in list_cases(ctx, CaseQuery(text="سارا"), 0, 50)} == {"سارا بهرامی"}
    assert [r.behzisti_file_number for r in list_cases(ctx, CaseQuery(text="140300003"), 0, 50)] == ["140300003"]
    assert [r.behzisti_file_number for r in list_cases(ctx, CaseQuery(text="140300007"), 0, 50)] == ["140300007"]


def test_list_rows_are_whole_case_rows_as_the_dataclass_makes_them(ctx, files):
    """The list writes a CaseRow's fields straight into it (w37: its __init__ was a quarter of a
    search's own time); a field added to CaseRow and forgotten there must fail here."""
    import dataclasses

    from app.persian import age_in_years
    from app.services.views import CaseRow
    rows = list_cases(ctx, CaseQuery(), 0, 50)
    assert len(rows) == len(NAMES)
    wanted = {f.name for f in dataclasses.fields(CaseRow)}
    for row in rows:
        assert type(row) is CaseRow and set(vars(row)) == wanted
        assert row == CaseRow(**dataclasses.asdict(row))
        assert row.full_name == f"{row.first_name} {row.last_name}"
        assert row.age_years == age_in_years(row.birth_date, ctx.today())
        with pytest.raises(dataclasses.FrozenInstanceError):
            row.first_name = "x"
