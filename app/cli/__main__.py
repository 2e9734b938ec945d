"""`python -m app.cli` kept working after app/cli.py became this package (scripts outside the repo use it)."""
import sys

from app.cli import main

sys.exit(main())
