"""Imports keep every box on its own image under its own name: a COCO or Create ML file is checked whole and an
inconsistent one writes nothing; YOLO label files are checked line by line, one broken file never stops the rest.
Real files, and real `flower-annotator import` subprocesses for the exit codes."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from formats_helpers import find_xml, run_cli
from PIL import Image

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation

GOOD = {
    "images": [
        {"id": 1, "file_name": "a.jpg", "width": 40, "height": 30},
        {"id": 2, "file_name": "b.jpg", "width": 40, "height": 30},
    ],
    "categories": [{"id": 1, "name": "daisy"}, {"id": 2, "name": "roses"}],
    "annotations": [
        {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 8]},
        {"id": 2, "image_id": 2, "category_id": 2, "bbox": [5, 5, 10, 10]},
    ],
}


def _images(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("a.jpg", "b.jpg"):
        Image.new("RGB", (40, 30)).save(folder / name)
    return folder


def _mutate(path: str, value):
    spec = copy.deepcopy(GOOD)
    *keys, last = path.split(".")
    node = spec
    for key in keys:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is _DELETE:
        del node[int(last) if last.isdigit() else last]
    elif last == "+":
        node.append(value)
    else:
        node[int(last) if last.isdigit() else last] = value
    return spec


_DELETE = object()

COCO_CASES = [
    ("images.1.id", 1, "images[1]: id 1 repeats images[0]"),
    ("categories.1.id", 1, "categories[1]: id 1 repeats categories[0] ('daisy' vs 'roses')"),
    ("categories.1.name", "daisy", "categories[1]: name 'daisy' repeats categories[0]"),
    ("annotations.1.id", 1, "annotations[1]: id 1 repeats annotations[0]"),
    ("annotations.1.image_id", 9, "annotations[1]: image_id 9 is not in 'images'"),
    ("annotations.1.category_id", 7, "annotations[1]: category_id 7 is not in 'categories'"),
    ("annotations.1.category_id", [2], "annotations[1]: category_id [2] is not in 'categories'"),
    ("annotations.1.bbox", [5, 5, [10], 10], "holds something other than a finite number"),
    ("annotations.1.bbox", [5, 5, {"w": 1}, 10], "holds something other than a finite number"),
    ("annotations.1.bbox", [5, 5, True, 10], "holds something other than a finite number"),
    ("annotations.1.bbox", [5, 5, 10], "'bbox' must be [x, y, width, height]"),
    ("annotations.1.bbox", [5, 5, 1e300, 10], "is out of range"),
    ("annotations.1.bbox", [50, 5, 10, 10], "lies outside the 40x30 image"),
    (
        "images.0.width",
        1e12,
        "images[0]: width 1000000000000.0 is not a whole number of pixels in 1..100,000",
    ),
    ("images.0.width", [40], "images[0]: width [40] is not a whole number"),
    ("images.0.width", -4, "images[0]: width -4 is not a whole number"),
    ("images.0.id", True, "images[0]: id True is not a whole number or a string"),
    ("images.0.id", 1.5, "images[0]: id 1.5 is not a whole number or a string"),
    ("images.1.file_name", "a.jpg", "images[1]: file_name 'a.jpg' repeats images[0]"),
    ("images.1.file_name", {"x": 1}, "images[1]: file_name {'x': 1} is not a non-empty string"),
    ("categories.0.name", ["daisy"], "categories[0]: name ['daisy'] is not a non-empty string"),
    ("annotations.0.score", 5, "annotations[0]: score 5 is not a number in 0..1"),
    ("annotations.0.iscrowd", "yes", "annotations[0]: iscrowd 'yes' is not 0/1/true/false"),
    ("annotations.0.attributes", [1], "annotations[0]: 'attributes' must be an object"),
    ("annotations.+", "x", "annotations[2]: not an object ('x')"),
]


@pytest.mark.parametrize(
    ("where", "value", "message"), COCO_CASES, ids=[f"{c[0]}={c[1]!r}"[:40] for c in COCO_CASES]
)
def test_inconsistent_coco_writes_nothing_and_names_the_entry(tmp_path, where, value, message):
    images = _images(tmp_path / "images")
    src = tmp_path / "c.json"
    src.write_text(json.dumps(_mutate(where, value)), encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("import", str(src), "--format", "coco", "--images", str(images), "--out", str(out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "nothing imported" in done.stderr and message in done.stderr, done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists() or not list(out.rglob("*"))


def test_many_problems_are_all_counted_and_the_first_few_named(tmp_path):
    spec = copy.deepcopy(GOOD)
    spec["annotations"] += [
        {"id": 10 + i, "image_id": 99, "category_id": 1, "bbox": [1, 1, 2, 2]} for i in range(40)
    ]
    src = tmp_path / "c.json"
    src.write_text(json.dumps(spec), encoding="utf-8")
    done = run_cli("import", str(src), "--format", "coco", "--images", str(_images(tmp_path / "i")),
                   "--out", str(tmp_path / "out"))  # fmt: skip
    assert done.returncode == 2
    assert "40 inconsistent entries, nothing imported" in done.stderr
    assert "annotations[2]: image_id 99" in done.stderr and "annotations[6]" in done.stderr
    assert "annotations[7]" not in done.stderr and "... and 35 more" in done.stderr


def test_a_consistent_coco_imports_every_box_on_its_own_image(tmp_path):
    images = _images(tmp_path / "images")
    src = tmp_path / "c.json"
    src.write_text(json.dumps(GOOD), encoding="utf-8")
    done = run_cli(
        "import", str(src), "--format", "coco", "--images", str(images), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 0, done.stderr
    a, b = voc.read(tmp_path / "o" / "a.xml"), voc.read(tmp_path / "o" / "b.xml")
    assert [(o.name, o.xyxy()) for o in a.objects] == [("daisy", (1, 2, 11, 10))]
    assert [(o.name, o.xyxy()) for o in b.objects] == [("roses", (5, 5, 15, 15))]


def test_createml_duplicates_and_wrong_types_write_nothing(tmp_path):
    images = _images(tmp_path / "images")
    good = {"label": "daisy", "coordinates": {"x": 20, "y": 15, "width": 10, "height": 8}}
    entries = [
        {"image": "a.jpg", "annotations": [good]},
        {"image": "a.jpg", "annotations": [good]},
        {"image": "b.jpg", "annotations": [{"label": ["daisy"], "coordinates": good["coordinates"]}]},
        {"image": "b2.jpg", "annotations": [{"label": "x", "coordinates": {"x": 1, "y": 1, "width": [1], "height": 1}}]},
    ]  # fmt: skip
    src = tmp_path / "c.json"
    src.write_text(json.dumps(entries), encoding="utf-8")
    done = run_cli(
        "import", str(src), "--format", "createml", "--images", str(images), "--out", str(tmp_path / "o")
    )
    assert done.returncode == 2
    for part in ("[1]: image 'a.jpg' repeats [0]", "[2].annotations[0]: needs a 'label' string, got ['daisy']",
                 "[3].annotations[0]: coordinates.width [1] is not a finite number"):  # fmt: skip
        assert part in done.stderr, done.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def _yolo(tmp_path: Path) -> tuple[Path, Path]:
    images = _images(tmp_path / "images")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "classes.txt").write_text("daisy\nroses\n", encoding="utf-8")
    return images, labels


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2 0.5 0.5 0.2 0.2", "class index 2 is outside classes.txt (0..1)"),
        ("-1 0.5 0.5 0.2 0.2", "class index -1 is outside"),
        ("0 0.5 0.5 0.2", "expected 'class cx cy w h' (5 columns, or 6 with a score), got 4 columns"),
        ("0 0.5 0.5 0.2 0.2 0.9 7", "got 7 columns"),
        ("0 0.5 0.5 1.5 0.2", "w 1.5 is outside 0..1"),
        ("0 0.5 nan 0.2 0.2", "cy 'nan' is not a finite number"),
        ("0.0 0.5 0.5 0.2 0.2", "class index '0.0' is not a whole number"),
        ("0 0.5 0.5 0.2 0.2 1.5", "score 1.5 is outside 0..1"),
        ("9" * 5000 + " 0.5 0.5 0.2 0.2", "is not a whole number"),
    ],
)
def test_bad_yolo_line_skips_that_file_names_the_line_and_imports_the_rest(tmp_path, line, message):
    images, labels = _yolo(tmp_path)
    (labels / "a.txt").write_text(f"0 0.5 0.5 0.2 0.2\n{line}\n", encoding="utf-8")
    (labels / "b.txt").write_text("1 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("import", str(labels), "--format", "yolo", "--images", str(images), "--out", str(out))
    assert done.returncode == 1, done.stderr
    assert f"{labels / 'a.txt'}:2: " in done.stderr and message in done.stderr, done.stderr
    assert len(done.stderr) < 2000 and "Traceback" not in done.stderr
    assert sorted(p.name for p in out.iterdir()) == ["b.xml"]  # a.xml not written: none of a's boxes lost
    assert [o.name for o in voc.read(out / "b.xml").objects] == ["roses"]


def test_folder_or_fifo_named_txt_in_a_labels_folder_is_skipped_with_a_note(tmp_path):
    images, labels = _yolo(tmp_path)
    (labels / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (labels / "folder.txt").mkdir()
    os.mkfifo(labels / "pipe.txt")
    (labels / "deeper").mkdir()
    (labels / "deeper" / "b.txt").write_text("1 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    (labels / "loop").symlink_to(labels)  # a symlinked folder is not followed (no endless walk)
    out = tmp_path / "out"
    done = run_cli(
        "import", str(labels), "--format", "yolo", "--images", str(images), "--out", str(out), timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert f"{labels / 'folder.txt'}: skipped, a folder" in done.stderr
    assert f"{labels / 'pipe.txt'}: skipped, not a regular file" in done.stderr
    assert sorted(p.name for p in out.rglob("*.xml")) == ["a.xml", "b.xml"]


def test_yolo_classes_txt_and_data_yaml_disagreeing_stops_before_writing(tmp_path):
    images, labels = _yolo(tmp_path)
    (labels / "data.yaml").write_text("names: [roses, daisy]\n", encoding="utf-8")
    (labels / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    out = tmp_path / "out"
    done = run_cli("import", str(labels), "--format", "yolo", "--images", str(images), "--out", str(out))
    assert done.returncode == 2 and "list different classes" in done.stderr
    assert not out.exists()


def test_import_goes_on_past_a_file_it_cannot_write(tmp_path):
    images = _images(tmp_path / "images")
    out = tmp_path / "out"
    (out / "a.xml").mkdir(parents=True)  # a folder where a.xml would go
    src = tmp_path / "c.json"
    src.write_text(json.dumps(GOOD), encoding="utf-8")
    done = run_cli(
        "import", str(src), "--format", "coco", "--images", str(images), "--out", str(out), "--overwrite"
    )
    assert done.returncode == 1, done.stderr
    assert f"{out / 'a.xml'}: cannot write" in done.stderr
    assert [o.name for o in voc.read(out / "b.xml").objects] == ["roses"]


def test_export_lists_every_unexportable_file_and_writes_nothing_without_skip_broken(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for i in range(4):
        Image.new("RGB", (40, 30)).save(data / f"im{i}.jpg")
        x = 100 if i in (1, 3) else 5  # boxes of im1 and im3 lie wholly outside their 40x30 image
        box = BoxObject("daisy", x, 5, x + 10, 15)
        voc.write(ImageAnnotation(filename=f"im{i}.jpg", objects=[box]), data / f"im{i}.xml")  # no size
    out = tmp_path / "out"
    done = run_cli("export", str(data), "--format", "yolo", "--out", str(out))
    assert done.returncode == 2, done.stderr
    assert "im1.xml: box #1 (daisy) lies outside the 40x30 image" in done.stderr
    assert "im3.xml: box #1 (daisy) lies outside" in done.stderr
    assert "2 file(s) cannot be exported" in done.stderr and not out.exists()
    done = run_cli(
        "export", str(data), "--format", "yolo", "--out", str(out), "--skip-broken", "--val-fraction", "0"
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in (out / "labels" / "train").iterdir()) == ["im0.txt", "im2.txt"]


def test_a_label_classes_txt_cannot_hold_is_refused_not_split_into_two_classes(tmp_path):
    """'rose\\ntulip' written to classes.txt would read back as two classes and rename every later one."""
    data = tmp_path / "data"
    data.mkdir()
    for i, label in enumerate(["daisy", "rose\ntulip", "zinnia", "lily\u2028white"]):
        Image.new("RGB", (40, 30)).save(data / f"im{i}.jpg")
        ann = ImageAnnotation(
            filename=f"im{i}.jpg", width=40, height=30, objects=[BoxObject(label, 1, 1, 9, 9)]
        )
        voc.write(ann, data / f"im{i}.xml")
    out = tmp_path / "out"
    done = run_cli("export", str(data), "--format", "yolo", "--out", str(out))
    assert done.returncode == 2 and not out.exists()
    assert "im1.xml: label 'rose\\ntulip' holds a line break" in done.stderr
    assert "im3.xml: label 'lily\\u2028white'" in done.stderr
    done = run_cli(
        "export", str(data), "--format", "yolo", "--out", str(out), "--skip-broken", "--val-fraction", "0"
    )
    assert done.returncode == 0, done.stderr
    assert (out / "classes.txt").read_text(encoding="utf-8") == "daisy\nzinnia\n"
    back = tmp_path / "back"
    done = run_cli(
        "import", str(out / "labels"), "--format", "yolo", "--images", str(out / "images"), "--out", str(back)
    )
    assert done.returncode == 0, done.stderr
    assert [o.name for o in voc.read(find_xml(back, "im2")).objects] == ["zinnia"]
