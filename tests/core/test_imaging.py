"""The image loader on real files: every pixel layout becomes (H, W, 3) uint8 RGB; bad files raise ImageError."""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest
from PIL import Image

from annotator.core import imaging
from annotator.core.imaging import ImageError, load_image


def gradient(h: int = 48, w: int = 64) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return np.stack([x * 255 // (w - 1), y * 255 // (h - 1), np.full_like(x, 128)], -1).astype(np.uint8)


def check_rgb(arr: np.ndarray, h: int, w: int) -> None:
    assert arr.shape == (h, w, 3)
    assert arr.dtype == np.uint8
    assert arr.flags.c_contiguous


# ---------------------------------------------------------------- formats and pixel layouts


@pytest.mark.parametrize("ext", ["png", "bmp", "tif", "webp", "gif", "ppm"])
def test_common_formats_load_as_rgb(tmp_path, ext):
    rgb = gradient()
    path = tmp_path / f"g.{ext}"
    Image.fromarray(rgb).save(path, **({"lossless": True} if ext == "webp" else {}))
    out = load_image(path)
    check_rgb(out, 48, 64)
    if ext != "gif":  # GIF quantizes to a palette
        assert np.array_equal(out, rgb)
    assert imaging.image_size(path) == (64, 48)


def test_jpeg_fast_path_matches_pillow_decode(tmp_path):
    rgb = gradient(120, 160)
    path = tmp_path / "photo.jpg"
    Image.fromarray(rgb).save(path, quality=90)
    out = load_image(path)
    check_rgb(out, 120, 160)
    reference = np.asarray(Image.open(path).convert("RGB")).astype(int)
    assert np.abs(out.astype(int) - reference).mean() < 1.0


def test_progressive_jpeg_and_trailing_bytes_after_the_end(tmp_path):
    rgb = gradient(120, 160)
    path = tmp_path / "progressive.jpg"
    Image.fromarray(rgb).save(path, quality=90, progressive=True)
    check_rgb(load_image(path), 120, 160)
    # Some phones append data (a motion clip, a depth map) after the JPEG's end marker.
    path.write_bytes(path.read_bytes() + b"\x00" * 100 + b"TRAILER")
    assert np.abs(load_image(path).astype(int) - rgb).mean() < 3


def test_grayscale_jpeg_and_png_become_three_equal_channels(tmp_path):
    gray = gradient()[..., 0]
    for name in ("gray.jpg", "gray.png"):
        Image.fromarray(gray, "L").save(tmp_path / name)
        out = load_image(tmp_path / name)
        check_rgb(out, 48, 64)
        assert np.array_equal(out[..., 0], out[..., 1]) and np.array_equal(out[..., 1], out[..., 2])
        assert np.abs(out[..., 0].astype(int) - gray).max() <= (0 if name.endswith("png") else 8)


def test_one_bit_image(tmp_path):
    bits = np.zeros((20, 30), bool)
    bits[5:10, 5:20] = True
    Image.fromarray(bits).save(tmp_path / "bits.png")
    out = load_image(tmp_path / "bits.png")
    check_rgb(out, 20, 30)
    assert (out[7, 10] == 255).all() and (out[0, 0] == 0).all()


def test_palette_png_with_and_without_transparency(tmp_path):
    im = Image.new("P", (10, 10), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (5, 0, 10, 10))
    im.save(tmp_path / "pal.png")
    out = load_image(tmp_path / "pal.png")
    assert tuple(out[0, 0]) == (255, 0, 0) and tuple(out[0, 9]) == (0, 0, 255)
    im.save(tmp_path / "pal_t.png", transparency=0)  # index 0 (red) fully transparent -> white
    out = load_image(tmp_path / "pal_t.png")
    assert tuple(out[0, 0]) == (255, 255, 255) and tuple(out[0, 9]) == (0, 0, 255)


def test_alpha_is_composited_over_white(tmp_path):
    rgba = np.zeros((4, 3, 4), np.uint8)
    rgba[..., :3] = (0, 0, 0)  # black hidden under the alpha
    rgba[:, 0, 3] = 0  # transparent -> white
    rgba[:, 1, 3] = 255  # opaque -> black
    rgba[:, 2, 3] = 128  # half -> mid grey
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.png")
    Image.fromarray(rgba, "RGBA").save(tmp_path / "a.webp", lossless=True)
    for name in ("a.png", "a.webp"):
        out = load_image(tmp_path / name)
        check_rgb(out, 4, 3)
        assert (out[:, 0] == 255).all()
        assert (out[:, 1] == 0).all()
        assert (np.abs(out[:, 2].astype(int) - 127) <= 1).all()
    la = np.stack([np.full((2, 2), 50, np.uint8), np.array([[0, 255], [255, 0]], np.uint8)], -1)
    Image.fromarray(la, "LA").save(tmp_path / "la.png")
    out = load_image(tmp_path / "la.png")
    assert tuple(out[0, 0]) == (255, 255, 255) and tuple(out[0, 1]) == (50, 50, 50)


def test_sixteen_bit_gray_and_rgb_keep_the_high_byte(tmp_path):
    k = np.arange(256, dtype=np.uint16)
    gray16 = np.tile(k * 257, (4, 1))  # 257 * k is exactly k in 8 bits
    gray16[0, 0] = 65535
    Image.fromarray(gray16).save(tmp_path / "g16.png")
    cv2.imwrite(str(tmp_path / "g16.tif"), gray16)
    for name in ("g16.png", "g16.tif"):
        out = load_image(tmp_path / name)
        check_rgb(out, 4, 256)
        assert out[1, :, 0].tolist() == list(range(256))
        assert out[0, 0, 0] == 255
    rgb16 = np.stack([gray16, gray16[:, ::-1], np.full_like(gray16, 0x8000)], -1)
    for name in ("rgb16.png", "rgb16.tif"):
        cv2.imwrite(str(tmp_path / name), rgb16[..., ::-1])  # OpenCV writes BGR
        out = load_image(tmp_path / name)
        check_rgb(out, 4, 256)
        assert np.array_equal(out, (rgb16 >> 8).astype(np.uint8))


def test_float_tiff(tmp_path):
    f = np.linspace(0, 1, 50, dtype=np.float32).reshape(5, 10)
    Image.fromarray(f, "F").save(tmp_path / "f.tif")
    out = load_image(tmp_path / "f.tif")
    check_rgb(out, 5, 10)
    assert out[0, 0, 0] == 0 and out[-1, -1, 0] == 255


def test_cmyk_jpeg_is_converted(tmp_path):
    cmyk = np.zeros((16, 16, 4), np.uint8)
    cmyk[:, :8] = (0, 255, 255, 0)  # red
    cmyk[:, 8:] = (255, 0, 255, 0)  # green
    Image.fromarray(cmyk, "CMYK").save(tmp_path / "cmyk.jpg", quality=95)
    assert Image.open(tmp_path / "cmyk.jpg").mode == "CMYK"
    out = load_image(tmp_path / "cmyk.jpg")
    check_rgb(out, 16, 16)
    r, g, b = out[8, 2].astype(int)
    assert r > 200 and g < 60 and b < 60
    r, g, b = out[8, 13].astype(int)
    assert g > 200 and r < 60 and b < 60
    check_rgb(load_image(tmp_path / "cmyk.jpg", reduce=2), 8, 8)


def test_unicode_paths(tmp_path):
    folder = tmp_path / "꽃 사진"
    folder.mkdir()
    path = folder / "장미 01.jpg"
    Image.fromarray(gradient()).save(path)
    check_rgb(load_image(path), 48, 64)
    assert imaging.image_size(str(path)) == (64, 48)


@pytest.mark.parametrize("reduce", [2, 4, 8])
def test_reduce_sizes_are_ceil_for_jpeg_and_other_formats(tmp_path, reduce):
    rgb = gradient(101, 203)
    Image.fromarray(rgb).save(tmp_path / "odd.jpg", quality=95)
    Image.fromarray(rgb).save(tmp_path / "odd.png")
    expected = (-(-101 // reduce), -(-203 // reduce), 3)
    for name in ("odd.jpg", "odd.png"):
        small = load_image(tmp_path / name, reduce=reduce)
        assert small.shape == expected
        # Same picture: the red ramp still runs left to right.
        assert small[expected[0] // 2, 0, 0] < 40 and small[expected[0] // 2, -1, 0] > 200


def test_reduce_must_be_a_supported_factor(tmp_path):
    Image.fromarray(gradient()).save(tmp_path / "g.png")
    with pytest.raises(ValueError, match="got 3"):
        load_image(tmp_path / "g.png", reduce=3)


def test_image_extensions_and_is_image_file():
    assert {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"} <= imaging.IMAGE_EXTENSIONS
    assert imaging.is_image_file("A/B/IMG_0001.JPG")
    assert not imaging.is_image_file("a.xml") and not imaging.is_image_file("jpg")


# ---------------------------------------------------------------- bad files


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ImageError, match="not found") as err:
        load_image(tmp_path / "nope.jpg")
    assert "nope.jpg" in str(err.value)
    with pytest.raises(ImageError, match="folder"):
        load_image(tmp_path)
    assert issubclass(ImageError, ValueError)


def test_zero_byte_file(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    for fn in (load_image, imaging.image_size):
        with pytest.raises(ImageError, match=r"empty \(0 bytes\)") as err:
            fn(path)
        assert "empty.jpg" in str(err.value)


def test_not_an_image(tmp_path):
    path = tmp_path / "notes.jpg"
    path.write_text("these are not pixels\n" * 20)
    with pytest.raises(ImageError, match="not an image") as err:
        load_image(path)
    assert "notes.jpg" in str(err.value)


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_jpeg(tmp_path, fraction):
    rgb = (np.random.default_rng(0).random((200, 300, 3)) * 255).astype(np.uint8)
    full = tmp_path / "full.jpg"
    Image.fromarray(rgb).save(full, quality=90)
    data = full.read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * fraction)])
    assert imaging.image_size(path) == (300, 200)  # the header is intact
    with pytest.raises(ImageError, match="truncated") as err:
        load_image(path)
    assert "cut.jpg" in str(err.value)


def test_truncated_jpeg_with_an_end_marker_hidden_in_its_exif(tmp_path):
    """An EXIF block (like an embedded thumbnail) holds FF D9 bytes; the cut must still be noticed."""
    rgb = (np.random.default_rng(1).random((200, 300, 3)) * 255).astype(np.uint8)
    full = tmp_path / "full.jpg"
    Image.fromarray(rgb).save(full, quality=90)
    data = full.read_bytes()
    decoy = b"\xff\xd9 thumbnail end \xff\xd9"
    data = data[:2] + b"\xff\xfe" + struct.pack(">H", len(decoy) + 2) + decoy + data[2:]  # a COM segment
    assert data.find(b"\xff\xd9") < data.find(b"\xff\xda")  # the decoy comes before the scan
    check_rgb(load_image_bytes(tmp_path / "whole.jpg", data), 200, 300)
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="truncated"):
        load_image(tmp_path / "cut.jpg")


def load_image_bytes(path, data: bytes) -> np.ndarray:
    path.write_bytes(data)
    return load_image(path)


def test_truncated_png(tmp_path):
    rgb = (np.random.default_rng(0).random((200, 300, 3)) * 255).astype(np.uint8)
    Image.fromarray(rgb).save(tmp_path / "full.png")
    data = (tmp_path / "full.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageError, match="truncated"):
        load_image(tmp_path / "cut.png")


def _png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims a size and holds almost no pixel data: decoding it would fail, refusing must not."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_decompression_bomb_is_refused_from_the_header(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(_png_header_only(12_500, 12_001))  # 150,012,500 pixels, a 100-byte file
    assert imaging.image_size(path) == (12_500, 12_001)  # the header alone is fine to read
    with pytest.raises(ImageError, match="over the limit of 150,000,000 pixels") as err:
        load_image(path)
    assert "bomb.png" in str(err.value)
    # Far over Pillow's own hard limit: still a clear ImageError, never a crash.
    (tmp_path / "huge.png").write_bytes(_png_header_only(40_000, 40_000))
    with pytest.raises(ImageError, match="too large|over the limit"):
        load_image(tmp_path / "huge.png")


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_jpeg_bomb_with_a_patched_frame_header(tmp_path):
    Image.fromarray(gradient()).save(tmp_path / "small.jpg")
    data = bytearray((tmp_path / "small.jpg").read_bytes())
    sof = data.find(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", 13_000, 13_000)  # height, width: 169 MP
    (tmp_path / "bomb.jpg").write_bytes(bytes(data))
    assert imaging.image_size(tmp_path / "bomb.jpg") == (13_000, 13_000)
    with pytest.raises(ImageError, match="over the limit"):
        load_image(tmp_path / "bomb.jpg")


def test_max_pixels_is_the_callers_choice(tmp_path):
    Image.fromarray(gradient()).save(tmp_path / "g.png")  # 64 x 48 = 3072 pixels
    with pytest.raises(ImageError, match="over the limit of 3,000 pixels"):
        load_image(tmp_path / "g.png", max_pixels=3000)
    check_rgb(load_image(tmp_path / "g.png", max_pixels=3072), 48, 64)


def test_parallel_loads_give_the_same_pixels(tmp_path):
    """The window decodes the next and previous images on worker threads."""
    from concurrent.futures import ThreadPoolExecutor

    rng = np.random.default_rng(3)
    paths = []
    for i in range(8):
        path = tmp_path / f"p{i}.{'jpg' if i % 2 else 'png'}"
        Image.fromarray((rng.random((60, 80, 3)) * 255).astype(np.uint8)).save(path)
        paths.append(path)
    serial = [load_image(p) for p in paths]
    with ThreadPoolExecutor(4) as pool:
        parallel = list(pool.map(load_image, paths * 3))
    for i, arr in enumerate(parallel):
        assert np.array_equal(arr, serial[i % len(paths)])
