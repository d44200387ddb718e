"""GrabCut pseudo-masks: a disc in a box is found, results are cached apart from user masks, edits refresh them."""

from __future__ import annotations

import cv2
import numpy as np

from annotator.core import masks
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.pseudo_masks import cache_folder, grabcut_mask, load_or_make_pseudo_mask


def _scene(seed: int = 0):
    rng = np.random.default_rng(seed)
    image = rng.integers(60, 140, size=(160, 200, 3)).astype(np.uint8)
    image = cv2.GaussianBlur(image, (5, 5), 0)
    image[..., 1] = np.clip(image[..., 1].astype(int) + 40, 0, 255)  # greenish foliage
    truth = np.zeros((160, 200), np.uint8)
    cv2.circle(image, (70, 80), 35, (235, 60, 180), -1)
    cv2.circle(truth, (70, 80), 35, 1, -1)
    cv2.circle(image, (160, 40), 18, (250, 230, 40), -1)
    cv2.circle(truth, (160, 40), 18, 2, -1)
    boxes = np.array([[33, 43, 108, 118], [140, 20, 181, 61]], float)
    return image, boxes, truth


def _iou(a, b):
    return (a & b).sum() / max((a | b).sum(), 1)


def test_grabcut_finds_the_disc_in_each_box():
    image, boxes, truth = _scene()
    mask = grabcut_mask(image, boxes, [1, 2])
    assert mask.shape == truth.shape and mask.dtype == np.uint8
    for c in (1, 2):
        assert _iou(mask == c, truth == c) > 0.85, c
    box_fill = np.zeros_like(truth, bool)
    box_fill[43:118, 33:108] = True
    # Better than painting the whole box.
    assert _iou(mask == 1, truth == 1) > _iou(box_fill, truth == 1) + 0.1
    assert set(np.unique(mask)) == {0, 1, 2}


def test_box_filling_the_image_falls_back_to_an_ellipse():
    image, _, _ = _scene()
    mask = grabcut_mask(image, np.array([[0, 0, 200, 160]]), [3])
    assert mask[80, 100] == 3 and mask[0, 0] == 0
    assert 0.7 < (mask == 3).mean() < 0.85  # pi/4 of the box


def _dataset(tmp_path):
    image, boxes, _ = _scene()
    path = tmp_path / "flower_00000.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 98])
    ann = ImageAnnotation(filename=path.name, width=200, height=160)
    ann.objects = [
        BoxObject("roses", *boxes[0]),
        BoxObject("sunflowers", *boxes[1]),
        BoxObject("weed", 0, 0, 5, 5),
    ]
    return path, ann


def test_cached_beside_the_dataset_never_in_segmentation_class(tmp_path):
    path, ann = _dataset(tmp_path)
    names = ["roses", "sunflowers"]
    mask = load_or_make_pseudo_mask(tmp_path, path, ann, names)
    files = list(cache_folder(tmp_path).glob("*.png"))
    assert len(files) == 1 and files[0].name.startswith("flower_00000.")
    assert not (tmp_path / "SegmentationClass").exists()
    assert (mask == masks.VOID).any()  # the unknown "weed" box is void, not background
    np.testing.assert_array_equal(masks.read_mask_png(files[0]), mask)
    # Second call: read from the cache, same result, same file.
    mtime = files[0].stat().st_mtime_ns
    again = load_or_make_pseudo_mask(tmp_path, path, ann, names)
    np.testing.assert_array_equal(again, mask)
    assert files[0].stat().st_mtime_ns == mtime
    # Moving a box makes a new mask and removes the stale one.
    ann.objects[1].xmin -= 10
    load_or_make_pseudo_mask(tmp_path, path, ann, names)
    new_files = list(cache_folder(tmp_path).glob("*.png"))
    assert len(new_files) == 1 and new_files[0] != files[0]


def test_no_boxes_no_pseudo_mask(tmp_path):
    path, ann = _dataset(tmp_path)
    ann.objects = []
    assert load_or_make_pseudo_mask(tmp_path, path, ann, ["roses"]) is None
    assert not cache_folder(tmp_path).exists()
