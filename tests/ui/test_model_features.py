"""The model features installed in the real MainWindow: menus, unique shortcuts, docks, crash and close handling."""

from __future__ import annotations

import os
import signal

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
