"""The Training dock's counts (`annotator.core.dataset_counts`): both layouts (annotations beside the images, and
a save folder with mirrored sub-folders), sidecars, unreadable files, one image counted again after it changed on
disk, and the split note naming where the split files are."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.core import dataset, sample_data, voc
from annotator.core.annotation import BoxObject
from annotator.core.dataset_counts import MIN_TRAIN_IMAGES, summarize_dataset
from annotator.core.formats import sidecars


def _beside(tmp_path: Path, count: int = 6) -> Path:
    folder = tmp_path / "flowers"
    sample_data.generate(folder, count=count, seed=4, max_flowers=2, image_size=(64, 48))
    return folder


def _save_folder_layout(tmp_path: Path, count: int = 6) -> tuple[Path, Path]:
    """``images/{a,b}/*.jpg`` with their VOC files under ``annotations/{a,b}/`` (LabelImg's Change Save Dir)."""
    flat = _beside(tmp_path, count)
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    for n, image in enumerate(sorted(flat.glob("*.jpg"))):
        sub = "a" if n % 2 else "b"
        (images / sub).mkdir(parents=True, exist_ok=True)
        (annotations / sub).mkdir(parents=True, exist_ok=True)
        shutil.move(image, images / sub / image.name)
        shutil.move(image.with_suffix(".xml"), annotations / sub / f"{image.stem}.xml")
    return images, annotations


def _boxes(folder: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for xml in folder.rglob("*.xml"):
        for o in voc.read(xml).objects:
            counts[o.name] = counts.get(o.name, 0) + 1
    return counts


def test_beside_the_images_every_labelled_image_and_box_is_counted(tmp_path):
    folder = _beside(tmp_path)
    summary = summarize_dataset(folder)
    assert (summary.images, summary.labelled, summary.verified) == (6, 6, 0)
    assert dict(summary.class_counts(False)) == _boxes(folder)
    assert summary.split(False) == (5, 1) and not summary.split_written
    lines = summary.describe(False)
    assert lines[0] == "6 images, 6 labelled, 0 verified"
    assert (
        lines[2]
        == f"Split: 5 train / 1 validation; the first run writes it to {folder / 'ImageSets' / 'Main'}"
    )


def test_a_save_folder_with_sub_folders_is_counted_like_training_reads_it(tmp_path):
    images, annotations = _save_folder_layout(tmp_path)
    assert summarize_dataset(images, recursive=True).labelled == 0  # nothing beside the images
    assert summarize_dataset(images, save_dir=str(annotations)).images == 0  # images only in sub-folders
    summary = summarize_dataset(images, save_dir=str(annotations), recursive=True)
    assert (summary.images, summary.labelled) == (6, 6)
    assert dict(summary.class_counts(False)) == _boxes(annotations)
    assert sorted(summary.used_ids(False))[0].startswith(("a/", "b/"))  # the ids of the split files


def test_one_image_is_counted_again_after_a_save_a_verification_and_the_trash(tmp_path):
    images, annotations = _save_folder_layout(tmp_path)
    summary = summarize_dataset(images, save_dir=str(annotations), recursive=True)
    image = sorted((images / "a").glob("*.jpg"))[0]
    xml = annotations / "a" / f"{image.stem}.xml"
    annotation = voc.read(xml)
    annotation.objects.append(BoxObject("tulips", 1, 1, 20, 20))
    annotation.verified = True
    voc.write(annotation, xml)
    before = summary.class_counts(False)["tulips"]
    assert summary.update_image(str(image))
    assert summary.verified == 1 and summary.class_counts(False)["tulips"] == before + 1
    assert summary.usable(True) == 1 and summary.split(True) == (1, 0)
    annotation.objects.clear()  # every box deleted: no longer labelled
    voc.write(annotation, xml)
    summary.update_image(str(image))
    assert (summary.labelled, summary.verified) == (5, 0)
    image.unlink()  # gone (moved to the trash)
    summary.update_image(str(image))
    assert summary.images == 5
    assert not summary.update_image(str(tmp_path / "elsewhere.jpg"))  # not in this dataset: nothing changes


def test_sidecars_count_and_an_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    folder = _beside(tmp_path, 4)
    first, second = sorted(folder.glob("*.jpg"))[:2]
    annotation = voc.read(first.with_suffix(".xml"))
    first.with_suffix(".xml").unlink()
    sidecars.save_yolo(
        annotation, str(first.with_suffix(".xml")), sorted({o.name for o in annotation.objects})
    )
    second.with_suffix(".xml").write_text("<annotation><object>")
    summary = summarize_dataset(folder)
    assert summary.labelled == 3  # the YOLO file counts, the broken XML does not
    assert summary.problems and summary.problems[0].startswith(second.with_suffix(".xml").name)
    assert "1 annotation file(s) unreadable, skipped" in summary.describe(False)


def test_once_written_the_split_comes_from_the_split_files_and_the_note_says_where(tmp_path):
    folder = _beside(tmp_path, 10)
    summary = summarize_dataset(folder)
    ids = summary.used_ids(False)
    train, val = dataset.train_val_split(folder, ids[:5], val_fraction=0.4)  # an earlier run on five images
    summary.refresh_split()
    assert summary.split_written
    expected = dataset.train_val_split(folder, ids, val_fraction=0.2, write=False)
    assert summary.split(False) == (len(expected[0]), len(expected[1]))
    assert set(val) <= set(expected[1])  # the files' choices are kept, new images dealt out as training will
    where = folder / "ImageSets" / "Main"
    assert f"from the split files in {where}" in summary.describe(False)[2]


@pytest.mark.parametrize("verified", [2, 3])
def test_too_few_verified_images_is_said_and_three_are_enough(tmp_path, verified):
    folder = _beside(tmp_path, 5)
    for xml in sorted(folder.glob("*.xml"))[:verified]:
        annotation = voc.read(xml)
        annotation.verified = True
        voc.write(annotation, xml)
    summary = summarize_dataset(folder)
    message = summary.too_few_message(True)
    assert MIN_TRAIN_IMAGES == 3
    if verified < 3:
        assert (
            message == "Only 2 verified image(s): verify at least 3 (some go to validation) before training."
        )
        assert summary.describe(True)[-1] == f"<b>{message}</b>"
    else:
        assert message == "" and summary.split(True) == (2, 1)
