"""The real raccoon dataset (LabelImg's images/ + annotations/ layout) through every command: `train images
--save-dir annotations`, `evaluate`, `predict`, `export --format coco|yolo` each find all 200 labelled images and
say so. Read in place from the shared folder (skipped when it is absent); everything is written under tmp_path,
and the dataset is checked unchanged afterwards.

`train` writes its split to ``DATA/ImageSets/Main``, so it trains on a folder of links to the 200 photos (the
photos are read in place; the split lands in tmp_path). The other commands take the shared folders themselves.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from pathlib import Path

import pytest

from annotator import cli
from annotator.core import voc

# shared/ lies beside the checkout (CI's clean clone too); a git worktree elsewhere falls back to /work/shared.
RACCOON = (
    next(
        (
            p
            for p in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
            if (p / "datasets" / "raccoon" / "annotations").is_dir()
        ),
        Path("/nonexistent"),
    )
    / "datasets"
    / "raccoon"
)
IMAGES, ANNOTATIONS = RACCOON / "images", RACCOON / "annotations"

pytestmark = pytest.mark.skipif(not ANNOTATIONS.is_dir(), reason="shared raccoon dataset not present")


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            info = os.stat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (info.st_size, info.st_mtime_ns)
    return found


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def untouched():
    """The dataset's files (size, mtime) before the module's commands; checked again after them."""
    before = _snapshot(RACCOON)
    yield
    assert _snapshot(RACCOON) == before, "a command wrote into the shared raccoon dataset"


@pytest.fixture(scope="module")
def trained(untouched, tmp_path_factory):
    """``train images --save-dir annotations`` with tiny settings: ``(linked images folder, model, result, log)``."""
    root = tmp_path_factory.mktemp("raccoon")
    images = root / "images"
    images.mkdir()
    for photo in sorted(IMAGES.iterdir()):
        (images / photo.name).symlink_to(photo)
    model = root / "raccoon.keras"
    args = ["train", images, "--save-dir", ANNOTATIONS, "--out", model, "--backbone", "tiny_test"]
    code, out, err = _run(args + ["--weights", "none", "--image-size", "64", "--epochs", "1", "--json"])
    assert code == 0, err
    return images, model, json.loads(out.strip().splitlines()[-1]), err + out


def test_train_finds_all_200_and_trains_the_raccoon_class(trained):
    images, model, result, log = trained
    assert f"found 200 labelled images in {images} with annotations in {ANNOTATIONS}" in log
    assert result["n_train"] + result["n_val"] == 200 and result["classes"] == ["raccoon"]
    main = images / "ImageSets" / "Main"
    listed = (main / "train.txt").read_text().split() + (main / "val.txt").read_text().split()
    assert sorted(listed) == sorted(p.stem for p in IMAGES.iterdir())
    assert model.is_file()


def test_evaluate_finds_all_200(trained):
    images, model, result, _ = trained
    code, out, err = _run(["evaluate", model, IMAGES, "--save-dir", ANNOTATIONS, "--json", "--no-refine"])
    assert code == 0, err
    figures = json.loads(out)
    assert figures["n_images"] == 200 and 0.0 <= figures["mean_iou"] <= 1.0
    assert figures["model_classes_not_in_data"] == [] and figures["data_classes_not_in_model"] == []
    assert f"found 200 labelled images in {IMAGES} with annotations in {ANNOTATIONS}; evaluated 200" in err
    # the validation split the run wrote is found again with the same --save-dir
    code, out, err = _run(["evaluate", model, images, "--save-dir", ANNOTATIONS, "--split", "val", "--json"])
    assert code == 0, err
    assert json.loads(out)["n_images"] == result["n_val"]
    assert f"evaluated {result['n_val']} of the val split" in err


def test_predict_finds_all_200_and_scores_them_against_the_save_folder(trained, tmp_path):
    _, model, _, _ = trained
    out = tmp_path / "predictions"
    code, stdout, err = _run(
        ["predict", model, IMAGES, "--out", out, "--save-dir", ANNOTATIONS, "--no-refine"]
    )
    assert code == 0, err
    assert f"found 200 images, 200 with an annotation in {ANNOTATIONS}" in err
    assert len(list(out.glob("*.xml"))) == 200
    lines = [line for line in stdout.splitlines() if " -> " in line]
    assert len(lines) == 200 and all("IoU vs ground truth:" in line for line in lines)
    assert "mean IoU vs ground truth" in err and "over 200 labelled images" in err
    written = voc.read(out / "raccoon-1.xml")
    assert [o.name for o in written.objects] in ([], ["raccoon"]) and written.path.endswith("raccoon-1.jpg")


@pytest.mark.parametrize("fmt", ["coco", "yolo"])
def test_export_finds_all_200(untouched, tmp_path, fmt):
    out = tmp_path / fmt
    code, stdout, err = _run(["export", IMAGES, "--save-dir", ANNOTATIONS, "--format", fmt, "--out", out])
    assert code == 0, err
    boxes = sum(len(voc.read(x).objects) for x in ANNOTATIONS.glob("*.xml"))
    assert "found 200 labelled images" in err
    assert "exported 200 images" in stdout and f"{boxes} boxes as {fmt}" in stdout
    if fmt == "coco":
        coco = [json.loads(p.read_text()) for p in (out / "annotations").glob("instances_*.json")]
        assert sum(len(c["images"]) for c in coco) == 200
        assert sum(len(c["annotations"]) for c in coco) == boxes
        assert {c["name"] for d in coco for c in d["categories"]} == {"raccoon"}
    else:
        labels = [p for p in out.rglob("*.txt") if p.name != "classes.txt"]
        assert len(labels) == 200 and sum(len(p.read_text().splitlines()) for p in labels) == boxes
