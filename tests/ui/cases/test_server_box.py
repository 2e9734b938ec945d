"""Settings: point this PC at the clinic's server, only after the connection test passed."""

import os

import pytest

from app.storage import connect
from app.ui.widgets.server_box import ServerBox

PG_URL = os.environ.get("PARVANDEH_TEST_PG_URL")


def test_a_bad_address_is_told_in_persian_and_cannot_be_saved(qtbot, manager_session):
    box = ServerBox(manager_session)
    qtbot.addWidget(box)
    box.url.setText("mysql://somewhere/db")
    box.test()
    qtbot.waitUntil(lambda: box.test_button.isEnabled(), timeout=10000)
    assert "postgresql://" in box.result.text()
    assert not box.save_button.isEnabled()
    assert connect.saved_url(manager_session.data_dir) == ""


def test_a_working_server_is_tested_then_saved_for_this_pc(qtbot, manager_session):
    if not PG_URL:
        if os.environ.get("CI"):
            pytest.fail("CI must provide PostgreSQL (PARVANDEH_TEST_PG_URL)")
        pytest.skip("PARVANDEH_TEST_PG_URL is not set")
    box = ServerBox(manager_session)
    qtbot.addWidget(box)
    box.url.setText(PG_URL.replace("postgresql+psycopg://", "postgresql://"))
    box.test()
    qtbot.waitUntil(lambda: box.save_button.isEnabled(), timeout=10000)
    assert box.result.text().startswith("اتصال برقرار شد")
    box.save()
    assert connect.saved_url(manager_session.data_dir) == PG_URL
    box.resize(640, 220)
    box.show()
    qtbot.waitExposed(box)
    box.grab().save("/tmp/w12-serverbox.png")
