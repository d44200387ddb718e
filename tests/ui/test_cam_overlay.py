"""The "why this class" heat map drawn: the painter on a crafted prediction, ``render --overlay cam`` and the
window's toggle and class picker with a real worker and a briefly trained model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from annotator.cli import main as cli_main
from annotator.core.overlay_scene import OverlayScene
from annotator.core.prediction import Prediction
from annotator.ui.model.features import install_model_features
from annotator.ui.model.overlays import render_image
from tests.models.cam_model import cam_model, fresh_photos

W, H = 160, 120


def _array(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    data = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    return data[:, : rgb.width() * 3].reshape(rgb.height(), rgb.width(), 3).astype(int).copy()


def _scene(**kw) -> OverlayScene:
    heat = np.zeros((H, W), np.float32)
    heat[30:70, 90:140] = 1.0
    fields = dict(
        loc_box=np.array([90, 30, 140, 70], np.float32),
        loc_probs=np.array([0.2, 0.8], np.float32),
        cam=heat,
        cam_class=1,
    )
    fields.update(kw)
    scene = OverlayScene()
    scene.prediction = Prediction("x.jpg", W, H, ["daisy", "roses"], **fields)
    scene.visible = {"cam"}
    return scene


def test_the_heat_map_tints_the_hot_region_and_leaves_cold_pixels_alone(qapp):
    gray = np.full((H, W, 3), 128, np.uint8)
    plain = _array(render_image(gray, _scene(), []))
    drawn = _array(render_image(gray, _scene(), ["cam"]))
    hot = drawn[40:60, 100:130]
    assert np.all(hot[..., 0] > 170) and np.all(hot[..., 2] < 90)  # red where the map is 1
    assert np.array_equal(drawn[5:25, 5:80], plain[5:25, 5:80])  # cold and away from the banner: untouched
    assert not np.array_equal(drawn[H - 20 :, :60], plain[H - 20 :, :60])  # the banner, bottom left
    # a model with no loc head, or one class, says so instead of drawing a map
    for scene in (_scene(loc_probs=None, cam=None), _scene(loc_probs=np.ones(1, np.float32), cam=None)):
        shown = _array(render_image(gray, scene, ["cam"]))
        assert np.array_equal(shown[40:60, 100:130], plain[40:60, 100:130])
        assert not np.array_equal(shown[:20, :80], plain[:20, :80])


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    data, model = cam_model(tmp_path_factory.mktemp("cam"))
    return fresh_photos(tmp_path_factory.mktemp("cam_photos"), count=4, seed=7), model


def test_render_overlay_cam_differs_from_the_plain_render_where_the_heat_is(trained, tmp_path, capsys):
    from annotator.cli.render import predict_with_worker

    photos, model = trained
    image = sorted(photos.glob("*.jpg"))[0]
    plain_png, cam_png = tmp_path / "plain.png", tmp_path / "cam.png"
    assert (
        cli_main(["render", str(image), "--overlay", "boxes", "--scale", "3", "--out", str(plain_png)]) == 0
    )
    args = ["render", str(image), "--model", str(model), "--overlay", "boxes,cam", "--scale", "3"]
    assert cli_main([*args, "--out", str(cam_png)]) == 0
    text = capsys.readouterr().out
    assert "overlays: boxes,cam" in text and "% of the heat inside the loc head's box" in text
    plain, drawn = _array(QImage(str(plain_png))), _array(QImage(str(cam_png)))
    assert plain.shape == drawn.shape == (3 * H, 3 * W, 3)
    prediction = predict_with_worker(str(model), str(image), 0.05, 0.45, 120, cam=True)
    heat = np.kron(prediction.cam, np.ones((3, 3), np.float32))  # the map at the render's scale
    diff = np.abs(drawn - plain).sum(-1)
    banner = np.zeros_like(heat, bool)
    banner[-70:, :] = True  # the text banner's rows, bottom left
    hot, cold = heat >= np.quantile(heat, 0.9), heat <= np.quantile(heat, 0.1)
    assert heat.max() - heat.min() > 0.5
    # measured 156 vs 35 (the coldest tenth still holds a little heat: a faint blue)
    assert diff[hot & ~banner].mean() > 60
    assert diff[hot & ~banner].mean() > 2.5 * diff[cold & ~banner].mean()

    # a class picked by name; names the model does not know are refused with its classes
    assert cli_main([*args, "--cam-class", "tulips", "--out", str(tmp_path / "tulips.png")]) == 0
    assert "why tulips" in capsys.readouterr().out
    assert cli_main([*args, "--cam-class", "lilies", "--out", str(tmp_path / "x.png")]) == 2
    assert "'lilies' is not a class of the model" in capsys.readouterr().err
    no_cam = [
        "render",
        str(image),
        "--model",
        str(model),
        "--cam-class",
        "roses",
        "--out",
        str(tmp_path / "y.png"),
    ]
    assert cli_main(no_cam) == 2
    assert "--cam-class needs the cam overlay" in capsys.readouterr().err


@pytest.fixture
def features(window):
    f = install_model_features(window)
    yield f
    f.client.shutdown()


def _grab(window) -> np.ndarray:
    return _array(window.canvas.grab().toImage())


def test_the_window_toggles_the_heat_map_and_explains_the_class_picked(qtbot, window, features, trained):
    photos, model = trained
    f, panel = features, features.model_panel
    window.open_path(photos)
    with qtbot.waitSignal(f.client.model_loaded, timeout=240000):
        f.prediction.load_model(str(model))
    qtbot.waitUntil(lambda: f.scene.prediction is not None, timeout=60000)
    assert panel.form.isRowVisible(panel._rows["cam"]) and not panel.cam_box.isChecked()
    names = f.client.model_info["class_names"]
    assert [panel.cam_class_combo.itemText(i) for i in range(3)] == ["predicted class", *names[:2]]
    qtbot.wait(200)
    plain = _grab(window)

    window.activateWindow()
    window.canvas.setFocus()
    alt_ctrl = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(window.canvas, Qt.Key.Key_W, alt_ctrl)  # View > Show why this class
    assert f.actions["overlay_cam"].isChecked() and panel.cam_box.isChecked()
    qtbot.waitUntil(lambda: f.scene.cam_view() is not None, timeout=60000)
    predicted = f.scene.prediction.cam_class
    assert predicted == int(np.argmax(f.scene.prediction.loc_probs))
    qtbot.waitUntil(lambda: not np.array_equal(_grab(window), plain), timeout=5000)

    # pick the first class that is not the predicted one in the dock's class picker, with the keyboard
    combo = panel.cam_class_combo
    combo.setFocus()
    steps = 2 if predicted == 0 else 1
    for _ in range(steps):
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    wanted = combo.currentData()
    assert wanted != predicted and f.scene.settings.cam_class == wanted
    qtbot.waitUntil(lambda: f.scene.prediction.cam_class == wanted, timeout=60000)
    view = f.scene.cam_view()
    assert not view.predicted and not view.stale

    # the next image comes with the heat map of the class picked
    assert window.next_image()
    qtbot.waitUntil(
        lambda: (
            f.scene.prediction is not None
            and f.scene.prediction.image_id == window.current_path
            and f.scene.prediction.cam_class == wanted
        ),
        timeout=60000,
    )
    assert window.prev_image()
    qtbot.waitUntil(
        lambda: f.scene.prediction is not None and f.scene.prediction.image_id == window.current_path,
        timeout=60000,
    )

    # off from the dock's box: the View action follows and the canvas is as before
    qtbot.mouseClick(panel.cam_box, Qt.MouseButton.LeftButton)
    assert not f.actions["overlay_cam"].isChecked() and not f.client.explain
    qtbot.waitUntil(lambda: np.array_equal(_grab(window), plain), timeout=5000)


def test_a_model_without_a_class_decision_never_asks_for_a_map(qtbot, window, features):
    f = features
    f.client.model_path = (
        "/nowhere/grid.keras"  # no request goes out: the info says there is nothing to explain
    )
    f.prediction.on_model_loaded("/nowhere/grid.keras", {"heads": ["grid"], "class_names": ["a", "b"]})
    assert not f.model_panel.form.isRowVisible(f.model_panel._rows["cam"])
    f.actions["overlay_cam"].setChecked(True)
    assert not f.client.explain and not f.client.worker_running()
    f.prediction.on_model_loaded("/nowhere/one.keras", {"heads": ["loc"], "class_names": ["raccoon"]})
    assert not f.client.explain and not f.client.worker_running()
