"""The model features installed in the real MainWindow: menus, unique shortcuts, docks, crash and close handling."""

from __future__ import annotations

import os
import signal

from PySide6.QtCore import Qt

from annotator.ui.model.features import install_model_features
from tests.ui.conftest import write_jpeg


def _all_shortcuts(window) -> list[str]:
    keys = []
    for action in window.findChildren(type(window.actions.save)):
        keys += [s.toString() for s in action.shortcuts() if not s.isEmpty()]
    return keys


def test_install_adds_menu_docks_toggles_and_no_shortcut_collides(qtbot, window, image_folder):
    window.open_path(image_folder)
    f = install_model_features(window)
    keys = _all_shortcuts(window)
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)
    view_texts = [a.text() for a in window.menus["view"].actions()]
    assert "Show prediction &IoU" in view_texts and "Show segmentation &mask" in view_texts
    assert f.training_dock.data_dir == str(image_folder)
    qtbot.waitUntil(lambda: "labelled" in f.training_dock.dataset_label.text())
    assert "4 images, 0 labelled" in f.training_dock.dataset_label.text()
    assert "label at least" in f.training_dock.dataset_label.text()  # too few images message
    assert not f.training_dock.start_button.isEnabled()
    # each overlay toggles from its shortcut, through a real key press
    for name, overlay in (("overlay_iou", "iou"), ("overlay_grid", "grid"), ("overlay_mask", "mask")):
        combo = f.actions[name].shortcut()[0]
        window.activateWindow()
        window.canvas.setFocus()
        qtbot.keyClick(window.canvas, combo.key(), combo.keyboardModifiers())
        assert overlay in f.scene.visible, name
        qtbot.keyClick(window.canvas, combo.key(), combo.keyboardModifiers())
        assert overlay not in f.scene.visible


def test_crashed_worker_is_reported_in_the_window_and_annotations_stay(qtbot, window, tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    write_jpeg(folder / "a.jpg")
    window.open_path(folder)
    f = install_model_features(window)
    with qtbot.waitSignal(f.client.worker_started, timeout=30000) as started:
        f.client.ensure_worker()
    with qtbot.waitSignal(f.client.worker_crashed, timeout=10000):
        os.kill(started.args[0], signal.SIGKILL)
    assert "killed by SIGKILL" in f.model_panel.status_label.text()
    assert "killed by SIGKILL" in window.statusBar().currentMessage()
    assert window.isVisible() and window.current_path.endswith("a.jpg")


def _in_front(dock) -> bool:
    """Open and the tab on top of its group: some of it is painted on screen."""
    return not dock.isHidden() and not dock.visibleRegion().isEmpty()


def test_f8_f9_open_bring_to_front_and_close_the_tabbed_model_and_training_panels(
    qtbot, window, image_folder
):
    """The Model and Training panels share a tab group. F9 opens the hidden Training panel on the first press;
    a panel behind the other tab stays open (its check mark too) and F8/F9 bring it to the front instead of
    closing it; only the panel in front closes."""
    window.open_path(image_folder)
    f = install_model_features(window)
    window.place_side_docks(f.side_docks)  # as run_gui does: fresh settings
    model, training = f.model_panel, f.training_dock
    f8, f9 = f.actions["toggle_model_dock"], f.actions["toggle_training_dock"]
    qtbot.waitUntil(lambda: _in_front(model))
    assert training.isHidden() and not f9.isChecked() and f8.isChecked()

    def press(key) -> None:
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        window.canvas.setFocus()
        qtbot.keyClick(window.canvas, key)

    press(Qt.Key.Key_F9)  # opens at once (it was checked while hidden: the first press did nothing)
    qtbot.waitUntil(lambda: _in_front(training))
    assert window.tabifiedDockWidgets(training) == [model]
    assert not model.isHidden() and not _in_front(model) and f8.isChecked() and f9.isChecked()
    press(Qt.Key.Key_F8)  # behind: brought to the front, not closed
    qtbot.waitUntil(lambda: _in_front(model))
    assert not _in_front(training) and not training.isHidden() and f8.isChecked() and f9.isChecked()
    press(Qt.Key.Key_F9)
    qtbot.waitUntil(lambda: _in_front(training))
    assert f8.isChecked() and not model.isHidden()
    press(Qt.Key.Key_F9)  # in front: closed; the other tab comes forward
    qtbot.waitUntil(lambda: training.isHidden())
    assert not f9.isChecked() and f8.isChecked()
    qtbot.waitUntil(lambda: _in_front(model))
    press(Qt.Key.Key_F8)
    qtbot.waitUntil(lambda: model.isHidden())
    assert not f8.isChecked()
    press(Qt.Key.Key_F8)  # and back
    qtbot.waitUntil(lambda: _in_front(model))
    assert f8.isChecked() and training.isHidden()
    evaluation, toggle = f.evaluation_dock, f.actions["toggle_evaluation_dock"]  # the third tab, Ctrl+Alt+E
    assert evaluation.isHidden() and not toggle.isChecked()
    combo = toggle.shortcut()[0]
    window.activateWindow()
    qtbot.keyClick(window.canvas, combo.key(), combo.keyboardModifiers())
    qtbot.waitUntil(lambda: _in_front(evaluation))
    assert toggle.isChecked() and not model.isHidden() and not _in_front(model)
