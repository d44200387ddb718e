"""The mouse wheel over a side panel scrolls the panel; it changes a combo box, spin box or slider only once that
field has keyboard focus (a click gives it). Real QWheelEvents sent to the fields of the real panels."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QDockWidget, QSlider, QWidget

from annotator.ui.model.features import install_model_features
from annotator.ui.wheel_guard import GUARDED_FIELDS


def _wheel(widget, notches: int) -> None:
    """Turn the wheel over the middle of ``widget``: ``notches`` > 0 away from the user (up), < 0 towards."""
    local = QPointF(widget.width() / 2, widget.height() / 2)
    event = QWheelEvent(
        local,
        QPointF(widget.mapToGlobal(local.toPoint())),
        QPoint(0, 0),
        QPoint(0, 120 * notches),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    QApplication.sendEvent(widget, event)


def _value(field) -> float:
    if isinstance(field, QComboBox):
        return field.currentIndex()
    return field.value()


def _movable_notches(field) -> int | None:
    """A wheel direction that changes ``field`` when it takes the turn, or None when nothing can change it."""
    if isinstance(field, QComboBox):
        if field.count() < 2:
            return None
        return -1 if field.currentIndex() < field.count() - 1 else 1  # wheel towards the user: the next entry
    low, high = field.minimum(), field.maximum()
    if low == high:
        return None
    return 1 if field.value() < high else -1


def test_the_wheel_scrolls_the_training_settings_and_changes_a_field_only_with_focus(
    qtbot, window, image_folder
):
    window.open_path(image_folder)
    features = install_model_features(window)
    window.resize(1366, 768)
    window.place_side_docks(features.side_docks)
    dock = features.training_dock
    dock.show()
    dock.raise_()
    qtbot.waitExposed(dock)
    scroll = dock.settings_page
    bar = scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0)  # the settings are taller than the panel at 1366 x 768
    bar.setValue(0)

    epochs = dock.epochs
    before = epochs.value()
    _wheel(epochs, -1)  # towards the user: a panel scrolls down
    assert epochs.value() == before and not epochs.hasFocus()
    assert bar.value() > 0, "the panel did not scroll"

    combo = dock.backbone
    index = combo.currentIndex()
    scrolled = bar.value()
    _wheel(combo, 1)  # up again
    _wheel(combo, -1)
    _wheel(combo, -1)
    assert combo.currentIndex() == index and bar.value() > scrolled

    # Once the field has focus (a click), the wheel is the field's.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    bar.setValue(0)
    qtbot.mouseClick(epochs, Qt.MouseButton.LeftButton, pos=QPoint(8, epochs.height() // 2))
    qtbot.waitUntil(epochs.hasFocus)
    _wheel(epochs, 1)
    assert epochs.value() == before + 1 and bar.value() == 0
    features.client.shutdown()


def test_every_field_of_every_panel_ignores_the_wheel_until_it_has_focus(qtbot, window, image_folder):
    window.open_path(image_folder)
    features = install_model_features(window)
    window.place_side_docks(features.side_docks)
    docks = {
        "Training": features.training_dock,
        "Model": features.model_panel,
        "Evaluation": features.evaluation_dock,
        "Mistakes": features.mistakes_dock,
        "Files": window.file_dock,
    }
    assert set(window.findChildren(QDockWidget)) >= set(docks.values())
    window.setFocus()
    tried = []
    for name, dock in docks.items():
        for field in [w for w in dock.findChildren(QWidget) if isinstance(w, GUARDED_FIELDS)]:
            notches = _movable_notches(field)
            if notches is None or not field.isEnabled():
                continue
            assert field.focusPolicy() != Qt.FocusPolicy.WheelFocus, field.objectName()
            before = _value(field)
            _wheel(field, notches)
            assert _value(field) == before, (
                f"{name}: the wheel changed a {type(field).__name__} without focus"
            )
            tried.append((name, type(field).__name__))
    kinds = {kind for _, kind in tried}
    panels = {name for name, _ in tried}
    assert {"QComboBox", "QSpinBox", "QSlider"} <= kinds and {"Training", "Model", "Evaluation"} <= panels, (
        tried
    )

    # The guard, not a disabled field, kept the values: a focused slider of the Model panel takes the wheel.
    slider = features.model_panel.findChild(QSlider)
    slider.setValue((slider.minimum() + slider.maximum()) // 2)
    features.model_panel.show()
    slider.setFocus()
    before = slider.value()
    _wheel(slider, 1)
    assert slider.value() != before
    assert isinstance(features.training_dock.image_size, QAbstractSpinBox)
    features.client.shutdown()
