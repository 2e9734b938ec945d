"""A long month's workbook streams through the data folder; a short one stays in memory (issue 17)."""

from __future__ import annotations

import types

from app.printing.samples import sample_monthly_report
from app.services import reports


def test_only_a_long_month_streams_its_workbook_through_the_data_folder(tmp_path, monkeypatch):
    data = sample_monthly_report(30)
    rows = sum(len(c.services) or 1 for c in data.clients)
    ctx = types.SimpleNamespace(data_dir=tmp_path)
    monkeypatch.setattr(reports, "WORKBOOK_STREAM_ROWS", rows)
    assert reports._workbook_folder(ctx, data) is None  # at the limit: in memory
    monkeypatch.setattr(reports, "WORKBOOK_STREAM_ROWS", rows - 1)
    assert reports._workbook_folder(ctx, data) == tmp_path
    # never the system's temporary folder: without a data folder, nothing streams
    assert reports._workbook_folder(types.SimpleNamespace(data_dir=None), data) is None
    assert reports._workbook_folder(types.SimpleNamespace(data_dir=tmp_path / "gone"), data) is None
