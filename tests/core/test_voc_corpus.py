"""The sloppy and hostile VOC corpus: every file either reads to the expected values or fails loudly."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from annotator.core import voc

CORPUS = Path(__file__).parent / "data" / "voc_corpus"
EXPECTED: dict[str, dict] = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
GOOD = sorted(name for name, e in EXPECTED.items() if "ok" in e)
BAD = sorted(name for name, e in EXPECTED.items() if "error" in e)


def test_corpus_is_big_and_complete():
    on_disk = {p.name for p in CORPUS.glob("*.xml")}
    assert on_disk == set(EXPECTED)
    assert len(GOOD) >= 20 and len(BAD) >= 15


def _file_values(ann) -> list[list]:
    """Objects as the file's own 1-based VOC numbers (xmin_voc = xmin + 1, xmax_voc = xmax)."""
    return [
        [o.name, o.xmin + 1, o.ymin + 1, o.xmax, o.ymax, o.difficult, o.truncated, o.pose]
        for o in ann.objects
    ]


@pytest.mark.parametrize("name", GOOD)
def test_tolerated_file_reads_to_expected_values(name):
    want = EXPECTED[name]["ok"]
    before = (CORPUS / name).read_bytes()
    ann = voc.read(CORPUS / name)
    assert ann.filename == want["filename"]
    assert (ann.width, ann.height) == (want["width"], want["height"])
    assert ann.verified is want["verified"]
    got = _file_values(ann)
    assert len(got) == len(want["objects"])
    for g, w in zip(got, want["objects"], strict=True):
        assert g[0] == w[0]
        assert g[1:5] == pytest.approx(w[1:5])
        assert g[5:] == w[5:]
    assert (CORPUS / name).read_bytes() == before  # viewing never changes the file


@pytest.mark.parametrize("name", GOOD)
def test_tolerated_file_rewrites_stably_and_keeps_every_box(tmp_path, name):
    ann = voc.read(CORPUS / name)
    out = tmp_path / name
    voc.write(ann, out)
    first = out.read_bytes()
    assert first.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n')
    again = voc.read(out)
    assert [o.name for o in again.objects] == [o.name for o in ann.objects]
    assert again.extra_elements == ann.extra_elements
    assert again.source_extra_elements == ann.source_extra_elements
    for a, b in zip(ann.objects, again.objects, strict=True):
        assert (a.difficult, a.truncated, a.pose, a.score, a.extra_elements) == (
            b.difficult,
            b.truncated,
            b.pose,
            b.score,
            b.extra_elements,
        )
        assert b.xmin < b.xmax and b.ymin < b.ymax
    voc.write(again, out)
    assert out.read_bytes() == first  # a file we wrote re-writes byte for byte


@pytest.mark.parametrize("name", BAD)
@pytest.mark.timeout(10)
def test_refused_file_raises_voc_error_naming_file_object_and_field(tmp_path, name):
    want = EXPECTED[name]["error"]
    path = tmp_path / name  # a copy, so the message must name the path actually read
    shutil.copyfile(CORPUS / name, path)
    with pytest.raises(voc.VocError) as info:
        voc.read(path)
    err = info.value
    message = str(err)
    assert str(path) in message
    assert want["contains"] in message
    expected_index = None if want["object"] is None else want["object"] - 1
    assert err.object_index == expected_index
    assert err.field == want["field"]
    if want["object"] is not None:
        assert f"object #{want['object']}" in message
    if want["field"] is not None:
        assert f"<{want['field']}>" in message


def test_labelimg_file_rewrite_keeps_every_value_exactly(tmp_path):
    """Compare raw element text, not our own parse, between LabelImg's file and our re-write."""
    src = CORPUS / "ok_labelimg_verified.xml"
    out = tmp_path / "rewritten.xml"
    voc.write(voc.read(src), out)

    def raw(path):
        root = ET.parse(path).getroot()
        fields = (
            "name",
            "pose",
            "truncated",
            "difficult",
            "bndbox/xmin",
            "bndbox/ymin",
            "bndbox/xmax",
            "bndbox/ymax",
        )
        objs = [[o.findtext(f).strip() for f in fields] for o in root.iter("object")]
        head = [root.get("verified")] + [
            root.findtext(f)
            for f in ("folder", "filename", "path", "source/database", "size/width", "size/height")
        ]
        return head, objs

    assert raw(out) == raw(src)
    # LabelImg's own layout: same element order and tab indentation, plus the XML declaration.
    assert out.read_bytes().decode("utf-8").split("\n", 1)[1] == src.read_text(encoding="utf-8")


def test_unknown_elements_survive_a_rewrite(tmp_path):
    out = tmp_path / "x.xml"
    voc.write(voc.read(CORPUS / "ok_voc2007_original.xml"), out)
    root = ET.parse(out).getroot()
    assert root.findtext("source/annotation") == "PASCAL VOC2007"
    assert root.findtext("source/flickrid") == "325991873"
    assert root.findtext("owner/flickrid") == "archintent louisville"
    voc.write(voc.read(CORPUS / "ok_extra_elements.xml"), out)
    root = ET.parse(out).getroot()
    assert root.findtext("owner/name") == "Kim"
    assert root.findtext("object/occluded") == "1"
    assert root.findtext("object/attributes/attribute/value") == "white"


def test_score_is_read_and_written():
    ann = voc.read(CORPUS / "ok_score_prediction.xml")
    assert ann.objects[0].score == pytest.approx(0.875)
    assert b"<score>0.875</score>" in voc.dumps(ann)
    assert voc.loads(voc.dumps(ann)).objects[0].score == pytest.approx(0.875)


def test_duplicate_known_element_is_kept_not_lost(tmp_path):
    ann = voc.read(CORPUS / "ok_duplicate_filename.xml")
    assert ann.extra_elements == ["<filename>a.jpg</filename>"]
