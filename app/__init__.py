"""Parvandeh (پرونده): case files for social-work clinics."""

__version__ = "0.1.0"
