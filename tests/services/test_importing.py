"""Importing Behzisti's list of case files: every row checked by the form's rules, all or nothing."""

import datetime as dt

import pytest
from openpyxl import Workbook, load_workbook

from app.errors import PermissionDenied, ValidationError
from app.persian import make_national_code
from app.services.audit import count_audit, AuditQuery
from app.services.caselist import CaseQuery, count_cases, list_cases
from app.services.importing import HEADERS, ImportCancelled, import_cases, read_rows, write_template
from tests.conftest import as_actor

# columns in another order than the template, one header with Arabic letters and no ZWNJ
HEADER = ["نام", "نام خانوادگي", "شماره پرونده بهزيستي", "کد ملی", "جنسیت", "وضعیت زندگی", "تاریخ ترخیص",
          "تاریخ دریافت", "نام پدر", "دلیل اولویت"]
CODE_WITH_ZERO = make_national_code("001234567")  # Excel keeps it as a number and drops the zeros


def good_rows():
    return [
        ["مهسا", "كريمي", "140300101", int(CODE_WITH_ZERO), "دختر", "خانواده خودی", "۱۴۰۳/۰۲/۱۰", "1404/10/01", "علی", ""],
        ["آرش", "یوسفی", "١٤٠٣٠٠١٠٢", "", "پسر", "بستگان", dt.datetime(2024, 1, 5), "1404/09/15", "", "خطر ترک تحصیل"],
        ["نگار", "صالحی", 140300103, None, "مونث", "فرزندپذیر", None, None, "", ""],
    ]


def xlsx(tmp_path, rows, header=HEADER, name="list.xlsx"):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def run(ctx, path, contract, worker, **kwargs):
    return import_cases(ctx, read_rows(path), contract_id=contract.id, social_worker_id=worker.id, **kwargs)


def test_a_list_is_imported_whole_with_its_persian_and_arabic_forms(ctx, tmp_path, contract, worker):
    before = count_audit(ctx, AuditQuery())
    result = run(ctx, xlsx(tmp_path, good_rows()), contract, worker)
    assert result.ok and result.created == 3 and result.already_present == ()
    rows = {r.behzisti_file_number: r for r in list_cases(ctx, CaseQuery(status=None), 0, 10)}
    assert set(rows) == {"140300101", "140300102", "140300103"}
    first = rows["140300101"]
    assert (first.first_name, first.last_name) == ("مهسا", "کریمی")  # ي/ك made Persian
    assert first.national_code == CODE_WITH_ZERO and CODE_WITH_ZERO.startswith("00")
    assert first.received_on == dt.date(2025, 12, 22)  # ۱۴۰۴/۱۰/۰۱
    assert rows["140300102"].priority and not first.priority
    assert [r.id for r in list_cases(ctx, CaseQuery(text="کریمی"), 0, 5)] == [first.id]
    assert count_audit(ctx, AuditQuery()) == before + 3  # each file's creation is in the trail


def test_one_bad_row_is_reported_by_line_and_column_and_nothing_is_saved(ctx, tmp_path, contract, worker):
    rows = good_rows()
    rows[1][3] = "1234567890"  # a wrong check digit
    rows.append(["", "بی‌نام", "140300104", "", "دختر", "مستقل", "", "", "", ""])
    rows.append(["سارا", "نیکو", "140300105", "", "نامعلوم", "خانواده خودی", "", "", "", ""])
    result = run(ctx, xlsx(tmp_path, rows), contract, worker)
    assert not result.ok and result.created == 0
    found = {(p.line, p.column) for p in result.problems}
    assert found == {(3, "کد ملی"), (5, "نام"), (6, "جنسیت")}  # lines as Excel numbers them
    assert all(p.message for p in result.problems)
    assert count_cases(ctx, CaseQuery(status=None)) == 0


def test_the_same_list_again_skips_the_files_already_in_the_program(ctx, tmp_path, contract, worker):
    path = xlsx(tmp_path, good_rows())
    run(ctx, path, contract, worker)
    again = run(ctx, path, contract, worker)
    assert again.ok and again.created == 0 and again.already_present == (2, 3, 4)
    assert count_cases(ctx, CaseQuery(status=None)) == 3


def test_a_number_twice_in_one_list_is_a_problem(ctx, tmp_path, contract, worker):
    rows = good_rows()
    rows[2][2] = "140300101"
    result = run(ctx, xlsx(tmp_path, rows), contract, worker)
    assert [(p.line, p.column) for p in result.problems] == [(4, "شماره پرونده بهزیستی")]
    assert "ردیف ۲" in result.problems[0].message


def test_a_check_saves_nothing_and_says_how_many_are_ready(ctx, tmp_path, contract, worker):
    result = run(ctx, xlsx(tmp_path, good_rows()), contract, worker, check_only=True)
    assert result.ok and result.checked_only and result.ready == 3 and result.created == 0
    assert count_cases(ctx, CaseQuery(status=None)) == 0


def test_cancelling_saves_nothing(ctx, tmp_path, contract, worker):
    seen = []
    with pytest.raises(ImportCancelled):
        run(ctx, xlsx(tmp_path, good_rows()), contract, worker,
            progress=lambda done, total: seen.append(done), cancel=lambda: len(seen) >= 2)
    assert count_cases(ctx, CaseQuery(status=None)) == 0


def test_only_the_manager_imports(ctx, tmp_path, contract, worker):
    with pytest.raises(PermissionDenied):
        run(as_actor(ctx, worker.id, "social_worker"), xlsx(tmp_path, good_rows()), contract, worker)


def test_a_file_without_the_required_columns_is_refused_by_name(tmp_path):
    with pytest.raises(ValidationError) as refused:
        read_rows(xlsx(tmp_path, [["x", "y"]], header=["نام", "کد ملی"]))
    assert refused.value.field == "file"
    assert "«نام خانوادگی»" in refused.value.message and "«جنسیت»" in refused.value.message
    for name, content in (("list.txt", b"x"), ("empty.csv", b"")):
        (tmp_path / name).write_bytes(content)
        with pytest.raises(ValidationError):
            read_rows(tmp_path / name)
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    with pytest.raises(ValidationError):
        read_rows(tmp_path / "broken.xlsx")


def test_a_csv_saved_by_a_persian_windows_excel_is_read(ctx, tmp_path, contract, worker):
    lines = [";".join(HEADER), "زهرا;احمدی;140300201;;دختر;خانواده خودی;;1404/10/01;;"]
    path = tmp_path / "list.csv"
    # the Arabic code page has no Persian ی: Excel writes the Arabic ي, read back as ی
    path.write_bytes("\r\n".join(lines).replace("ی", "ي").encode("cp1256"))
    result = run(ctx, path, contract, worker)
    assert result.ok and result.created == 1
    assert list_cases(ctx, CaseQuery(), 0, 1)[0].full_name == "زهرا احمدی"


def test_the_template_has_every_column_and_imports_once_filled(ctx, tmp_path, contract, worker):
    path = write_template(tmp_path / "template.xlsx")
    book = load_workbook(path)
    header = [cell.value for cell in book.active[1]]
    assert header == [names[0] for names in HEADERS.values()]
    assert book.active.sheet_view.rightToLeft
    values = {"شماره پرونده بهزیستی": "140300301", "نام": "یاسین", "نام خانوادگی": "ژیان", "جنسیت": "پسر",
              "وضعیت زندگی": "زندگی مستقل"}
    book.active.append([values.get(h, "") for h in header])
    book.save(path)
    assert run(ctx, path, contract, worker).created == 1
