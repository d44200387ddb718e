"""The synthetic flower generator: files and layout, exact boxes, determinism, class coverage, truncation."""

from __future__ import annotations

import subprocess
import sys

import cv2
import numpy as np
import pytest

from annotator.core import voc
from annotator.core.flowers.scene import Placement, _render
from annotator.core.imaging import image_size, load_image
from annotator.core.masks import read_mask_png
from annotator.core.resources import predefined_classes
from annotator.core.sample_data import (
    MASK_DIR,
    generate,
    output_paths,
    render_sample,
)

CLASSES = predefined_classes()
COUNT = 12


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    out = tmp_path_factory.mktemp("flowers")
    paths = generate(out, COUNT, seed=7, max_flowers=3)
    return out, paths


def _records(out, paths):
    for i, image_path in enumerate(paths):
        _, xml_path, mask_path = output_paths(out, i)
        ann = voc.read(xml_path)
        mask = read_mask_png(mask_path, expected_size=(ann.width, ann.height))
        yield image_path, ann, mask


def test_layout_is_labelimg_style_with_masks(batch):
    out, paths = batch
    assert [p.name for p in paths] == [f"flower_{i:05d}.jpg" for i in range(COUNT)]
    for image_path, ann, mask in _records(out, paths):
        assert image_path.is_file() and image_path.with_suffix(".xml").is_file()
        assert (out / MASK_DIR / f"{image_path.stem}.png").is_file()
        assert ann.filename == image_path.name
        assert ann.segmented
        assert (ann.width, ann.height, ann.depth) == (320, 240, 3)
        assert image_size(image_path) == (320, 240)
        assert load_image(image_path).shape == (240, 320, 3)
        assert mask.shape == (240, 320)
        assert set(np.unique(mask).tolist()) <= set(range(len(CLASSES) + 1))
    leftovers = [p.name for p in out.rglob("*") if p.name.startswith(".")]
    assert leftovers == []  # no temp files from the atomic writes


def test_boxes_are_tight_to_the_mask_pixels_of_their_class(batch):
    out, paths = batch
    for image_path, ann, mask in _records(out, paths):
        assert ann.objects, image_path
        covered = np.zeros_like(mask, dtype=bool)
        for obj in ann.objects:
            assert obj.name in CLASSES
            k = CLASSES.index(obj.name) + 1
            x0, y0, x1, y1 = (int(v) for v in obj.xyxy())
            assert (x0, y0, x1, y1) == obj.xyxy()  # whole pixel edges
            assert 0 <= x0 < x1 <= ann.width and 0 <= y0 < y1 <= ann.height
            inside = mask[y0:y1, x0:x1] == k
            # Every edge of the box passes through a pixel of the flower: no empty margin.
            assert inside[0].any() and inside[-1].any() and inside[:, 0].any() and inside[:, -1].any(), (
                image_path,
                obj,
            )
            covered[y0:y1, x0:x1] |= inside
        # ... and no flower pixel lies outside the boxes of its class: no cut petal.
        assert np.array_equal(covered, mask > 0), image_path


def test_every_class_appears_and_counts_stay_within_one_to_k(batch):
    out, paths = batch
    counts, names = [], set()
    for _, ann, _ in _records(out, paths):
        counts.append(len(ann.objects))
        names |= {o.name for o in ann.objects}
    assert names == set(CLASSES)
    assert min(counts) >= 1 and max(counts) <= 3
    assert len(set(counts)) > 1  # not always the same number of flowers


def test_truncated_flag_matches_the_image_edge(batch):
    out, paths = batch
    truncated = 0
    for _, ann, _ in _records(out, paths):
        for obj in ann.objects:
            touches = obj.xmin <= 0 or obj.ymin <= 0 or obj.xmax >= ann.width or obj.ymax >= ann.height
            if touches:
                assert obj.truncated, obj
            truncated += obj.truncated
    assert truncated >= 1


def test_flower_cut_by_the_frame_is_truncated_and_a_centred_one_is_not():
    rng = np.random.default_rng(0)
    for name in CLASSES:
        half_out = Placement(name, 0.0, 120.0, 60.0, 0.3, 1.0)
        _, inst, counts, truncated = _render(rng, 320, 240, [half_out])
        inside, total = counts[0]
        assert truncated == [True] and 0 < inside < total, name
        centred = Placement(name, 160.0, 100.0, 40.0, 0.0, 1.0)
        _, inst, counts, truncated = _render(rng, 320, 240, [centred])
        assert truncated == [False], name
        assert np.count_nonzero(inst == 1) > 0.4 * np.pi * 40**2  # the head's pixels are labelled


def test_same_seed_same_bytes_and_a_longer_run_extends_a_shorter_one(batch, tmp_path):
    out, _ = batch
    again = generate(tmp_path, 4, seed=7, max_flowers=3)
    for i, _image_path in enumerate(again):
        for a, b in zip(output_paths(out, i), output_paths(tmp_path, i), strict=True):
            if a.suffix == ".xml":  # the <path> and <folder> name the folder; everything else is equal
                ra, rb = voc.read(a), voc.read(b)
                assert [o.__dict__ for o in ra.objects] == [o.__dict__ for o in rb.objects]
            else:
                assert a.read_bytes() == b.read_bytes(), a.name
    before = output_paths(out, 1)[0].read_bytes()
    generate(out, 2, seed=7, max_flowers=3, overwrite=True)
    assert output_paths(out, 1)[0].read_bytes() == before


def test_same_bytes_from_another_process(batch, tmp_path):
    """No hidden state (hash seeds, thread scheduling) leaks into the files."""
    out, _ = batch
    code = f"from annotator.core.sample_data import generate; generate({str(tmp_path)!r}, 2, seed=7)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    for i in range(2):
        image, _xml, mask = output_paths(tmp_path, i)
        assert image.read_bytes() == output_paths(out, i)[0].read_bytes()
        assert mask.read_bytes() == output_paths(out, i)[2].read_bytes()


def test_different_seed_gives_different_images(batch, tmp_path):
    out, _ = batch
    generate(tmp_path, 3, seed=8, max_flowers=3)
    for i in range(3):
        assert output_paths(out, i)[0].read_bytes() != output_paths(tmp_path, i)[0].read_bytes()


def test_opencv_thread_count_is_restored(tmp_path):
    before = cv2.getNumThreads()
    generate(tmp_path, 1, seed=0)
    assert cv2.getNumThreads() == before


def test_single_flower_images_and_varied_sizes(tmp_path):
    paths = generate(tmp_path, 8, seed=3, max_flowers=1, image_size=None)
    sizes = set()
    for i, image_path in enumerate(paths):
        ann = voc.read(output_paths(tmp_path, i)[1])
        assert len(ann.objects) == 1
        sizes.add(image_size(image_path))
        assert (ann.width, ann.height) == image_size(image_path)
        read_mask_png(output_paths(tmp_path, i)[2], expected_size=(ann.width, ann.height))
    assert len(sizes) > 1


def test_refuses_to_overwrite_unless_asked(tmp_path):
    generate(tmp_path, 2, seed=1)
    xml = output_paths(tmp_path, 1)[1]
    xml.write_text("my own labels", encoding="utf-8")
    with pytest.raises(FileExistsError, match="flower_00000.jpg and 5 more already exist"):
        generate(tmp_path, 3, seed=2)
    assert xml.read_text(encoding="utf-8") == "my own labels"
    assert not output_paths(tmp_path, 2)[0].exists()  # nothing was written
    generate(tmp_path, 2, seed=1, overwrite=True)
    assert voc.read(xml).objects


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"count": -1}, "count"),
        ({"count": 1.5}, "count"),
        ({"seed": -3}, "seed"),
        ({"max_flowers": 0}, "max_flowers"),
        ({"max_flowers": 9}, "max_flowers"),
        ({"image_size": (10, 240)}, "image_size"),
        ({"image_size": "big"}, "image_size"),
    ],
)
def test_bad_arguments_are_refused_with_the_value(tmp_path, kwargs, words):
    args = {"count": 1, "seed": 0, "max_flowers": 3, "image_size": (320, 240)} | kwargs
    with pytest.raises(ValueError, match=words):
        generate(tmp_path, **args)
    assert list(tmp_path.iterdir()) == []


def test_render_sample_in_memory_matches_the_files(batch):
    out, _ = batch
    scene, _quality = render_sample(7, 0, 3, (320, 240))
    ann = voc.read(output_paths(out, 0)[1])
    assert [(o.name, o.box) for o in scene.objects] == [(o.name, o.xyxy()) for o in ann.objects]
    assert np.array_equal(scene.class_mask(CLASSES), read_mask_png(output_paths(out, 0)[2]))


@pytest.mark.parametrize("size, k", [((32, 32), 3), ((40, 200), 6), ((96, 64), 2)])
def test_tiny_and_odd_image_sizes_still_give_valid_labels(tmp_path, size, k):
    paths = generate(tmp_path, 4, seed=11, max_flowers=k, image_size=size)
    for i, _ in enumerate(paths):
        _, xml, mask_path = output_paths(tmp_path, i)
        ann = voc.read(xml)
        mask = read_mask_png(mask_path, expected_size=size)
        assert 1 <= len(ann.objects) <= k
        for obj in ann.objects:
            assert 0 <= obj.xmin < obj.xmax <= size[0] and 0 <= obj.ymin < obj.ymax <= size[1]
            k_index = CLASSES.index(obj.name) + 1
            assert (mask[int(obj.ymin) : int(obj.ymax), int(obj.xmin) : int(obj.xmax)] == k_index).any()
