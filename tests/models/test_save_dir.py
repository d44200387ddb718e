"""Annotations in a save folder (LabelImg's "Change Save Dir", images/ + annotations/) reach training,
evaluation, prediction and export exactly as the window pairs them (`annotator.core.dataset.scan`).
The real raccoon dataset through every command: tests/models/test_raccoon_cli.py."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator import cli
from annotator.core import voc
from annotator.core.annotation_files import save_annotation


def _split_layout(source: Path, root: Path, sub: str = "") -> tuple[Path, Path]:
    """Copy ``source``'s PNGs to ``root/images[/sub]`` and their XML to ``root/annotations[/sub]``."""
    images, annotations = root / "images", root / "annotations"
    (images / sub).mkdir(parents=True)
    (annotations / sub).mkdir(parents=True)
    for xml in sorted(source.glob("*.xml")):
        shutil.copy2(xml.with_suffix(".png"), images / sub / xml.with_suffix(".png").name)
        shutil.copy2(xml, annotations / sub / xml.name)
    return images, annotations


@pytest.fixture
def split_layout(tiny_voc, tmp_path) -> tuple[Path, Path]:
    return _split_layout(tiny_voc, tmp_path)


def test_loader_finds_labels_in_the_save_folder_flat_and_mirrored(tiny_voc, tmp_path):
    from models.data import labelled_images, load_samples

    images, annotations = _split_layout(tiny_voc, tmp_path / "flat")
    assert labelled_images(images) == []  # nothing beside the images: the old behaviour trained on nothing
    found = labelled_images(images, save_dir=annotations)
    assert len(found) == 24 and all(x.parent == annotations for _, _, x in found)
    samples = load_samples(images, image_size=32, save_dir=annotations)
    assert len(samples) == 24 and sum(len(b) for b in samples.boxes) == 24

    nested_images, nested_annotations = _split_layout(tiny_voc, tmp_path / "nested", sub="garden")
    assert labelled_images(nested_images, save_dir=nested_annotations) == []  # sub-folder, not recursive
    nested = labelled_images(nested_images, save_dir=nested_annotations, recursive=True)
    assert len(nested) == 24 and all(i.startswith("garden/") for i, _, _ in nested)
    assert all(x.parent == nested_annotations / "garden" for _, _, x in nested)


def test_boxes_saved_as_yolo_or_createml_from_the_window_are_trained_on(tiny_voc, tmp_path):
    from models.data import labelled_images, load_samples

    images, annotations = _split_layout(tiny_voc, tmp_path)
    xmls = sorted(annotations.glob("*.xml"))
    classes = sorted({o.name for x in xmls for o in voc.read(x).objects})
    for n, xml in enumerate(xmls[:4]):  # re-save four images' boxes as the window's other formats
        ann = voc.read(xml)
        xml.unlink()
        save_annotation(ann, str(xml), "yolo" if n % 2 else "createml", str(images), classes)
    assert not any(x.is_file() for x in xmls[:4])
    assert len(labelled_images(images, save_dir=annotations)) == 24
    samples = load_samples(images, image_size=32, save_dir=annotations)
    assert len(samples) == 24 and not [p for p in samples.problems if "skipped" in p.reason]


def test_train_cli_with_save_dir_trains_on_every_labelled_image(split_layout, tmp_path, capsys):
    images, annotations = split_layout
    out = tmp_path / "model.keras"
    args = [
        "train",
        str(images),
        "--save-dir",
        str(annotations),
        "--out",
        str(out),
        "--backbone",
        "tiny_test",
    ]
    args += [
        "--weights",
        "none",
        "--image-size",
        "32",
        "--epochs",
        "1",
        "--head-epochs",
        "1",
        "--json",
    ]
    assert cli.main(args) == 0
    captured = capsys.readouterr()
    result = json.loads(captured.out.strip().splitlines()[-1])
    assert result["n_train"] + result["n_val"] == 24
    assert (
        f"found 24 labelled images in {images} with annotations in {annotations}"
        in captured.err + captured.out
    )
    split = (images / "ImageSets" / "Main" / "val.txt").read_text().split()
    assert len(split) == result["n_val"]  # the split is written where it always was: in the image folder


def test_train_without_save_dir_says_where_it_looked(split_layout, tmp_path, capsys):
    images, _ = split_layout
    args = ["train", str(images), "--out", str(tmp_path / "m.keras"), "--backbone", "resnet34"]
    assert cli.main(args + ["--weights", "none", "--image-size", "32", "--epochs", "1", "--quiet"]) != 0
    assert "--save-dir" in capsys.readouterr().err


def test_verified_only_trains_on_the_verified_images_and_keeps_the_split(split_layout, tmp_path):
    from models.training import train
    from tests.models.conftest import scratch_config

    images, annotations = split_layout
    main = images / "ImageSets" / "Main"
    from models.data import labelled_images, split_ids

    split_ids(images, [i for i, _, _ in labelled_images(images, save_dir=annotations)])
    before = {p.name: p.read_bytes() for p in main.iterdir()}
    for xml in sorted(annotations.glob("*.xml"))[:3]:
        ann = voc.read(xml)
        ann.verified = True
        voc.write(ann, xml)
    config = scratch_config(
        images,
        tmp_path / "v.keras",
        save_dir=str(annotations),
        verified_only=True,
        epochs=1,
        head_epochs=1,
        backbone="tiny_test",
    )
    result = train(config)
    assert result.n_train + result.n_val == 3
    assert {p.name: p.read_bytes() for p in main.iterdir()} == before  # the whole dataset's split is kept


def test_evaluate_predict_export_with_save_dir(scratch_run, split_layout, tmp_path, capsys):
    _, _, model = scratch_run
    images, annotations = split_layout
    assert cli.main(["evaluate", str(model), str(images), "--save-dir", str(annotations), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["n_images"] == 24

    first = sorted(images.glob("*.png"))[0]
    assert (
        cli.main(
            ["predict", str(model), str(first), "--out", str(tmp_path / "p"), "--save-dir", str(annotations)]
        )
        == 0
    )
    assert "IoU vs ground truth:" in capsys.readouterr().out

    for fmt in ("coco", "yolo"):
        out = tmp_path / f"export_{fmt}"
        assert (
            cli.main(
                ["export", str(images), "--save-dir", str(annotations), "--format", fmt, "--out", str(out)]
            )
            == 0
        )
        captured = capsys.readouterr()
        assert "found 24 labelled images" in captured.err and "exported 24 images" in captured.out


def test_mistakes_with_save_dir_reads_the_save_folder_and_the_split_in_the_data(
    scratch_run, split_layout, tmp_path, capsys
):
    from annotator.core.mistakes import read_mistakes
    from models.data import labelled_images, split_ids

    _, _, model = scratch_run
    images, annotations = split_layout
    out = tmp_path / "mistakes.json"
    args = ["mistakes", str(images), "--model", str(model), "--out", str(out)]
    _, val = split_ids(images, [i for i, _, _ in labelled_images(images, save_dir=annotations)])
    assert cli.main(args) == 2  # no annotation beside the images: nothing to look at, said so
    assert "nothing to evaluate" in capsys.readouterr().err and not out.exists()
    assert cli.main(args + ["--save-dir", str(annotations)]) == 0
    report = read_mistakes(out)
    assert report.n_images == len(val) and {e.image for e in report.entries} <= set(val)
    assert cli.main(args + ["--save-dir", str(annotations), "--split", "all"]) == 0
    assert read_mistakes(out).n_images == 24


def test_a_dataset_where_the_split_cannot_be_written_still_trains_and_says_so(split_layout, tmp_path):
    from models.training import train
    from tests.models.conftest import scratch_config

    images, annotations = split_layout
    blocker = images / "ImageSets"
    blocker.symlink_to(tmp_path / "nowhere")  # ImageSets/Main cannot be made, as in a read-only dataset
    events = []
    config = scratch_config(
        images, tmp_path / "m.keras", save_dir=str(annotations), epochs=1, backbone="tiny_test"
    )
    result = train(config, progress=events.append)
    assert result.model_path and result.n_train + result.n_val == 24
    assert any("cannot write the split files" in (e.message or "") for e in events)
    assert blocker.is_symlink() and not (tmp_path / "nowhere").exists()
