"""Interface language: Qt translations compiled from ``resources/i18n/annotator_LANG.ts`` by pyside6-lrelease.

Every user-visible string goes through ``QCoreApplication.translate("annotator", text)``; the ``.qm`` files
ship in the wheel as ``annotator.resources/i18n``.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from annotator.core.resources import resource_path

LANGUAGES = ("en", "ko")
_installed: QTranslator | None = None
_installed_qt: QTranslator | None = None


def tr(text: str) -> str:
    """``text`` in the installed interface language (context ``annotator``, the one the .ts file uses)."""
    return QCoreApplication.translate("annotator", text)


def n(text: str) -> str:
    """Marks ``text`` for translation where it is declared; `tr` translates it where it is shown."""
    return text


_MNEMONIC_SUFFIX = re.compile(r"\s*\(&[^&\s]\)")


def strip_mnemonic(text: str) -> str:
    """Menu text as plain text: ``"&Save"`` -> ``"Save"``, and the Korean ``"저장(&S)"`` -> ``"저장"`` (not
    ``"저장(S)"``: the bracket exists only to carry the Alt key in a menu)."""
    text = _MNEMONIC_SUFFIX.sub("", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def qm_path(code: str) -> str:
    return str(resource_path(f"i18n/annotator_{code}.qm"))


def resolve_language(code: str) -> str:
    """``code``, or the system locale's language when ``code`` is empty; English when unsupported."""
    if not code:
        code = QLocale.system().name().split("_")[0]
    return code if code in LANGUAGES else "en"


def install_translator(code: str = "") -> str:
    """Install the translation for ``code`` ("" = system locale) in the running application, replacing the
    previous one (widgets get a LanguageChange event). Returns the language now in use."""
    global _installed, _installed_qt
    app = QCoreApplication.instance()
    if app is None:
        raise RuntimeError("install_translator needs a QApplication")
    language = resolve_language(code)
    for old in (_installed, _installed_qt):
        if old is not None:
            app.removeTranslator(old)
    _installed = _installed_qt = None
    if language != "en":
        # Qt's own texts (OK, Cancel, Close, Yes, No, the file dialogs) from the translations PySide6 ships.
        qt_translator = QTranslator(app)
        if qt_translator.load(
            f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        ):
            app.installTranslator(qt_translator)
            _installed_qt = qt_translator
        translator = QTranslator(app)
        if translator.load(qm_path(language)):
            app.installTranslator(translator)
            _installed = translator
        else:
            language = "en"
    return language
