"""The grid and seg heads through models-1's machinery: train, model file, evaluate --json keys, predict, masks."""

from __future__ import annotations

import json

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from annotator.core import masks, sample_data  # noqa: E402
from annotator.core.pseudo_masks import cache_folder  # noqa: E402


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    root = tmp_path_factory.mktemp("flowers")
    sample_data.generate(root, 12, seed=3, max_flowers=3, image_size=(96, 64))
    return root


def test_training_mask_source_prefers_user_masks_then_pseudo_masks(dataset, tmp_path):
    import shutil

    from annotator.core import voc
    from models.heads.seg.head import training_mask_source

    root = tmp_path / "copy"
    shutil.copytree(dataset, root)
    (root / "SegmentationClass" / "flower_00001.png").unlink()
    source = training_mask_source(root)
    for stem, expect_cache in (("flower_00000", False), ("flower_00001", True)):
        image = root / f"{stem}.jpg"
        mask, has_mask = source(image, voc.read(root / f"{stem}.xml"), (96, 64))
        assert has_mask and mask.shape == (64, 96)
        assert bool(list(cache_folder(root).glob(f"{stem}.*.png"))) == expect_cache
    assert len(list((root / "SegmentationClass").glob("*.png"))) == 11  # nothing written there


def test_train_all_heads_then_evaluate_and_predict(dataset, tmp_path):
    import shutil

    from models.evaluate import evaluate
    from models.heads.seg.head import write_prediction_mask
    from models.modelfile import read_info
    from models.predict import Predictor
    from models.training import TrainConfig, train

    data = tmp_path / "data"
    shutil.copytree(dataset, data)
    for stem in ("flower_00003", "flower_00004", "flower_00005"):  # boxes only: pseudo-masks train the mask
        (data / "SegmentationClass" / f"{stem}.png").unlink()
    out = tmp_path / "m.keras"
    config = TrainConfig(
        data_dir=str(data),
        out_path=str(out),
        backbone="mobilenetv2",
        weights=None,
        image_size=64,
        epochs=1,
        batch_size=8,
        heads=("loc", "grid", "seg"),
        head_options={"grid": {"num_anchors": 3}},
    )
    result = train(config)
    assert result.model_path == str(out)
    info = read_info(out)
    assert info.heads == ["loc", "grid", "seg"]
    assert 1 <= len(info.anchors) <= 3 and all(0 < w <= 1 and 0 < h <= 1 for w, h in info.anchors)
    assert info.head_options["grid"]["anchors"] == info.anchors
    train_ids = (data / "ImageSets" / "Main" / "train.txt").read_text().split()
    unmasked = {"flower_00003", "flower_00004", "flower_00005"} & set(train_ids)
    assert unmasked  # the fixed split keeps at least one of them for training
    assert info.head_options["seg"]["pseudo_masks_made"] == len(unmasked)
    assert len(list(cache_folder(data).glob("*.png"))) == len(unmasked)
    assert not (data / "SegmentationClass" / "flower_00003.png").exists()

    figures = evaluate(out, data)
    for key in ("map50", "map50_95", "mask_miou", "mean_iou"):
        assert 0.0 <= figures[key] <= 1.0, key
    json.dumps(figures)  # evaluate --json can print it as is

    image = data / "flower_00002.jpg"
    prediction = Predictor(out).predict(image, score_threshold=0.0, nms_iou=0.45)
    assert prediction.mask.shape == (64, 96) and prediction.mask.dtype == np.uint8
    assert prediction.objectness.shape == (2, 2, len(info.anchors))
    assert len(prediction.boxes) > 0 and (prediction.boxes[:, 2] <= 96 + 1e-3).all()
    png = tmp_path / "flower_00002.mask.png"
    write_prediction_mask(prediction, png)
    back = masks.read_mask_png(png, expected_size=(96, 64))
    assert set(np.unique(back)) <= {0, 1, 2, 3, 4, 5}

    from models.heads.loc.fcn import render_fcn_map

    fcn_png = tmp_path / "fcn.png"
    shown = render_fcn_map(out, image, fcn_png, scale=2)
    assert shown["map_shape"] == (3, 3) and shown["best_class"] in info.class_names
    assert fcn_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
