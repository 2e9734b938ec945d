"""The layers, checked by importing them in a fresh interpreter with a library blocked.

`sys.modules[name] = None` makes any later `import name` raise ImportError, so a module that
reaches for Qt (or, for the plain layers, SQLAlchemy) fails here instead of loading it quietly.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]



def _run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True)


def _core_modules() -> list[str]:
    names = []
    for package in ("domain", "persian", "models", "services", "printing", "storage", "office"):
        for path in sorted((ROOT / "app" / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            names.append(dotted.removesuffix(".__init__"))
    return names


def test_every_core_module_imports_with_qt_blocked():
    modules = _core_modules()
    script = ("import sys, importlib\nsys.modules['PySide6'] = None\nsys.modules['shiboken6'] = None\n"
              f"for name in {modules!r}:\n    importlib.import_module(name)\n"
              "assert not [n for n in sys.modules if n.startswith(('PySide6', 'PyQt')) and sys.modules[n]]\n")
    result = _run(script)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("module", ["app.domain", "app.domain.enums", "app.persian", "app.printing.layout",
                                    "app.printing.samples", "app.printing.export",
                                    "app.printing.documents.monthly_report",
                                    "app.printing.documents.review_form"])
def test_plain_layers_import_with_sqlalchemy_blocked(module):
    script = ("import sys\nsys.modules['sqlalchemy'] = None\nsys.modules['PySide6'] = None\n"
              f"import {module}\n"
              "assert 'app.models' not in sys.modules, 'the ORM package was loaded'\n")
    result = _run(script)
    assert result.returncode == 0, result.stderr


def test_the_blocking_itself_works():
    # A check that cannot fail proves nothing: importing the ORM with SQLAlchemy blocked must fail.
    result = _run("import sys\nsys.modules['sqlalchemy'] = None\nimport app.models\n")
    assert result.returncode != 0 and "sqlalchemy" in result.stderr


def test_models_still_offer_the_enums_to_older_imports():
    from app.domain.enums import Role
    from app.domain.enums import Role as OldRole

    assert OldRole is Role
