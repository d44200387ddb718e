"""Grad-CAM of the loc head's class decision (`models.heads.loc.gradcam`, `Predictor.predict_with_cam`, the worker's
``cam`` request): on a briefly trained model the heat lies on the flower; shapes, ranges, a picked class, errors."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from annotator.core import voc
from annotator.core.cam import CAM_KIND, CAM_MAX_SIDE, CamRequest, cells_to_image, heat_inside
from annotator.core.worker_protocol import WorkerProcess
from models.builder import build_model
from models.data import load_image_and_source
from models.heads.loc.gradcam import CamError, GradCam
from models.predict import Predictor
from tests.models.cam_model import IMAGE_SIZE, box_share, cam_model, fresh_photos, register


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, Path]:
    return cam_model(tmp_path_factory.mktemp("cam"))


@pytest.fixture(scope="module")
def predictor(trained) -> Predictor:
    return Predictor(trained[1])


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> Path:
    return fresh_photos(tmp_path_factory.mktemp("cam_photos"), count=150)


def test_the_heat_lies_mostly_on_the_flower_for_a_trained_model(predictor, photos):
    """Photos the model never saw, one flower of a tenth to a half of the photo each, classified right: most of
    the heat of the predicted class lies in the flower's box, nearly twice the box's share of the photo, and far
    more than an untrained model of the same build puts there (measured: 0.61 for three training seeds, boxes
    0.25 of the photo, untrained 0.27-0.31)."""
    untrained = GradCam(
        build_model(predictor.class_names, backbone=register(), image_size=IMAGE_SIZE, heads=("loc",))
    )
    inside, shares, untrained_inside = [], [], []
    for image in sorted(photos.glob("*.jpg")):
        flower = voc.read(image.with_suffix(".xml")).objects[0]
        prediction = predictor.predict_with_cam(image)
        share = box_share(flower, prediction.width, prediction.height)
        if not 0.1 <= share <= 0.5 or predictor.class_names[prediction.cam_class] != flower.name:
            continue
        inside.append(heat_inside(prediction.cam, flower.xyxy(), prediction.width, prediction.height))
        shares.append(share)
        pixels, _, (w, h) = load_image_and_source(image, IMAGE_SIZE)
        cells = untrained(pixels, prediction.cam_class)
        heat = cells_to_image(cells.cells, cells.centres_y, cells.centres_x, IMAGE_SIZE, w, h)
        untrained_inside.append(heat_inside(heat, flower.xyxy(), w, h))
    assert len(inside) >= 10, f"only {len(inside)} photos of a mid-sized flower classified right"
    mean_inside = float(np.nanmean(inside))
    print(
        f"heat inside the box: {mean_inside:.2f} over {len(inside)} photos; box share {np.mean(shares):.2f}; "
        f"untrained {np.nanmean(untrained_inside):.2f}"
    )
    assert mean_inside > 0.5
    assert mean_inside > 1.8 * float(np.mean(shares))
    assert mean_inside > float(np.nanmean(untrained_inside)) + 0.15


def test_the_heat_map_covers_the_image_in_0_to_1_and_follows_the_class_picked(predictor, photos, tmp_path):
    image = sorted(photos.glob("*.jpg"))[0]
    predicted = predictor.predict_with_cam(image)
    assert predicted.cam.shape == (120, 160) and predicted.cam.dtype == np.float32
    assert predicted.cam.min() >= 0 and predicted.cam.max() == pytest.approx(1.0, abs=0.02)
    assert predicted.cam_class == int(np.argmax(predicted.loc_probs))
    other = (predicted.cam_class + 1) % len(predictor.class_names)
    picked = predictor.predict_with_cam(image, class_index=other)
    assert picked.cam_class == other and not np.allclose(picked.cam, predicted.cam, atol=0.05)
    np.testing.assert_allclose(picked.loc_probs, predicted.loc_probs)  # the prediction itself is the same
    with pytest.raises(ValueError, match="out of range.*daisy"):
        predictor.predict_with_cam(image, class_index=len(predictor.class_names))
    big = tmp_path / "big.jpg"  # a 2400 x 1800 photo: its map is carried at CAM_MAX_SIDE
    cv2.imwrite(str(big), cv2.resize(cv2.imread(str(image)), (2400, 1800), interpolation=cv2.INTER_LINEAR))
    large = predictor.predict_with_cam(big, class_index=predicted.cam_class)
    assert large.cam.shape == (768, CAM_MAX_SIDE)
    small = cv2.resize(predicted.cam, (CAM_MAX_SIDE, 768), interpolation=cv2.INTER_LINEAR)
    assert float(np.abs(small - large.cam).mean()) < 0.1  # the same map, at another resolution


def test_models_without_a_class_decision_to_explain_are_refused_with_a_reason():
    grid_only = build_model(["daisy", "roses"], backbone="tiny_test", image_size=64, heads=("grid",))
    with pytest.raises(CamError, match="no box \\+ class"):
        GradCam(grid_only)
    one_class = build_model(["raccoon"], backbone="tiny_test", image_size=64, heads=("loc",))
    with pytest.raises(CamError, match="one class"):
        GradCam(one_class)
    two = GradCam(build_model(["daisy", "roses"], backbone="tiny_test", image_size=64, heads=("loc", "seg")))
    with pytest.raises(ValueError, match="out of range"):
        two(np.zeros((64, 64, 3), np.uint8), 2)
    cells = two(np.full((64, 64, 3), 90, np.uint8), 1)
    assert cells.cells.shape == (2, 2) and len(cells.centres_x) == 2 and cells.probs.shape == (2,)


def test_the_worker_answers_a_cam_request_with_the_map_in_image_pixels(trained, photos):
    image = str(sorted(photos.glob("*.jpg"))[1])
    worker = WorkerProcess()

    def ask(request):  # one at a time: a newer request for the shown image supersedes a waiting one
        rid = worker.send(CAM_KIND, request=request)
        while True:
            header, arrays = worker.next_event(120)
            if header["id"] == rid and header["kind"] in ("prediction", "error"):
                return header, arrays

    try:
        header, arrays = ask(CamRequest(str(trained[1]), image, 3).to_message())
        out_of_range = ask(CamRequest(str(trained[1]), image, 9).to_message())[0]
        malformed = ask({"model": str(trained[1]), "image": image, "class_index": "roses"})[0]
    finally:
        worker.stop()
    assert header["kind"] == "prediction" and header["cam_class"] == 3
    assert arrays["cam"].shape == (120, 160) and arrays["cam"].dtype == np.float32
    assert out_of_range["kind"] == "error" and "out of range" in out_of_range["message"]
    assert malformed["kind"] == "error" and "bad cam request" in malformed["message"]
    assert "CamRequest.class_index" in malformed["message"]
