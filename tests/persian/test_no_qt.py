import subprocess
import sys
from pathlib import Path

# The core must stay usable from the command line and a future server: no Qt behind app.persian.
SCRIPT = """
import sys
sys.modules["PySide6"] = None
import app.persian
assert not any(name.startswith(("PySide6", "PyQt")) for name in sys.modules if sys.modules[name])
# Nor the database layer: models may import app.persian, so the reverse would be a cycle.
assert "app.models" not in sys.modules and "sqlalchemy" not in sys.modules
"""


def test_app_persian_imports_without_qt():
    root = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-c", SCRIPT], check=True, cwd=root)
