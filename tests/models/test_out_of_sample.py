"""K-fold out-of-sample predictions: folds partition the images, every image is predicted by a model that did not
train on it, the dataset's split files are left alone, a failing fold is reported while the others go on; and the
``mistakes --folds`` command with a tiny budget."""

from __future__ import annotations

import json
import shutil

import pytest

from annotator import cli
from annotator.core.mistakes import read_mistakes
from models.out_of_sample import fold_ids, kfold_predictions
from models.training import TrainConfig

TINY = dict(
    backbone="tiny_test", weights=None, image_size=32, epochs=2, batch_size=8, augment=False, patience=50
)


@pytest.fixture
def data(tiny_voc, tmp_path):
    """A copy of the session's tiny dataset without its split files (written by other tests' training)."""
    copy = tmp_path / "data"
    shutil.copytree(tiny_voc, copy, ignore=shutil.ignore_patterns("ImageSets"))
    return copy


def test_fold_ids_partition_the_images_the_same_way_every_time():
    ids = [f"img_{i}" for i in range(11)]
    folds = fold_ids(ids, 3, seed=5)
    assert sorted(i for f in folds for i in f) == sorted(ids)
    assert sorted(len(f) for f in folds) == [3, 4, 4]
    assert fold_ids(list(reversed(ids)), 3, seed=5) == folds  # the order given does not matter
    assert fold_ids(ids, 3, seed=6) != folds
    assert folds[0] == sorted(folds[0], key=lambda s: int(s.split("_")[1]))  # natural order inside a fold
    with pytest.raises(ValueError, match="at least 2"):
        fold_ids(ids, 1)
    with pytest.raises(ValueError, match="need at least 12 labelled images, found 11"):
        fold_ids(ids, 12)


def test_a_failing_fold_is_reported_and_the_others_go_on(data):
    started = []

    def progress(event):
        if event.kind == "phase" and event.phase == "loading":
            started.append(1)
            if len(started) == 2:
                raise OSError("disk full (simulated) while training fold 2")

    lines = []
    found = kfold_predictions(
        TrainConfig(str(data), "unused.keras", heads=("loc",), **TINY),
        folds=3,
        say=lines.append,
        progress=progress,
    )
    failed = [f for f in found.folds if f.failed]
    assert [f.index for f in failed] == [2]
    assert failed[0].error == "OSError: disk full (simulated) while training fold 2"
    assert len(found.images) == 16  # folds 1 and 3
    assert any(
        line.startswith("fold 2/3 FAILED") and "its 8 images have no predictions" in line for line in lines
    )


def test_mistakes_folds_command_with_a_tiny_budget(data, tmp_path, capsys):
    out = tmp_path / "m.json"
    tiny = ["--backbone", "tiny_test", "--weights", "none", "--image-size", "32", "--epochs", "2", "--quiet"]
    code = cli.main(["mistakes", str(data), "--folds", "2", "--minutes", "3", "--out", str(out), *tiny])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert "fold 1/2: training on 11 images (+1 to choose the best epoch), predicting 12" in printed.out
    assert "2 of 2 folds predicted 24 of 24 labelled images" in printed.out
    raw = json.loads(out.read_text(encoding="utf-8"))
    assert raw["n_images"] == 24 and raw["source"].startswith("2-fold")  # every image, each predicted once
    assert [f["n_predicted"] for f in raw["folds"]] == [12, 12]
    assert [(f["n_train"], f["n_val"]) for f in raw["folds"]] == [(11, 1), (11, 1)]
    read_mistakes(out)  # the documented format
    assert not (data / "ImageSets").exists()

    # a budget no epoch fits in: every fold fails, each is named, the command says so and exits 1
    code = cli.main(["mistakes", str(data), "--folds", "2", "--minutes", "0.001", "--out", str(out), *tiny])
    printed = capsys.readouterr()
    assert code == 1
    assert "error: fold 1/2:" in printed.err and "error: fold 2/2:" in printed.err
    assert "0 of 2 folds predicted 0 of 24 labelled images (2 failed: 1, 2)" in printed.out

    # one source of predictions at a time; settings that cannot work stop before any fold
    code = cli.main(["mistakes", str(data), "--model", "m.keras", "--folds", "2", "--out", str(out)])
    assert code == 2 and "give one or the other" in capsys.readouterr().err
    code = cli.main(
        ["mistakes", str(data), "--folds", "2", "--out", str(out), "--weights", "none", "--backbone", "nope"]
    )
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error:") and "nope" in err and "fold 2" not in err
    code = cli.main(["mistakes", str(tmp_path / "missing"), "--out", str(out)])
    assert code == 2 and "dataset folder not found" in capsys.readouterr().err
    code = cli.main(["mistakes", str(data), "--out", str(tmp_path / "no" / "m.json")])
    assert code == 2 and "does not exist" in capsys.readouterr().err


def test_mistakes_folds_find_the_labels_in_the_save_folder(tiny_voc, tmp_path, capsys):
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    images.mkdir()
    annotations.mkdir()
    for png in tiny_voc.glob("*.png"):
        shutil.copy(png, images / png.name)
        shutil.copy(png.with_suffix(".xml"), annotations / f"{png.stem}.xml")
    out = tmp_path / "m.json"
    args = ["mistakes", str(images), "--folds", "2", "--minutes", "0.001", "--out", str(out)]
    assert cli.main(args) == 2  # no annotation beside the images: nothing to check
    assert "no labelled images" in capsys.readouterr().err
    assert cli.main([*args, "--save-dir", str(annotations)]) == 1  # found: the folds then fail on the budget
    assert "0 of 2 folds predicted 0 of 24 labelled images" in capsys.readouterr().out
