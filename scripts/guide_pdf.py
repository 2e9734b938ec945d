"""Print the Persian user guide (docs/guide/*.md) as PDF with the clinic documents' layout.

    python scripts/guide_pdf.py [--out docs/guide/parvandeh-guide.pdf]

Look at every page (pdftoppm -png): headings, lists, pictures, the shortcut table, and keys
such as Ctrl+F inside Persian lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.printing.data import ClinicInfo  # noqa: E402
from app.printing.guide import read_guide, render_guide_pdf  # noqa: E402
from app.resources import guide_dir  # noqa: E402

# The guide is the program's, not one clinic's: the header names the program.
CLINIC = ClinicInfo(name="پرونده — نرم‌افزار کلینیک مددکاری اجتماعی", licence_number="", licence_province="",
                    address="", phones=(), manager_name="")
# fixed, on Tehran's clock as the documents print it: the same file from the same text
PRINTED_AT = dt.datetime(2026, 12, 3, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=3, minutes=30)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=guide_dir() / "parvandeh-guide.pdf")
    args = parser.parse_args()
    folder = guide_dir()
    render_guide_pdf(read_guide(folder), folder, args.out, clinic=CLINIC, generated_at=PRINTED_AT)
    print(args.out)


if __name__ == "__main__":
    main()
