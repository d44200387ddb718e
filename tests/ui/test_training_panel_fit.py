"""The Training panel's settings fit the side panel's width on a first start's window at 1366 x 768 and at
1920 x 1080 (its 1440 x 900 window), in English and Korean, whatever weights are chosen: no sideways scroll bar,
no combo box cut at the right edge, no label narrower than its text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QWidget

from annotator.ui.model.features import install_model_features


@pytest.mark.parametrize("size", [(1366, 768), (1440, 900)])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_settings_page_fits_the_panel_without_scrolling_sideways(
    qtbot, window, image_folder, size, language
):
    window.open_path(image_folder)
    features = install_model_features(window)
    window.resize(*size)
    window.place_side_docks(features.side_docks)  # as at a first start
    if language == "ko":
        window.actions.language_ko.trigger()
    dock = features.training_dock
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F9)
    qtbot.waitExposed(dock)
    scroll = dock.settings_page
    page = scroll.widget()
    assert dock.width() <= size[0] * 0.3 + 20  # a side panel, not half the window
    for weights in ("none", "imagenet", "file"):
        dock.weights.setCurrentIndex(dock.weights.findData(weights))
        qtbot.wait(20)  # the layout settles
        where = f"{size} {language} weights={weights}"
        assert scroll.horizontalScrollBar().maximum() == 0, where
        assert page.width() <= scroll.viewport().width(), where
        for field in [w for w in page.findChildren(QWidget) if w.isVisible()]:
            right = field.mapTo(page, field.rect().topRight()).x()
            assert right < scroll.viewport().width(), f"{where}: {type(field).__name__} {field.objectName()}"
            if isinstance(field, QComboBox):
                assert field.width() >= field.minimumSizeHint().width(), f"{where}: {field.currentText()}"
            if isinstance(field, QLabel) and not field.wordWrap() and field.text():
                assert field.width() >= field.sizeHint().width(), f"{where}: label {field.text()!r} clipped"
        assert dock.weights_status.isVisible() == (weights == "imagenet")
    features.client.shutdown()
