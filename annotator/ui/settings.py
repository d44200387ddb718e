"""Typed access to the app's persistent settings (QSettings; tests point it at a temp folder)."""

from __future__ import annotations

import hashlib
import json

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "FlowerAnnotator"
APPLICATION = "FlowerAnnotator"
MAX_RECENT = 10
SAVE_FORMATS = ("voc", "yolo", "createml")


class Settings:
    """The window's settings: layout, recent folders, last image per folder, save format, autosave,
    single-class mode, label history, class colours, language.

    Args:
        qsettings: the store; by default ``QSettings(ORGANIZATION, APPLICATION)`` (per user).
    """

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.store = qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)

    def _get(self, key: str, default, kind=None):
        value = self.store.value(key, default)
        if kind is bool:
            return value in (True, "true", "1", 1)
        if kind is not None:
            try:
                return kind(value)
            except (TypeError, ValueError):
                return default
        return value

    def _json(self, key: str, default):
        raw = self.store.value(key, "")
        try:
            value = json.loads(raw) if raw else default
        except (TypeError, ValueError):
            return default
        return value if isinstance(value, type(default)) else default

    def sync(self) -> None:
        self.store.sync()

    # Window layout -----------------------------------------------------------------------------------------
    @property
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) else None

    @geometry.setter
    def geometry(self, value: QByteArray) -> None:
        self.store.setValue("window/geometry", value)

    @property
    def window_state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) else None

    @window_state.setter
    def window_state(self, value: QByteArray) -> None:
        self.store.setValue("window/state", value)

    # Folders -----------------------------------------------------------------------------------------------
    @property
    def recent_folders(self) -> list[str]:
        return [str(p) for p in self._json("recent_folders", [])]

    def add_recent_folder(self, folder: str) -> None:
        folders = [folder] + [f for f in self.recent_folders if f != folder]
        self.store.setValue("recent_folders", json.dumps(folders[:MAX_RECENT]))

    def last_image(self, folder: str) -> str:
        """The image the user was on when they last left ``folder`` (``""`` when unknown)."""
        return str(self.store.value(f"last_image/{_key(folder)}", ""))

    def set_last_image(self, folder: str, image: str) -> None:
        self.store.setValue(f"last_image/{_key(folder)}", image)

    @property
    def last_save_dir(self) -> str:
        return str(self.store.value("last_save_dir", ""))

    @last_save_dir.setter
    def last_save_dir(self, value: str) -> None:
        self.store.setValue("last_save_dir", value)

    # Editing -----------------------------------------------------------------------------------------------
    @property
    def save_format(self) -> str:
        value = str(self.store.value("save_format", "voc"))
        return value if value in SAVE_FORMATS else "voc"

    @save_format.setter
    def save_format(self, value: str) -> None:
        if value not in SAVE_FORMATS:
            raise ValueError(f"unknown save format {value!r}; expected one of {SAVE_FORMATS}")
        self.store.setValue("save_format", value)

    @property
    def autosave(self) -> bool:
        return self._get("autosave", True, bool)

    @autosave.setter
    def autosave(self, value: bool) -> None:
        self.store.setValue("autosave", bool(value))

    @property
    def single_class(self) -> str:
        """The label every new box gets without asking; ``""`` when single-class mode is off."""
        return str(self.store.value("single_class", ""))

    @single_class.setter
    def single_class(self, value: str) -> None:
        self.store.setValue("single_class", value)

    @property
    def show_labels(self) -> bool:
        return self._get("show_labels", True, bool)

    @show_labels.setter
    def show_labels(self, value: bool) -> None:
        self.store.setValue("show_labels", bool(value))

    @property
    def label_history(self) -> list[str]:
        return [str(x) for x in self._json("label_history", [])]

    def add_label_to_history(self, label: str) -> None:
        history = [label] + [x for x in self.label_history if x != label]
        self.store.setValue("label_history", json.dumps(history[:50]))

    @property
    def class_colors(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._json("class_colors", {}).items()}

    def set_class_color(self, name: str, color: str) -> None:
        colors = self.class_colors
        colors[name] = color
        self.store.setValue("class_colors", json.dumps(colors))

    @property
    def language(self) -> str:
        """``""`` = the system locale, else a language code such as ``"ko"`` or ``"en"``."""
        return str(self.store.value("language", ""))

    @language.setter
    def language(self, value: str) -> None:
        self.store.setValue("language", value)


def _key(folder: str) -> str:
    return hashlib.sha1(folder.encode("utf-8")).hexdigest()[:16]
