"""VOC palette masks: the colour map, palette PNG round trips, and clear errors for masks that cannot be read."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from annotator.core.masks import VOC_PALETTE, MaskError, encode_mask_png, read_mask_png, write_mask_png


def test_palette_is_the_voc_devkit_colour_map():
    assert VOC_PALETTE.shape == (256, 3) and VOC_PALETTE.dtype == np.uint8
    expected = {
        0: (0, 0, 0),
        1: (128, 0, 0),
        2: (0, 128, 0),
        3: (128, 128, 0),
        4: (0, 0, 128),
        5: (128, 0, 128),
        15: (192, 128, 128),  # VOC "person"
        20: (0, 64, 128),  # VOC "tvmonitor"
        255: (224, 224, 192),  # void
    }
    for index, rgb in expected.items():
        assert tuple(int(v) for v in VOC_PALETTE[index]) == rgb
    assert len({tuple(c) for c in VOC_PALETTE.tolist()}) == 256  # every index has its own colour


def _mask(h: int = 37, w: int = 53, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.choice(np.array([0, 1, 2, 3, 4, 5, 255], np.uint8), size=(h, w))


def test_round_trip_palette_png(tmp_path):
    mask = _mask()
    path = tmp_path / "m.png"
    write_mask_png(path, mask)
    with Image.open(path) as im:
        assert im.mode == "P"
        assert im.size == (53, 37)
        palette = np.array(im.getpalette()[: 256 * 3], np.uint8).reshape(-1, 3)
    assert np.array_equal(palette, VOC_PALETTE)
    back = read_mask_png(path, expected_size=(53, 37))
    assert back.dtype == np.uint8 and back.shape == (37, 53)
    assert np.array_equal(back, mask)
    assert [p.name for p in tmp_path.iterdir()] == ["m.png"]  # no temp file left behind


def test_same_mask_same_bytes_and_overwrite_replaces(tmp_path):
    mask = _mask(seed=1)
    assert encode_mask_png(mask) == encode_mask_png(mask.copy())
    path = tmp_path / "m.png"
    write_mask_png(path, np.zeros((4, 4), np.uint8))
    write_mask_png(path, mask)
    assert np.array_equal(read_mask_png(path), mask)


def test_other_integer_and_bool_arrays_are_accepted(tmp_path):
    write_mask_png(tmp_path / "a.png", np.array([[0, 1], [255, 3]], dtype=np.int64))
    assert read_mask_png(tmp_path / "a.png").tolist() == [[0, 1], [255, 3]]
    write_mask_png(tmp_path / "b.png", np.array([[True, False]]))
    assert read_mask_png(tmp_path / "b.png").tolist() == [[1, 0]]


@pytest.mark.parametrize(
    "bad, words",
    [
        (np.zeros((4, 4, 3), np.uint8), "2-D"),
        (np.zeros((0, 4), np.uint8), "empty"),
        (np.zeros((4, 4), np.float32), "integer"),
        (np.full((4, 4), 256, np.int32), "0..255"),
        (np.full((4, 4), -1, np.int32), "0..255"),
    ],
)
def test_invalid_arrays_are_refused_and_nothing_is_written(tmp_path, bad, words):
    path = tmp_path / "m.png"
    with pytest.raises(MaskError, match=words):
        write_mask_png(path, bad)
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_rgb_mask_of_palette_colours_maps_back_to_indices(tmp_path):
    mask = _mask(seed=2)
    path = tmp_path / "rgb.png"
    Image.fromarray(VOC_PALETTE[mask], mode="RGB").save(path)
    assert np.array_equal(read_mask_png(path), mask)
    rgba = tmp_path / "rgba.png"
    Image.fromarray(np.dstack([VOC_PALETTE[mask], np.full(mask.shape, 255, np.uint8)]), mode="RGBA").save(
        rgba
    )
    assert np.array_equal(read_mask_png(rgba), mask)


def test_rgb_mask_with_a_foreign_colour_names_file_colour_and_pixel(tmp_path):
    rgb = VOC_PALETTE[_mask(seed=3)].copy()
    rgb[5, 7] = (10, 200, 30)
    path = tmp_path / "photo_like.png"
    Image.fromarray(rgb, mode="RGB").save(path)
    with pytest.raises(MaskError) as info:
        read_mask_png(path)
    message = str(info.value)
    assert "photo_like.png" in message and "(10, 200, 30)" in message and "x=7, y=5" in message


def test_grayscale_and_16_bit_masks(tmp_path):
    mask = _mask(seed=4)
    Image.fromarray(mask, mode="L").save(tmp_path / "l.png")
    assert np.array_equal(read_mask_png(tmp_path / "l.png"), mask)
    Image.fromarray(mask.astype(np.uint16)).save(tmp_path / "i16.png")
    assert np.array_equal(read_mask_png(tmp_path / "i16.png"), mask)
    Image.fromarray(np.full((3, 3), 300, np.uint16)).save(tmp_path / "big.png")
    with pytest.raises(MaskError, match="big.png.*300"):
        read_mask_png(tmp_path / "big.png")


def test_wrong_size_missing_and_broken_files(tmp_path):
    path = tmp_path / "m.png"
    write_mask_png(path, np.zeros((10, 20), np.uint8))
    with pytest.raises(MaskError, match=r"m.png: mask is 20x10 pixels but its image is 30x10"):
        read_mask_png(path, expected_size=(30, 10))
    with pytest.raises(MaskError, match="not found"):
        read_mask_png(tmp_path / "nope.png")
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not a png at all")
    with pytest.raises(MaskError, match="junk.png: cannot read"):
        read_mask_png(junk)
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(encode_mask_png(_mask(200, 200))[:60])
    with pytest.raises(MaskError, match="cut.png"):
        read_mask_png(truncated)


def test_class_index_map_follows_the_predefined_order_or_a_given_list():
    from annotator.core.masks import class_index_map

    assert class_index_map() == {"daisy": 1, "dandelion": 2, "roses": 3, "sunflowers": 4, "tulips": 5}
    assert class_index_map(["cat", "dog"]) == {"cat": 1, "dog": 2}
    with pytest.raises(MaskError, match="distinct"):
        class_index_map(["a", "b", "a"])
    with pytest.raises(MaskError, match="254"):
        class_index_map([f"c{i}" for i in range(255)])
