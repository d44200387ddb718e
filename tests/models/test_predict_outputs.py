"""`flower-annotator predict` with a loc+grid+seg model: mask PNGs, `--fcn` maps and the overwrite rule."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("tensorflow")

from annotator import cli  # noqa: E402
from annotator.core import masks, sample_data, voc  # noqa: E402
from tests.ui.model_helpers import TRAINED, tiny_request  # noqa: E402


@pytest.fixture(scope="module")
def seg_model(tmp_path_factory):
    """(data folder, model file): one epoch of mobilenetv2 at 32 px with the loc, grid and seg heads.

    The session's tiny model of the UI tests (same data, same settings) when one was trained already; else it is
    trained here in process and shared with them, so the suite trains it once.
    """
    from models.training import config_from_request, train

    if "model" in TRAINED and TRAINED["model"].is_file():
        return TRAINED["data"], TRAINED["model"]
    root = tmp_path_factory.mktemp("predict_outputs")
    data = root / "flowers"
    sample_data.generate(data, count=10, seed=2, max_flowers=2, image_size=(96, 72))
    model = root / "model.keras"
    train(config_from_request(tiny_request(data, model)))
    TRAINED.update(data=data, model=model)
    return data, model


def test_predict_writes_a_class_mask_per_image_and_never_overwrites(seg_model, tmp_path, capsys):
    from annotator.core.resources import predefined_classes
    from models.modelfile import read_info

    data, model = seg_model
    names = read_info(model).class_names
    order = list(predefined_classes()) + [c for c in names if c not in predefined_classes()]
    valid = {0} | {order.index(name) + 1 for name in names}  # file order: 0 background, k+1 class k
    images = [data / "flower_00001.jpg", data / "flower_00002.jpg"]
    out = tmp_path / "pred"
    args = ["predict", str(model), *map(str, images), "--out", str(out), "--score-threshold", "0"]
    assert cli.main(args) == 0
    assert "SegmentationClass" in capsys.readouterr().out
    for image in images:
        ann = voc.read(out / f"{image.stem}.xml")
        assert (ann.width, ann.height) == (96, 72) and len(ann.objects) >= 1
        png = out / "SegmentationClass" / f"{image.stem}.png"
        mask = masks.read_mask_png(png, expected_size=(96, 72))  # raises on a wrong size or a bad palette
        assert mask.shape == (72, 96)
        assert set(np.unique(mask).tolist()) <= valid
    assert not list(out.glob("*_fcn.png"))  # only with --fcn

    # a second run refuses: the XML and the mask stay as they were
    mask_png = out / "SegmentationClass" / "flower_00001.png"
    (out / "flower_00001.xml").unlink()  # the mask alone still blocks the image
    before = mask_png.read_bytes()
    assert cli.main(args[:3] + ["--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "exist" in err and "--overwrite" in err and str(mask_png) in err
    assert mask_png.read_bytes() == before and not (out / "flower_00001.xml").exists()
    assert cli.main(args[:3] + ["--out", str(out), "--overwrite"]) == 0
    assert (out / "flower_00001.xml").is_file() and mask_png.is_file()


def test_predict_fcn_writes_the_class_score_map_and_never_overwrites(seg_model, tmp_path, capsys):
    from models.modelfile import read_info

    data, model = seg_model
    assert read_info(model).width == 0.5  # MobileNetV2 from scratch: half width; the FCN rebuilds it so
    image = data / "flower_00003.jpg"
    out = tmp_path / "pred"
    args = ["predict", str(model), str(image), "--out", str(out), "--fcn"]
    assert cli.main(args) == 0
    fcn_png = out / "flower_00003_fcn.png"
    assert fcn_png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"{fcn_png}: FCN map" in capsys.readouterr().out
    from PIL import Image

    with Image.open(fcn_png) as shown:
        assert shown.size == (64, 64)  # scale 2 x the model's 32 px input

    fcn_png.write_bytes(b"keep me")
    for name in ("flower_00003.xml", "SegmentationClass/flower_00003.png"):
        (out / name).unlink()
    assert cli.main(args) == 1
    assert str(fcn_png) in capsys.readouterr().err
    assert fcn_png.read_bytes() == b"keep me" and not (out / "flower_00003.xml").exists()
