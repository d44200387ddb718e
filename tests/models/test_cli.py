"""The `train`, `evaluate --json`, `predict --out` and `classify` commands, run through the real CLI entry."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from annotator import cli
from annotator.core import voc


def _pixels(path):
    from annotator.core.imaging import load_image

    return load_image(path)


def _resized(xml, predictor):
    from models.data import load_image_for_model

    return load_image_for_model(xml.with_suffix(".png"), predictor.info.image_size)[0]


def test_evaluate_json_has_the_documented_keys(scratch_run, tiny_voc, capsys):
    _, _, model = scratch_run
    assert cli.main(["evaluate", str(model), str(tiny_voc), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_images"] == 24
    for key in ("mean_iou", "iou50_rate", "accuracy"):
        assert 0.0 <= result[key] <= 1.0
    assert result["refine"] is True  # the loc head's second look, as predict does
    assert cli.main(["evaluate", str(model), str(tiny_voc), "--json", "--split", "val"]) == 0
    assert json.loads(capsys.readouterr().out)["n_images"] == 5
    assert cli.main(["evaluate", str(model), str(tiny_voc), "--json", "--no-refine"]) == 0
    single = json.loads(capsys.readouterr().out)
    assert single["refine"] is False and single["n_images"] == 24


@pytest.mark.parametrize("refine", [True, False])
def test_evaluate_figures_match_the_predictions(scratch_run, tiny_voc, refine):
    from annotator.core.geometry import paired_iou
    from models.evaluate import evaluate
    from models.predict import Predictor

    _, _, model = scratch_run
    predictor = Predictor(model, refine=refine)
    result = evaluate(model, tiny_voc, predictor=predictor)
    assert result["refine"] is refine
    ious, first_boxes = [], []
    for xml in sorted(tiny_voc.glob("*.xml")):
        gt = voc.read(xml).objects[0]
        pred = predictor.predict(xml.with_suffix(".png"), score_threshold=0.0)
        ious.append(paired_iou([gt.xyxy()], pred.loc_box[None])[0])
        array = predictor.predict_array(_pixels(xml.with_suffix(".png")), score_threshold=0.0)
        np.testing.assert_allclose(array.loc_box, pred.loc_box, atol=0.5)  # the window's path: same boxes
        first_boxes.append(pred.loc_box)
    # predict() resizes from the file itself, evaluate() from the cached samples: the same pixels
    assert result["mean_iou"] == pytest.approx(sum(ious) / len(ious), abs=1e-3)
    if refine:  # a box whose window is the whole image gets the same answer twice; a smaller one is cut out
        from models.heads.loc.refine import refine_windows

        predictor.refine = False
        xmls = sorted(tiny_voc.glob("*.xml"))
        plain = np.array(
            [predictor.predict(x.with_suffix(".png"), score_threshold=0.0).loc_box for x in xmls]
        )
        sides = refine_windows(predictor.outputs(np.stack([_resized(x, predictor) for x in xmls]))["box"])[
            :, 2
        ]
        for side, one, two in zip(sides, plain, first_boxes, strict=True):
            if side == 1.0:
                np.testing.assert_allclose(two, one, atol=1e-3)
            else:
                assert np.abs(two - one).max() > 1e-3


def test_predict_writes_voc_xml_with_scores_and_never_overwrites(scratch_run, tiny_voc, tmp_path, capsys):
    _, _, model = scratch_run
    out = tmp_path / "pred"
    image = tiny_voc / "img_0003.png"
    assert cli.main(["predict", str(model), str(image), "--out", str(out), "--score-threshold", "0"]) == 0
    ann = voc.read(out / "img_0003.xml")
    assert ann.width == 80 and ann.height == 64 and len(ann.objects) == 1
    box = ann.objects[0]
    assert box.name in ("daisy", "roses", "tulips") and 0.0 < box.score <= 1.0
    assert 0 <= box.xmin < box.xmax <= 80 and 0 <= box.ymin < box.ymax <= 64
    before = (out / "img_0003.xml").read_bytes()
    assert cli.main(["predict", str(model), str(image), "--out", str(out)]) == 1
    assert "exists" in capsys.readouterr().err and (out / "img_0003.xml").read_bytes() == before


def test_train_command_json(tiny_voc, tmp_path, capsys):
    out = tmp_path / "cli.keras"
    code = cli.main(
        [
            "train",
            str(tiny_voc),
            "--out",
            str(out),
            "--backbone",
            "tiny_test",
            "--weights",
            "none",
            "--image-size",
            "32",
            "--epochs",
            "2",
            "--batch-size",
            "8",
            "--json",
            "--quiet",
        ]
    )
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["model"] == str(out) and out.is_file() and "val_box_iou" in result


def test_train_offline_imagenet_names_the_file_and_folder(tiny_voc, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    code = cli.main(
        [
            "train",
            str(tiny_voc),
            "--out",
            str(tmp_path / "m.keras"),
            "--backbone",
            "xception",
            "--image-size",
            "96",
            "--quiet",
        ]
    )
    err = capsys.readouterr().err
    if code == 0:  # pragma: no cover - only with network access
        pytest.skip("online: the weights were downloaded")
    assert code == 2
    assert (
        "xception_weights_tf_dim_ordering_tf_kernels_notop.h5" in err and str(tmp_path / "keras_home") in err
    )
    assert "--weights none" in err


def test_train_width_names_the_mobilenetv2_file_and_is_refused_elsewhere(
    tiny_voc, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    base = ["train", str(tiny_voc), "--out", str(tmp_path / "m.keras"), "--quiet", "--image-size", "160"]
    code = cli.main([*base, "--backbone", "mobilenetv2", "--width", "0.5"])
    err = capsys.readouterr().err
    if code == 0:  # pragma: no cover - only with network access
        pytest.skip("online: the weights were downloaded")
    assert code == 2 and "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_160_no_top.h5" in err
    assert cli.main([*base, "--backbone", "xception", "--width", "0.5", "--weights", "none"]) == 2
    assert "error: width must be one of 1.0 for xception, got 0.5" in capsys.readouterr().err
    assert not (tmp_path / "m.keras").exists()


def test_classify_offline_message_and_cached_file_never_deleted(tmp_path, monkeypatch, capsys):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    image = tmp_path / "x.png"
    image.write_bytes(b"")
    if cli.main(["classify", str(image)]) == 0:  # pragma: no cover - only with network access
        pytest.skip("online")
    err = capsys.readouterr().err
    assert "resnet50_weights_tf_dim_ordering_tf_kernels.h5" in err and str(home / "models") in err
    # a cached file that is not valid weights: a clear error, and the file stays where it was
    (home / "models").mkdir(parents=True)
    bad = home / "models" / "resnet50_weights_tf_dim_ordering_tf_kernels.h5"
    bad.write_bytes(b"not really weights")
    (home / "models" / "imagenet_class_index.json").write_text(json.dumps({"0": ["n0", "tench"]}))
    assert cli.main(["classify", str(image)]) == 2
    assert "left in place" in capsys.readouterr().err
    assert bad.read_bytes() == b"not really weights"


def test_missing_model_file_is_a_clear_error(tmp_path, tiny_voc, capsys):
    assert cli.main(["evaluate", str(tmp_path / "none.keras"), str(tiny_voc), "--json"]) == 2
    assert "none.keras" in capsys.readouterr().err
    assert Path(tmp_path / "none.keras").exists() is False


def test_classify_prints_top3_from_cached_files(tmp_path, monkeypatch, capsys):
    import keras

    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    monkeypatch.setenv("KERAS_HOME", str(home))
    # stands in for the cached ImageNet file: the same architecture, random weights, saved by Keras
    weights = home / "models" / "resnet50.weights.h5"
    keras.applications.ResNet50(weights=None).save_weights(str(weights))
    index = {str(i): [f"n{i:08d}", f"label{i}"] for i in range(1000)}
    (home / "models" / "imagenet_class_index.json").write_text(json.dumps(index))
    image = tmp_path / "photo.png"
    import cv2
    import numpy as np

    cv2.imwrite(str(image), np.full((50, 70, 3), 120, np.uint8))
    assert cli.main(["classify", str(image), "--weights", str(weights)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == str(image) and len(lines) == 4
    probs = [float(line.split()[2]) for line in lines[1:]]
    assert probs == sorted(probs, reverse=True) and all(0 <= p <= 1 for p in probs)
    assert all("label" in line and "(n" in line for line in lines[1:])
    assert weights.exists()
