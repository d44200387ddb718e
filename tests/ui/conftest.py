"""UI test fixtures: isolated QSettings, a small folder of generated JPEGs, and a shown MainWindow."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QSettings

from annotator.ui.settings import Settings


def write_jpeg(path: Path, width: int = 200, height: int = 150, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    image = np.zeros((height, width, 3), np.uint8)
    image[:] = rng.integers(40, 200, 3)
    cv2.circle(image, (width // 2, height // 2), min(width, height) // 4, (0, 200, 255), -1)
    cv2.imwrite(str(path), image)
    return path


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """A Settings backed by an INI file in tmp_path (never the user's)."""
    return Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def image_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    for i in range(4):
        write_jpeg(folder / f"img_{i:02d}.jpg", seed=i)
    return folder


@pytest.fixture
def window(qtbot, settings):
    from annotator.ui.main_window import MainWindow

    win = MainWindow(settings=settings)
    win.resize(900, 600)
    win.show()
    qtbot.waitExposed(win)
    yield win
    for stack in win._stacks.values():  # closing must not ask about unsaved test edits
        stack.setClean()
    win.autosave_timer.stop()
    win.close()
    win.cache.shutdown()
    win.deleteLater()
