"""VOC writing rules: coordinate convention, rounding, clamping, refusals, size limit, Unicode paths."""

from __future__ import annotations

import os
import stat
import xml.etree.ElementTree as ET

import pytest

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation


def _ann(*boxes: BoxObject, width: int = 100, height: int = 80) -> ImageAnnotation:
    return ImageAnnotation(filename="a.jpg", folder="f", path="/data/f/a.jpg", width=width, height=height,
                           objects=list(boxes))  # fmt: skip


def _written_box(ann: ImageAnnotation, index: int = 0) -> tuple[int, ...]:
    root = ET.fromstring(voc.dumps(ann))
    box = root.findall("object")[index].find("bndbox")
    return tuple(int(box.findtext(k)) for k in ("xmin", "ymin", "xmax", "ymax"))


def test_continuous_box_maps_to_one_based_inclusive_pixels():
    # columns 0..9 -> continuous [0, 10) -> VOC pixels 1..10
    assert _written_box(_ann(BoxObject("a", 0, 0, 10, 20))) == (1, 1, 10, 20)
    back = voc.loads(voc.dumps(_ann(BoxObject("a", 3, 4, 10, 20)))).objects[0]
    assert back.xyxy() == (3.0, 4.0, 10.0, 20.0)


@pytest.mark.parametrize(
    ("xmin", "xmax", "expected"),
    [
        (10.5, 20.5, (12, 21)),  # halves round up (banker's round would give 12 and 20)
        (11.5, 21.5, (13, 22)),  # ... also from odd numbers
        (10.49, 20.49, (11, 20)),
        (10.9, 20.9, (12, 21)),  # int() truncation would give 11 and 20
    ],
)
def test_rounding_is_half_up_never_truncation(xmin, xmax, expected):
    got = _written_box(_ann(BoxObject("a", xmin, 5, xmax, 30)))
    assert (got[0], got[2]) == expected


def test_clamped_to_the_image_and_never_empty():
    assert _written_box(_ann(BoxObject("a", -7.2, -3, 130, 95.6))) == (1, 1, 100, 80)
    # a sliver at the right edge stays inside and keeps xmin < xmax
    assert _written_box(_ann(BoxObject("a", 99.8, 10, 100.4, 20))) == (99, 11, 100, 20)
    # a box thinner than a pixel grows to two VOC pixels instead of vanishing
    assert _written_box(_ann(BoxObject("a", 10.4, 10, 10.6, 20))) == (11, 11, 12, 20)
    # size unknown: no upper clamp, still >= 1
    assert _written_box(_ann(BoxObject("a", -1, 0, 500, 400), width=0, height=0)) == (1, 1, 500, 400)


@pytest.mark.parametrize(
    ("box", "field"),
    [
        (BoxObject("a", float("nan"), 0, 10, 10), "bndbox/xmin"),
        (BoxObject("a", 0, 0, float("inf"), 10), "bndbox/xmax"),
        (BoxObject("a", 20, 0, 10, 10), "bndbox/xmax"),  # inverted
        (BoxObject("a", 0, 5, 10, 5), "bndbox/ymax"),  # empty
        (BoxObject("", 0, 0, 10, 10), "name"),
        (BoxObject("bad\x00name", 0, 0, 10, 10), "name"),
        (BoxObject("a", 0, 0, 10, 10, score=float("nan")), "score"),
        (BoxObject("a", 0, 0, 10, 10, extra_elements=["<open>"]), "extra_elements"),
    ],
)
def test_unwritable_annotation_raises_and_leaves_old_file(tmp_path, box, field):
    path = tmp_path / "a.xml"
    voc.write(_ann(BoxObject("old", 0, 0, 5, 5)), path)
    before = path.read_bytes()
    good = BoxObject("fine", 0, 0, 5, 5)
    with pytest.raises(voc.VocError) as info:
        voc.write(_ann(good, box), path)
    assert info.value.field == field
    assert info.value.object_index == 1
    assert str(path) in str(info.value) and "object #2" in str(info.value)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["a.xml"]  # no temp file left behind


def test_verified_flag_flags_and_pose_are_kept_as_given():
    ann = _ann(BoxObject("a", 0, 0, 10, 10, difficult=True, truncated=False, pose="Left"))
    ann.verified = True
    data = voc.dumps(ann)
    assert b'<annotation verified="yes">' in data
    back = voc.loads(data)
    assert back.verified and back.objects[0].difficult and not back.objects[0].truncated
    assert back.objects[0].pose == "Left"  # truncated is never recomputed from the image edge


def test_special_characters_round_trip():
    label = "a&b <c> \"d\" 'e' \r\n 꽃"
    back = voc.loads(voc.dumps(_ann(BoxObject(label, 0, 0, 10, 10)))).objects[0]
    assert back.name == label.strip()


def test_korean_path_write_and_read(tmp_path):
    folder = tmp_path / "꽃 사진" / "장미"
    folder.mkdir(parents=True)
    path = folder / "장미 01.xml"
    ann = _ann(BoxObject("장미", 1.0, 2.0, 30.0, 40.0))
    ann.path = str(folder / "장미 01.jpg")
    voc.write(ann, path)
    back = voc.read(path)
    assert back.objects[0].name == "장미" and back.path == ann.path
    assert back.objects[0].xyxy() == (1.0, 2.0, 30.0, 40.0)


def test_write_keeps_permission_bits(tmp_path):
    path = tmp_path / "a.xml"
    voc.write(_ann(), path)
    os.chmod(path, 0o640)
    voc.write(_ann(BoxObject("a", 0, 0, 10, 10)), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


@pytest.mark.timeout(20)
def test_file_over_10_mb_is_refused_before_parsing(tmp_path):
    path = tmp_path / "huge.xml"
    filler = "<pad>" + "x" * 1000 + "</pad>\n"
    path.write_text("<annotation>" + filler * 10_500 + "</annotation>", encoding="utf-8")
    assert path.stat().st_size > voc.MAX_FILE_BYTES
    with pytest.raises(voc.VocError, match="over the 10,485,760-byte limit") as info:
        voc.read(path)
    assert str(path) in str(info.value)
    with pytest.raises(voc.VocError, match="limit"):
        voc.loads(path.read_bytes(), "huge")


@pytest.mark.timeout(10)
def test_quadratic_blowup_and_billion_laughs_refused_without_expanding():
    big = "A" * 100_000
    blowup = (
        f'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "{big}">]><annotation><filename>'
        + "&a;" * 50
        + "</filename></annotation>"
    ).encode()
    with pytest.raises(voc.VocError, match="DTD"):
        voc.loads(blowup, "blowup.xml")


def test_missing_file_is_an_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        voc.read(tmp_path / "nope.xml")


def test_extra_elements_given_by_code_are_indented_and_stable():
    box = BoxObject("a", 0, 0, 10, 10, extra_elements=["<attributes><colour>red</colour></attributes>"])
    ann = _ann(box)
    ann.extra_elements = ["<owner><name>Kim</name></owner>"]
    data = voc.dumps(ann)
    assert "\t\t<attributes>\n\t\t\t<colour>red</colour>\n\t\t</attributes>\n" in data.decode()
    assert voc.dumps(voc.loads(data)) == data


def test_every_size_field_survives_a_round_trip_byte_for_byte():
    for depth in (0, 1, 3, 4):
        ann = _ann(BoxObject("a", 0, 0, 10, 10))
        ann.depth = depth
        data = voc.dumps(ann)
        assert voc.loads(data).depth == depth
        assert voc.dumps(voc.loads(data)) == data
