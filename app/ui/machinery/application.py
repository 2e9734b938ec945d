"""Creating the QApplication: right to left, Persian locale, Vazirmatn, the stylesheet.

Everything here must happen before the first widget is built: a widget takes its layout
direction and locale when it is created.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QStandardPaths, Qt, QTranslator
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.resources import font_path
from app.ui.machinery.pyside_guard import keep_singletons_alive
from app.ui.machinery.keyboard import install_shortcut_tips
from app.ui.machinery.screen_fit import install_screen_fitter
from app.ui.machinery.style import build_stylesheet

log = logging.getLogger(__name__)

APP_NAME = "Parvandeh"
ORGANISATION = "Parvandeh"
DISPLAY_NAME = "پرونده"
FONT_FAMILY = "Vazirmatn"
FONT_POINT_SIZE = 10
FONT_WEIGHTS = ("Regular", "Medium", "Bold")
_CONFIGURED = "parvandehConfigured"  # a second call must not load fonts and translations twice


def persian_locale() -> QLocale:
    """Persian (Iran) with Persian digits but no group separator.

    The Persian locale writes 1405 as ۱٬۴۰۵; years, file numbers and national codes must never
    look like that. Amounts that need grouping use app.persian.format_number instead.
    """
    locale = QLocale(QLocale.Language.Persian, QLocale.Country.Iran)
    locale.setNumberOptions(QLocale.NumberOption.OmitGroupSeparator)
    return locale


def load_fonts() -> bool:
    """Register the bundled Vazirmatn weights; False if one could not be loaded."""
    ok = True
    for weight in FONT_WEIGHTS:
        if QFontDatabase.addApplicationFont(str(font_path(weight))) < 0:
            log.warning("font not loaded: %s", font_path(weight))
            ok = False
    return ok


def application_font() -> QFont:
    font = QFont(FONT_FAMILY, FONT_POINT_SIZE)
    # Hinting moves Persian dots and joins at small sizes; draw the outlines as designed.
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    return font


def _arrow_folder() -> Path:
    """Where the stylesheet's arrow images are drawn: the user's cache folder (needs the
    application name set), drawn at each start and written when they differ from the files there."""
    cache = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(cache or tempfile.gettempdir()) / "style"


def _install_qt_translations(app: QApplication) -> None:
    """Qt's own words (OK, Cancel, the context menu of a line edit) in Persian."""
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(persian_locale(), "qtbase", "_", folder):
        app.installTranslator(translator)
    else:
        log.warning("Qt's Persian translation not found in %s", folder)


def create_application(argv: Sequence[str] | None = None) -> QApplication:
    """The configured QApplication (an existing one, e.g. in tests, is configured and reused)."""
    if keep_singletons_alive():
        log.info("PySide6 reference-count guard applied (see app/ui/machinery/pyside_guard.py)")
    QLocale.setDefault(persian_locale())
    app = QApplication.instance() or QApplication(list(argv or []))
    if app.property(_CONFIGURED):
        return app
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationDisplayName(DISPLAY_NAME)
    app.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    # Fusion draws the same on Windows and Linux and follows the stylesheet faithfully.
    app.setStyle("Fusion")
    load_fonts()
    app.setFont(application_font())
    app.setStyleSheet(build_stylesheet(_arrow_folder()))
    _install_qt_translations(app)
    install_screen_fitter(app)  # no window bigger than a clinic PC's screen
    install_shortcut_tips(app)  # every button with a shortcut says it in its tooltip
    app.setProperty(_CONFIGURED, True)
    return app
