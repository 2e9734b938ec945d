"""`python -m app.cli` kept working after app/cli.py became this package (scripts outside the repo use it)."""
import sys

from app.cli import main

if __name__ == "__main__":  # imported (the self-test imports every module), it must not start the program
    sys.exit(main())
