"""Training data found the way the window finds it: a save folder with mirrored sub-folders, verified only, and
the real raccoon dataset (images/ + annotations/, read from /work/shared when present)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.core import voc
from models import data
from tests.models.conftest import scratch_config
from tests.models.synthetic_voc import make_dataset

RACCOON = Path("/work/shared/datasets/raccoon")


def _save_dir_layout(tmp_path: Path, count: int = 12) -> tuple[Path, Path, list[str]]:
    """``images/{a,b}/*.png`` with their XML under ``annotations/{a,b}/`` (LabelImg's Change Save Dir)."""
    flat = tmp_path / "flat"
    ids = make_dataset(flat, count, seed=3, with_masks=False)
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    for n, image_id in enumerate(ids):
        sub = "a" if n % 2 else "b"
        (images / sub).mkdir(parents=True, exist_ok=True)
        (annotations / sub).mkdir(parents=True, exist_ok=True)
        image = next(flat.glob(f"{image_id}.*[!l]"))
        shutil.move(image, images / sub / image.name)
        shutil.move(flat / f"{image_id}.xml", annotations / sub / f"{image_id}.xml")
    return images, annotations, ids


def test_labelled_images_follow_the_save_folder_with_sub_folders(tmp_path):
    images, annotations, ids = _save_dir_layout(tmp_path)
    assert data.labelled_images(images) == []  # nothing beside the images
    found = data.labelled_images(images, annotations, recursive=True)
    assert len(found) == len(ids)
    for _, image_path, xml_path in found:
        rel = image_path.relative_to(images).with_suffix(".xml")
        assert xml_path == annotations / rel
    samples = data.load_samples(images, image_size=32, save_dir=annotations, recursive=True)
    assert len(samples) == len(ids) and not samples.problems


def test_verified_only_counts_the_verified_annotations_in_the_save_folder(tmp_path):
    images, annotations, _ = _save_dir_layout(tmp_path)
    xmls = sorted(annotations.rglob("*.xml"))
    for xml in xmls[:3]:
        ann = voc.read(xml)
        ann.verified = True
        voc.write(ann, xml)
    verified = data.labelled_images(images, annotations, recursive=True, verified_only=True)
    assert sorted(x for _, _, x in verified) == xmls[:3]


def test_training_on_a_save_folder_trains_on_its_images_and_keeps_the_split_beside_the_data(tmp_path):
    from models.training import TrainError, train

    images, annotations, ids = _save_dir_layout(tmp_path)
    with pytest.raises(TrainError, match="no labelled images"):
        train(scratch_config(images, tmp_path / "none.keras", epochs=1))
    events = []
    out = tmp_path / "m.keras"
    result = train(
        scratch_config(images, out, epochs=1, save_dir=str(annotations), recursive=True),
        progress=events.append,
    )
    assert result.model_path and Path(result.model_path).is_file()
    assert any(f"found {len(ids)} labelled images" in (e.message or "") for e in events)
    main = images / "ImageSets" / "Main"
    listed = (main / "train.txt").read_text().split() + (main / "val.txt").read_text().split()
    assert len(listed) == len(ids)
    assert not list(annotations.rglob("ImageSets"))


@pytest.mark.skipif(not RACCOON.is_dir(), reason="the raccoon dataset is not in /work/shared/datasets")
def test_the_raccoon_dataset_finds_all_200_labelled_images():
    images, annotations = RACCOON / "images", RACCOON / "annotations"
    assert data.labelled_images(images) == []
    found = data.labelled_images(images, annotations)
    assert len(found) == 200
    assert all(x.parent == annotations and x.stem == p.stem for _, p, x in found)
