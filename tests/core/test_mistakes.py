"""The mistakes JSON file (contract fields, strict reader) and the "label is right" marks beside a dataset."""

from __future__ import annotations

import json

import pytest

from annotator.core.mistakes import (
    MistakeEntry,
    MistakeFileError,
    MistakeReport,
    mark_ok,
    ok_marks_path,
    read_mistakes,
    read_ok_marks,
    without_ok,
    write_mistakes,
)

SWAP = MistakeEntry("img1", "swapped", "rose", (1.0, 2.0, 30.0, 40.0), "tulip", (2.0, 2.0, 31.0, 41.0), 0.9)
LOOK = MistakeEntry("img2", "overlooked", None, None, "daisy", (5.0, 5.0, 20.0, 20.0), 0.8)


def test_round_trip_keeps_the_contract_fields(tmp_path):
    path = tmp_path / "m.json"
    write_mistakes(MistakeReport([SWAP, LOOK], 2, 3, ["daisy", "rose", "tulip"], source="test"), path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == "flower-annotator-mistakes" and raw["n_images"] == 2 and raw["n_boxes"] == 3
    assert set(raw["entries"][0]) == {"image", "kind", "label", "box", "suggested", "suggested_box", "score"}
    assert raw["entries"][1]["label"] is None and raw["entries"][1]["box"] is None
    back = read_mistakes(path)
    assert back.entries == [SWAP, LOOK] and back.class_names == ["daisy", "rose", "tulip"]


@pytest.mark.parametrize(
    "entry, field",
    [
        ({"kind": "moved"}, "kind"),
        ({"box": [1, 2, 3]}, "box"),
        ({"score": "high"}, "score"),
        ({"image": 7}, "image"),
    ],
)
def test_reader_names_the_bad_field(tmp_path, entry, field):
    path = tmp_path / "m.json"
    write_mistakes(MistakeReport([SWAP], 1, 1, ["rose"]), path)
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["entries"][0].update(entry)
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(MistakeFileError, match=rf"entries\[0\]\.{field}"):
        read_mistakes(path)


def test_reader_refuses_other_files(tmp_path):
    (tmp_path / "x.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "y.json").write_bytes(b"\xff\xfe{")
    for name in ("x.json", "y.json", "missing.json"):
        with pytest.raises(MistakeFileError):
            read_mistakes(tmp_path / name)


def test_ok_marks_skip_entries_on_a_rerun(tmp_path):
    assert read_ok_marks(tmp_path) == []
    mark_ok(tmp_path, SWAP)
    mark_ok(tmp_path, SWAP)  # not repeated
    assert ok_marks_path(tmp_path) == tmp_path / ".flower_annotator" / "mistakes_ok.json"
    assert len(read_ok_marks(tmp_path)) == 1
    # the same box found again a tenth of a pixel away is still the same mark; another image is not
    again = MistakeEntry("img1", "swapped", "rose", (1.1, 2.0, 30.0, 40.1), "tulip", None, 0.7)
    other = MistakeEntry("img3", "swapped", "rose", (1.0, 2.0, 30.0, 40.0), "tulip", None, 0.7)
    kept, skipped = without_ok([again, other, LOOK], read_ok_marks(tmp_path))
    assert kept == [other, LOOK] and skipped == 1
    ok_marks_path(tmp_path).write_text("{broken", encoding="utf-8")
    with pytest.raises(MistakeFileError, match="mistakes_ok.json"):
        read_ok_marks(tmp_path)
