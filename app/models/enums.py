"""The domain's enums now live in `app.domain.enums` (no ORM behind them); this name stays for
the ORM side and for code written against the old path."""

from app.domain.enums import *  # noqa: F401,F403
from app.domain.enums import PERSIAN_MONTHS, LabelledEnum  # noqa: F401
