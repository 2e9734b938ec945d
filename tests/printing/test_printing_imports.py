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


# An unsigned monthly report must not pay for the signing stack (pyHanko's signers, aiohttp behind
# them: about a second to import on the clinic's PCs); signing and verifying import it themselves.
UNSIGNED = """
import io, sys
import app.services.reports, app.printing.export, app.printing.embed
from app.printing.samples import sample_monthly_report
from app.printing.export import monthly_report_xlsx
from app.printing.documents.monthly_report import render_monthly_report
render_monthly_report(sample_monthly_report(3), io.BytesIO())
monthly_report_xlsx(sample_monthly_report(3), io.BytesIO())
loaded = [name for name in sys.modules if name.startswith(("aiohttp", "pyhanko.sign", "app.printing.signing",
                                                           "app.printing.verify"))]
assert not loaded, loaded
"""


def test_an_unsigned_report_does_not_import_the_signing_stack():
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", UNSIGNED], check=True, cwd=root)
