"""Settings: point this PC at the clinic's server, only after the connection test passed."""

import os

from app.storage import connect
from app.ui.widgets.server_box import ServerBox
from tests.conftest import pg_url

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
    pg_url()
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
