"""Parvandeh (پرونده): case files for social-work clinics."""


def _version() -> str:
    """The one version number is pyproject.toml's: read from the installed metadata (a wheel, an
    editable install, a bundle that copied it), else from pyproject.toml beside a bare checkout."""
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("parvandeh")
    except PackageNotFoundError:
        import tomllib
        from pathlib import Path
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "0+unknown"


def __getattr__(name: str) -> str:
    # Read on first use, not at import: importlib.metadata costs ~40 ms, and the command line's
    # read commands never print the version.
    if name == "__version__":
        globals()["__version__"] = version = _version()
        return version
    raise AttributeError(f"module 'app' has no attribute {name!r}")
