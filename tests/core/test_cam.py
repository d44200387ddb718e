"""The "why this class" heat map without TensorFlow: the request, the map in image pixels, the share of heat in a
box, what the overlay scene makes of a prediction carrying one, and the map on the worker's wire."""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from annotator.core.cam import CAM_MAX_SIDE, CamRequest, cam_size, cells_to_image, heat_inside
from annotator.core.overlay_scene import OVERLAY_NAMES, OverlayScene
from annotator.core.prediction import Prediction
from annotator.core.worker_messages import MessageError
from annotator.core.worker_protocol import (
    REQUEST_KINDS,
    prediction_from_message,
    prediction_to_message,
    read_message,
    write_message,
)


def test_cam_request_round_trips_through_a_frame_and_refuses_bad_fields():
    request = CamRequest("/m/model.keras", "/d/a b.jpg", 2, 0.1, 0.5)
    assert "cam" in REQUEST_KINDS and "cam" in OVERLAY_NAMES
    stream = io.BytesIO()
    write_message(stream, {"id": 7, "kind": "cam", "request": request.to_message()})
    stream.seek(0)
    header, _ = read_message(stream)
    assert CamRequest.from_message(header["request"]) == request
    assert CamRequest.from_message({"model": "m", "image": "i"}) == CamRequest(
        "m", "i"
    )  # the predicted class
    for bad, field in (
        ({"image": "i"}, "model"),
        ({"model": "m", "image": ""}, "CamRequest.image"),
        ({"model": "m", "image": "i", "class_index": "2"}, "CamRequest.class_index"),
        ({"model": "m", "image": "i", "class_index": True}, "CamRequest.class_index"),
        ({"model": "m", "image": "i", "class_index": -1}, "CamRequest.class_index"),
        ({"model": "m", "image": "i", "score_threshold": 2.0}, "CamRequest.score_threshold"),
        ({"model": "m", "image": "i", "nms_iou": "x"}, "CamRequest.nms_iou"),
        ({"model": "m", "image": "i", "class": 2}, "unknown field"),
        (["m", "i"], "JSON object"),
    ):
        with pytest.raises(MessageError, match=field):
            CamRequest.from_message(bad)
    with pytest.raises(ValueError, match="CamRequest.class_index must be a class index or None, got 1.5"):
        CamRequest("m", "i", 1.5)


def test_a_prediction_carries_its_heat_map_and_class_over_the_wire():
    cam = np.linspace(0, 1, 30 * 40, dtype=np.float32).reshape(30, 40)
    p = Prediction(
        "x.jpg", 40, 30, ["a", "b"], loc_probs=np.array([0.2, 0.8], np.float32), cam=cam, cam_class=1
    )
    header, arrays = prediction_to_message(p)
    stream = io.BytesIO()
    write_message(stream, {"id": 1, "kind": "prediction", **header}, arrays)
    stream.seek(0)
    back = prediction_from_message(*read_message(stream))
    assert back.cam_class == 1 and back.cam.dtype == np.float32
    np.testing.assert_array_equal(back.cam, cam)
    plain = prediction_from_message(*prediction_to_message(Prediction("y.jpg", 4, 3, ["a"])))
    assert plain.cam is None and plain.cam_class == -1


def test_cells_to_image_puts_each_cell_at_its_receptive_field_centre():
    # 3 x 4 cells of a 128-px input whose centres sit 15.5 px right of and below their 32-px blocks' middles
    centres_y = (np.arange(3) + 0.5) * 32 + 15.5
    centres_x = (np.arange(4) + 0.5) * 32 + 15.5
    cells = np.zeros((3, 4), np.float32)
    cells[1, 2] = 1.0
    heat = cells_to_image(cells, centres_y, centres_x, 128, 256, 200)
    assert heat.shape == (200, 256) and heat.dtype == np.float32
    y, x = np.unravel_index(int(np.argmax(heat)), heat.shape)
    # the centre (x 95.5, y 63.5) in input px -> image px: x * 256 / 128, y * 200 / 128
    assert abs((x + 0.5) - 95.5 * 256 / 128) <= 1 and abs((y + 0.5) - 63.5 * 200 / 128) <= 1
    assert heat.max() == pytest.approx(1.0, abs=0.02)
    # linear halfway between two centres, and constant past the last centre (no wrap, no fade)
    ramp = cells_to_image(np.array([[0.0, 1.0]]), np.array([64.0]), np.array([32.0, 96.0]), 128, 128, 128)
    assert ramp[0, 63] == pytest.approx(0.5, abs=0.01)
    assert np.all(ramp[:, 96:] == 1.0) and np.all(ramp[:, :32] == 0.0)
    assert np.allclose(ramp, ramp[0])  # one row of cells: the same in every image row


def test_big_images_get_a_map_of_at_most_cam_max_side():
    assert cam_size(4000, 3000) == (CAM_MAX_SIDE, 768)
    assert cam_size(300, 5000) == (61, CAM_MAX_SIDE)
    assert cam_size(640, 480) == (640, 480)
    heat = cells_to_image(np.ones((2, 2)), np.array([16.0, 48.0]), np.array([16.0, 48.0]), 64, 4000, 3000)
    assert heat.shape == (768, CAM_MAX_SIDE)


def test_heat_inside_is_the_share_of_the_mass_covered_by_the_box():
    uniform = np.ones((100, 200), np.float32)
    assert heat_inside(uniform, (0, 0, 100, 50), 200, 100) == pytest.approx(0.25)
    hot = np.zeros((100, 200), np.float32)
    hot[20:40, 50:90] = 1.0
    assert heat_inside(hot, (50, 20, 90, 40), 200, 100) == pytest.approx(1.0)
    assert heat_inside(hot, (70, 20, 90, 40), 200, 100) == pytest.approx(0.5)
    assert heat_inside(hot, (50.5, 20, 90, 40), 200, 100) == pytest.approx(39.5 / 40)  # part of a pixel
    # a map at half the image's resolution: the box (image pixels) is scaled to it
    assert heat_inside(hot[::2, ::2], (50, 20, 90, 40), 200, 100) == pytest.approx(1.0)
    assert heat_inside(hot[::2, ::2], (70, 20, 90, 40), 200, 100) == pytest.approx(0.5)
    assert math.isnan(heat_inside(np.zeros((10, 10)), (0, 0, 5, 5), 10, 10))


def _scene(cam_class: int = 1, cam: bool = True) -> OverlayScene:
    heat = np.zeros((30, 40), np.float32)
    heat[10:20, 20:30] = 1.0
    scene = OverlayScene()
    scene.prediction = Prediction(
        "x.jpg",
        40,
        30,
        ["daisy", "roses", "tulips"],
        loc_box=np.array([20, 10, 30, 20], np.float32),
        loc_probs=np.array([0.1, 0.7, 0.2], np.float32),
        cam=heat if cam else None,
        cam_class=cam_class if cam else -1,
    )
    return scene


def test_the_scene_says_which_class_the_map_explains_and_when_another_must_be_asked_for():
    scene = _scene()
    view = scene.cam_view()
    assert (view.class_name, view.probability, view.predicted) == ("roses", pytest.approx(0.7), True)
    assert view.heat_in_box == pytest.approx(1.0) and not view.stale
    assert not scene.cam_missing() and scene.wanted_cam_class() == 1
    scene.settings.cam_class = 2  # the user picks tulips: the roses map is stale until the tulips one comes
    assert scene.cam_missing() and scene.cam_view().stale and scene.wanted_cam_class() == 2
    scene.prediction = _scene(cam_class=2).prediction
    view = scene.cam_view()
    assert (view.class_name, view.predicted, view.stale) == ("tulips", False, False)
    assert not scene.cam_missing()
    no_map = _scene(cam=False)
    assert no_map.cam_view() is None and no_map.cam_missing()
    grid_only = OverlayScene()
    grid_only.prediction = Prediction("x.jpg", 40, 30, ["a", "b"])  # no loc head: nothing to ask for
    assert grid_only.cam_view() is None and not grid_only.cam_missing()
