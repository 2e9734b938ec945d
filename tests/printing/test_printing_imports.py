import subprocess
import sys
from pathlib import Path

# The documents are drawn from plain data: no Qt, and no database session behind them.
SCRIPT = """
import sys
sys.modules["PySide6"] = None
import app.printing.layout, app.printing.export, app.printing.samples
import app.printing.documents.monthly_report, app.printing.documents.case_summary
import app.printing.documents.review_form, app.printing.documents.invoice
import app.printing.documents.signature_stamp
assert not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules if sys.modules[name])
assert "app.storage" not in sys.modules and "app.services" not in sys.modules
"""


def test_printing_imports_without_qt_or_storage():
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", SCRIPT], check=True, cwd=root)
