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


__version__ = _version()
