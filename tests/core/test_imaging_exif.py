"""EXIF orientation 1-8: the loader shows the frame Qt shows with auto-transform, and boxes land on the marker.

Each test image is built backwards: a "displayed" picture with a red and a blue marker at known boxes is turned
into the stored pixels that a camera holding the phone that way would write, then saved with the EXIF tag. After
loading, the markers must be back where they were drawn.
"""

from __future__ import annotations

import struct

import numpy as np
import pytest
from PIL import Image

from annotator.core import imaging

W, H = 96, 64  # displayed frame
RED_BOX = (8, 4, 32, 20)  # xyxy edges in continuous pixels of the displayed frame
BLUE_BOX = (60, 40, 88, 60)

# The transpose that undoes each orientation's display transform (5 and 7 are their own inverse, 6 <-> 8).
_STORE = {
    1: None,
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_90,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_270,
}


def displayed_picture() -> np.ndarray:
    rgb = np.full((H, W, 3), 200, np.uint8)
    x0, y0, x1, y1 = RED_BOX
    rgb[y0:y1, x0:x1] = (230, 20, 20)
    x0, y0, x1, y1 = BLUE_BOX
    rgb[y0:y1, x0:x1] = (20, 20, 230)
    return rgb


def write_oriented(path, orientation: int, fmt: str) -> None:
    stored = Image.fromarray(displayed_picture())
    if _STORE[orientation] is not None:
        stored = stored.transpose(_STORE[orientation])
    exif = Image.Exif()
    exif[274] = orientation
    if fmt == "TIFF":
        stored.save(path, format="TIFF", tiffinfo={274: orientation})
    elif fmt == "JPEG":
        stored.save(path, format="JPEG", quality=95, exif=exif.tobytes())
    else:
        stored.save(path, format=fmt, exif=exif.tobytes())


def marker_box(rgb: np.ndarray, channel: int) -> tuple[float, float, float, float]:
    """The xyxy box (continuous pixels) of the pixels where ``channel`` dominates."""
    other = [c for c in range(3) if c != channel]
    mask = (rgb[..., channel].astype(int) > 150) & (rgb[..., other].astype(int).max(axis=2) < 90)
    ys, xs = np.nonzero(mask)
    assert len(xs), "marker not found"
    return (float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))


def qt_read(qapp, path) -> np.ndarray:
    from PySide6.QtGui import QImage, QImageReader

    reader = QImageReader(str(path))
    reader.setAutoTransform(True)
    image = reader.read()
    assert not image.isNull(), reader.errorString()
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    row = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), image.bytesPerLine())
    return row[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_orientation_gives_the_displayed_frame_and_boxes_land_on_markers(tmp_path, orientation):
    path = tmp_path / f"o{orientation}.jpg"
    write_oriented(path, orientation, "JPEG")
    stored_w, stored_h = Image.open(path).size
    assert (stored_w, stored_h) == ((H, W) if orientation >= 5 else (W, H))

    rgb = imaging.load_image(path)
    assert rgb.shape == (H, W, 3) and rgb.dtype == np.uint8 and rgb.flags.c_contiguous
    assert imaging.image_size(path) == (W, H)
    info = imaging.image_info(path)
    assert info.orientation == orientation
    assert (info.stored_width, info.stored_height) == (stored_w, stored_h)
    assert marker_box(rgb, 0) == RED_BOX
    assert marker_box(rgb, 2) == BLUE_BOX
    assert np.abs(rgb.astype(int) - displayed_picture()).mean() < 3


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("TIFF", "tif"), ("PNG", "png"), ("WEBP", "webp")])
def test_same_frame_as_qt_auto_transform(tmp_path, qapp, orientation, fmt, ext):
    """Qt rotates JPEG and TIFF and ignores a PNG/WebP eXIf chunk; the loader must agree in every case."""
    path = tmp_path / f"o{orientation}.{ext}"
    write_oriented(path, orientation, fmt)
    ours = imaging.load_image(path)
    theirs = qt_read(qapp, path)
    assert ours.shape == theirs.shape
    assert imaging.image_size(path) == (theirs.shape[1], theirs.shape[0])
    assert marker_box(ours, 0) == marker_box(theirs, 0)
    assert marker_box(ours, 2) == marker_box(theirs, 2)
    tolerance = 4 if fmt in ("JPEG", "WEBP") else 0  # both decode the same stream; IDCT rounding may differ
    assert np.abs(ours.astype(int) - theirs.astype(int)).mean() <= tolerance


@pytest.mark.parametrize("orientation", [1, 3, 6, 8])
@pytest.mark.parametrize("reduce", [2, 4, 8])
@pytest.mark.parametrize("fmt,ext", [("JPEG", "jpg"), ("TIFF", "tif")])
def test_reduced_decode_is_the_same_frame_scaled(tmp_path, orientation, reduce, fmt, ext):
    path = tmp_path / f"o{orientation}.{ext}"
    write_oriented(path, orientation, fmt)
    small = imaging.load_image(path, reduce=reduce)
    assert small.shape == (-(-H // reduce), -(-W // reduce), 3)
    # The red marker's centre, scaled, is red in the preview: same frame, not a rotated one.
    cx, cy = (RED_BOX[0] + RED_BOX[2]) / 2, (RED_BOX[1] + RED_BOX[3]) / 2
    r, g, b = small[int(cy / reduce), int(cx / reduce)].astype(int)
    assert r > 150 and g < 110 and b < 110


def test_broken_or_odd_orientation_values_mean_no_rotation(tmp_path):
    for value in (0, 9, 65535):
        path = tmp_path / f"bad{value}.jpg"
        exif = Image.Exif()
        exif[274] = value
        Image.fromarray(displayed_picture()).save(path, quality=95, exif=exif.tobytes())
        assert imaging.image_size(path) == (W, H)
        assert marker_box(imaging.load_image(path), 0) == RED_BOX


def _big_endian_exif(orientation: int) -> bytes:
    """A minimal Motorola-order ("MM") EXIF block, as many cameras write (Pillow writes Intel order)."""
    ifd = struct.pack(">H", 1) + struct.pack(">HHIHH", 274, 3, 1, orientation, 0) + struct.pack(">I", 0)
    return b"Exif\x00\x00" + b"MM\x00\x2a" + struct.pack(">I", 8) + ifd


@pytest.mark.parametrize("orientation", [3, 6, 8])
def test_big_endian_exif_like_many_cameras_write(tmp_path, qapp, orientation):
    stored = Image.fromarray(displayed_picture()).transpose(_STORE[orientation])
    path = tmp_path / "mm.jpg"
    stored.save(path, quality=95, exif=_big_endian_exif(orientation))
    assert path.read_bytes().find(b"MM\x00\x2a") > 0
    rgb = imaging.load_image(path)
    assert imaging.image_info(path).orientation == orientation
    assert marker_box(rgb, 0) == RED_BOX and marker_box(rgb, 2) == BLUE_BOX
    assert marker_box(qt_read(qapp, path), 0) == RED_BOX


def test_multi_picture_jpeg_is_read_like_a_jpeg(tmp_path):
    """Cameras write MPO files (several JPEGs in one .jpg); Pillow calls them "MPO". The first is shown."""
    stored = Image.fromarray(displayed_picture()).transpose(_STORE[6])
    exif = Image.Exif()
    exif[274] = 6
    path = tmp_path / "mpo.jpg"
    stored.save(path, format="MPO", save_all=True, append_images=[stored.copy()], exif=exif.tobytes())
    with Image.open(path) as im:
        assert im.format == "MPO" and getattr(im, "n_frames", 1) == 2
    rgb = imaging.load_image(path)
    assert rgb.shape == (H, W, 3)
    assert marker_box(rgb, 0) == RED_BOX


@pytest.mark.parametrize("orientation", range(1, 9))
def test_boxes_saved_in_voc_come_back_on_the_marker(tmp_path, orientation):
    """Label the marker in the shown frame, save VOC, reopen both: the box still frames the marker."""
    from annotator.core import voc
    from annotator.core.annotation import BoxObject, ImageAnnotation

    path = tmp_path / f"o{orientation}.jpg"
    write_oriented(path, orientation, "JPEG")
    width, height = imaging.image_size(path)
    shown = imaging.load_image(path)
    box = BoxObject("roses", *marker_box(shown, 0))
    voc.write(
        ImageAnnotation(filename=path.name, width=width, height=height, objects=[box]),
        path.with_suffix(".xml"),
    )

    again = voc.read(path.with_suffix(".xml"))
    assert (again.width, again.height) == (W, H)
    x0, y0, x1, y1 = (int(v) for v in again.objects[0].xyxy())
    assert (x0, y0, x1, y1) == RED_BOX
    crop = imaging.load_image(path)[y0:y1, x0:x1].astype(int)
    assert (crop[..., 0] > 150).all() and (crop[..., 2] < 90).all()


def test_xmp_orientation_is_ignored_like_qt_does(tmp_path, qapp):
    """Pillow's getexif() would pick up an XMP orientation; Qt does not, so neither does the loader."""
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="6"/>'
        b"</rdf:RDF></x:xmpmeta>"
    )
    path = tmp_path / "xmp.jpg"
    Image.fromarray(displayed_picture()).save(path, quality=95, xmp=xmp)
    with Image.open(path) as im:
        assert im.getexif().get(274) == 6  # the trap
    assert imaging.image_size(path) == (W, H)
    ours = imaging.load_image(path)
    assert ours.shape == qt_read(qapp, path).shape == (H, W, 3)
    assert marker_box(ours, 0) == RED_BOX
