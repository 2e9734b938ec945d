"""The domain's enumerations, kept in app.enums (importable without SQLAlchemy); re-exported here
because the models and services have always imported them from this module."""

from app.enums import *  # noqa: F401,F403
from app.enums import LabelledEnum, PERSIAN_MONTHS  # noqa: F401
