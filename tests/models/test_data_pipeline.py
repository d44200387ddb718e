"""Reading a VOC folder for training: resizing with boxes, problems reported, the split, augmentation."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from models.builder import head_contexts
from models.data import labelled_images, load_samples, split_ids
from models.training.pipeline import (
    AugmentConfig,
    augment,
    compute_targets,
    flip_sample,
    make_dataset,
    sample_dataset,
)
from tests.models.synthetic_voc import make_dataset as write_dataset


def test_samples_are_resized_with_normalized_boxes_and_masks(tiny_voc):
    samples = load_samples(tiny_voc, image_size=32)
    assert len(samples) == 24 and samples.images.shape == (24, 32, 32, 3)
    assert samples.class_names == ["daisy", "roses", "tulips"]  # predefined order, only those present
    ann = voc.read(tiny_voc / "img_0000.xml")
    b = ann.objects[0]
    np.testing.assert_allclose(
        samples.boxes[0][0], [b.xmin / 80, b.ymin / 64, b.xmax / 80, b.ymax / 64], atol=1e-6
    )
    assert samples.has_mask.all()
    # mask values are remapped to the model's class order: roses is class 1 -> value 2
    i = samples.ids.index("img_0001")
    assert samples.classes[i].tolist() == [1] and set(np.unique(samples.masks[i])) <= {0, 2}


def test_problem_images_are_reported_not_fatal(tmp_path):
    write_dataset(tmp_path, 4, seed=2, with_masks=False)
    (tmp_path / "broken.png").write_bytes(b"not an image")
    voc.write(
        ImageAnnotation(filename="broken.png", width=10, height=10, objects=[BoxObject("daisy", 1, 1, 5, 5)]),
        tmp_path / "broken.xml",
    )
    (tmp_path / "img_0001.xml").write_text("<annotation><object>", encoding="utf-8")
    ann = voc.read(tmp_path / "img_0002.xml")
    ann.objects.append(BoxObject("cactus", 1, 1, 9, 9))
    voc.write(ann, tmp_path / "img_0002.xml")
    ann = voc.read(tmp_path / "img_0003.xml")
    ann.objects = []
    voc.write(ann, tmp_path / "img_0003.xml")
    samples = load_samples(tmp_path, ["daisy", "roses", "tulips"], image_size=32)
    text = "\n".join(map(str, samples.problems))
    assert "broken.png" in text and "img_0001.xml" in text and "'cactus'" in text and "no boxes" in text
    assert samples.ids == ["img_0000", "img_0002"]
    assert len(samples.boxes[1]) == 1  # the unknown-class box is left out, and said so above


def test_split_is_deterministic_and_reused(tmp_path):
    ids = write_dataset(tmp_path, 10, seed=3, with_masks=False)
    assert [i for i, _, _ in labelled_images(tmp_path)] == ids
    train, val = split_ids(tmp_path, ids, val_fraction=0.2, seed=0)
    assert sorted(train + val) == ids and len(val) == 2
    assert (tmp_path / "ImageSets" / "Main" / "val.txt").read_text().split() == sorted(val)
    again = split_ids(tmp_path, ids, val_fraction=0.5, seed=7)  # the written split wins
    assert sorted(again[1]) == sorted(val)


def _one(samples, i=0):
    return next(iter(sample_dataset(samples).skip(i).take(1)))


def test_flip_and_augment_move_boxes_with_the_pixels(tiny_voc):
    samples = load_samples(tiny_voc, image_size=64)
    s = _one(samples)
    flipped = flip_sample(s)
    b, fb = s["boxes"].numpy()[0], flipped["boxes"].numpy()[0]
    np.testing.assert_allclose(fb, [1 - b[2], b[1], 1 - b[0], b[3]], atol=1e-6)
    cfg = AugmentConfig(flip=True, zoom=0.15, shift=0.1, brightness=0.0, contrast=0.0)
    for k in range(8):
        out = augment(s, tf.constant([k, 3], tf.int64), cfg)
        box = out["boxes"].numpy()[0]
        assert (box >= 0).all() and (box <= 1).all() and box[2] > box[0] and box[3] > box[1]
        # the mask's shape pixels lie inside the moved box (the box follows the pixels)
        ys, xs = np.nonzero(out["mask"].numpy())
        assert len(xs) > 0
        assert xs.min() / 64 >= box[0] - 0.05 and (xs.max() + 1) / 64 <= box[2] + 0.05
        assert ys.min() / 64 >= box[1] - 0.05 and (ys.max() + 1) / 64 <= box[3] + 0.05


def test_batches_carry_targets_and_weights(tiny_voc):
    samples = load_samples(tiny_voc, image_size=32)
    ctxs = head_contexts(samples.class_names, ["loc"], backbone="resnet34", image_size=32)
    ds = make_dataset(samples, ["loc"], ctxs, batch_size=8, training=True, seed=0)
    x, y, w = next(iter(ds))
    assert x.shape == (8, 32, 32, 3) and y["box"].shape == (8, 4) and y["cls"].shape == (8,)
    assert float(tf.reduce_min(w["box"])) == 1.0
    y_np, w_np = compute_targets(samples, ["loc"], ctxs)
    b = samples.boxes[0][0]
    np.testing.assert_allclose(
        y_np["box"][0], [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2, b[2] - b[0], b[3] - b[1]], atol=1e-6
    )
    # reproducible: the same seed gives the same augmented first batch
    x2, _, _ = next(iter(make_dataset(samples, ["loc"], ctxs, batch_size=8, training=True, seed=0)))
    np.testing.assert_array_equal(x.numpy(), x2.numpy())


def test_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        load_samples(tmp_path / "nowhere", image_size=32)
