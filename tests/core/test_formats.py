"""YOLO / COCO / Create ML / VOC-layout round trips on real files, and the rules each format promises."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from formats_helpers import find_xml, make_dataset, voc_boxes

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.formats import coco, createml, voc_layout, yolo
from annotator.core.formats.common import (
    FormatError,
    ImageIndex,
    collect,
    split_ids,
    write_imported,
)


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    return folder, make_dataset(folder)


def _split(folder):
    found = collect(folder)
    train, val = split_ids([i.image_id for i in found.items], 0.25, 0, folder)
    return found, train, val


def _assert_same_voc(out_dir: Path, original: dict[str, ImageAnnotation]) -> None:
    for stem, ann in original.items():
        back = voc.read(find_xml(out_dir, stem))
        assert voc_boxes(back) == voc_boxes(ann), stem
        assert (back.width, back.height) == (ann.width, ann.height)


def test_collect_pairs_images_with_xml_and_lists_unlabelled(data):
    folder, original = data
    found = collect(folder)
    assert sorted(i.image_id for i in found.items) == sorted(original)
    assert [p.name for p in found.unlabelled] == ["unlabelled.jpg"]
    assert found.problems == []


def test_collect_reports_broken_xml_and_name_clash(data):
    folder, _ = data
    (folder / "flower_00003.xml").write_text("<annotation><object><name>x</name></object>", encoding="utf-8")
    (folder / "flower_00004.png").write_bytes((folder / "flower_00004.jpg").read_bytes())
    found = collect(folder)
    assert any("flower_00003.xml" in p and "broken XML" in p for p in found.problems)
    assert any("flower_00004" in p and "collide" in p for p in found.problems)
    assert {"flower_00003", "flower_00004"}.isdisjoint(i.image_id for i in found.items)


def test_split_is_seeded_disjoint_and_honours_existing_imagesets(tmp_path):
    ids = [f"img{i}" for i in range(20)]
    train, val = split_ids(ids, 0.2, seed=7)
    assert len(val) == 4 and set(train).isdisjoint(val) and set(train) | set(val) == set(ids)
    assert split_ids(ids, 0.2, seed=7) == (train, val)
    assert split_ids(ids, 0.2, seed=8) != (train, val)
    assert split_ids(ids[:3], 0.1, seed=0)[1] != []  # a small set still gets one validation image
    main = tmp_path / "ImageSets" / "Main"
    main.mkdir(parents=True)
    (main / "train.txt").write_text("img0\nimg1\n")
    (main / "val.txt").write_text("img2\n")
    # the listed split is kept; the new id is dealt to validation until it holds its share (as training does)
    assert split_ids(ids[:4], 0.5, 0, tmp_path) == (["img0", "img1"], ["img2", "img3"])
    assert (main / "val.txt").read_text() == "img2\n"  # computed on a copy: the data folder is untouched
    with pytest.raises(FormatError, match="val-fraction"):
        split_ids(ids, 1.0)


def test_split_is_the_one_training_uses_and_copes_with_spaces(tmp_path):
    from annotator.core.dataset import train_val_split

    ids = [f"img{i}" for i in range(30)]
    assert split_ids(ids, 0.2, 5) == train_val_split(tmp_path, ids, 0.2, 5)
    spaced = ["a b", "c d", "e", "f"]  # VOC lists cannot hold these ids: a plain seeded draw instead
    train, val = split_ids(spaced, 0.5, 0)
    assert len(val) == 2 and sorted(train + val) == sorted(spaced)


# ---------------------------------------------------------------------------------------------- YOLO


def test_yolo_lines_are_normalized_cxcywh():
    ann = ImageAnnotation(width=200, height=100, objects=[BoxObject("b", 20, 10, 60, 50)])
    assert yolo.to_lines(ann, ["a", "b"]) == "1 0.200000 0.300000 0.200000 0.400000\n"
    back = yolo.from_lines("1 0.2 0.3 0.2 0.4\n\n", ["a", "b"], 200, 100, source="x.txt")
    assert back[0].name == "b" and back[0].xyxy() == pytest.approx((20, 10, 60, 50))


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("0 0.5 0.5 0.2", "expected 'class cx cy w h'"),
        ("7 0.5 0.5 0.2 0.2", "class index 7 is outside"),
        ("x 0.5 0.5 0.2 0.2", "not a whole number"),
        ("0 0.5 nan 0.2 0.2", "cy 'nan' is not a finite number"),
        ("0 0.5 0.5 0 0.2", "empty"),
    ],
)
def test_yolo_bad_line_names_file_and_line(line, message):
    with pytest.raises(FormatError, match=message) as info:
        yolo.from_lines(f"0 0.5 0.5 0.1 0.1\n{line}\n", ["a", "b"], 10, 10, source="lab.txt")
    assert "lab.txt:2" in str(info.value)


def test_yolo_export_layout_data_yaml_and_round_trip(data, tmp_path):
    folder, original = data
    found, train, val = _split(folder)
    out = tmp_path / "yolo"
    names = yolo.export_dataset(found.items, out, train, val)
    assert (out / "classes.txt").read_text().split() == names
    spec = yaml.safe_load((out / "data.yaml").read_text(encoding="utf-8"))
    assert spec["train"] == "images/train" and spec["val"] == "images/val"
    assert spec["names"] == dict(enumerate(names)) and spec["nc"] == len(names)
    assert Path(spec["path"]) == out.resolve()
    for part, ids in (("train", train), ("val", val)):
        assert sorted(p.stem for p in (out / "labels" / part).glob("*.txt")) == sorted(ids)
        assert sorted(p.stem for p in (out / "images" / part).iterdir()) == sorted(ids)
    records, problems = yolo.read_records(out / "labels")
    assert problems == []
    result = write_imported(records, ImageIndex(out / "images"), tmp_path / "back", by_stem=True)
    assert result.problems == [] and len(result.written) == len(original)
    _assert_same_voc(tmp_path / "back", original)


def test_yolo_existing_class_order_is_never_rewritten(data, tmp_path):
    folder, original = data
    found, train, val = _split(folder)
    out = tmp_path / "yolo"
    out.mkdir()
    (out / "classes.txt").write_text("tulips\nzinnia\ndaisy\n", encoding="utf-8")
    names = yolo.export_dataset(found.items, out, train, val)
    assert names[:3] == ["tulips", "zinnia", "daisy"]
    assert (out / "classes.txt").read_text(encoding="utf-8").splitlines() == names
    assert set(names[3:]) == {o.name for a in original.values() for o in a.objects} - {"tulips", "daisy"}
    # a label file uses the kept order: index 0 is tulips
    for item in found.items:
        part = "train" if item.image_id in train else "val"
        lines = (out / "labels" / part / f"{item.image_id}.txt").read_text().splitlines()
        assert [names[int(line.split()[0])] for line in lines] == [o.name for o in item.annotation.objects]
    before = (out / "classes.txt").read_bytes()
    yolo.export_dataset(found.items, out, train, val)  # nothing new: the file is not touched
    assert (out / "classes.txt").read_bytes() == before


def test_yolo_names_from_data_yaml(tmp_path):
    (tmp_path / "data.yaml").write_text("names:\n  0: 장미\n  1: daisy\n", encoding="utf-8")
    assert yolo.find_class_names(tmp_path) == ["장미", "daisy"]
    (tmp_path / "data.yaml").write_text("names: [a, b]\n", encoding="utf-8")
    assert yolo.find_class_names(tmp_path) == ["a", "b"]
    (tmp_path / "data.yaml").write_text("train: x\n", encoding="utf-8")
    with pytest.raises(FormatError, match="no 'names'"):
        yolo.find_class_names(tmp_path)


# ---------------------------------------------------------------------------------------------- COCO


def test_coco_export_is_valid_for_pycocotools_and_round_trips(data, tmp_path):
    from pycocotools.coco import COCO

    folder, original = data
    found, train, val = _split(folder)
    out = tmp_path / "coco"
    names = coco.export_dataset(found.items, out, train, val)
    api = COCO(str(out / "annotations" / "instances_train.json"))
    assert sorted(api.getCatIds()) == list(range(1, len(names) + 1))
    assert [api.loadCats(i)[0]["name"] for i in range(1, len(names) + 1)] == names
    by_name = {img["file_name"]: img for img in api.loadImgs(api.getImgIds())}
    assert sorted(Path(n).stem for n in by_name) == sorted(train)
    for item in found.items:
        if item.image_id not in train:
            continue
        img = by_name[item.image_path.name]
        assert (img["width"], img["height"]) == (item.annotation.width, item.annotation.height)
        anns = api.loadAnns(api.getAnnIds(imgIds=[img["id"]]))
        want = [[o.xmin, o.ymin, o.xmax - o.xmin, o.ymax - o.ymin] for o in item.annotation.objects]
        assert [a["bbox"] for a in anns] == want
        assert [a["attributes"]["difficult"] for a in anns] == [o.difficult for o in item.annotation.objects]
    back = tmp_path / "back"
    for part in ("train", "val"):
        records, problems = coco.read_records(out / "annotations" / f"instances_{part}.json")
        assert problems == []
        assert write_imported(records, ImageIndex(out / part), back).problems == []
    _assert_same_voc(back, original)
    for stem, ann in original.items():
        assert [o.difficult for o in voc.read(find_xml(back, stem)).objects] == [
            o.difficult for o in ann.objects
        ]


def test_coco_file_with_broken_entries_imports_nothing_and_names_each(tmp_path):
    spec = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 10, "height": 10},
            {"id": 2, "file_name": "b.jpg"},
        ],
        "categories": [{"id": 1, "name": "daisy"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 0, 3]},
            {"id": 2, "image_id": 2, "category_id": 9, "bbox": [1, 1, 2, 3]},
            {"id": 3, "image_id": 5, "category_id": 1, "bbox": [1, 1, 2, 3]},
        ],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(spec))
    with pytest.raises(FormatError) as caught:
        coco.read_records(path)
    message = str(caught.value)
    assert "3 inconsistent entries, nothing imported" in message
    assert "annotations[0]: 'bbox' [1, 1, 0, 3] has no area" in message
    assert "annotations[1]: category_id 9 is not in 'categories'" in message
    assert "annotations[2]: image_id 5 is not in 'images'" in message
    path.write_text("[1, 2")
    with pytest.raises(FormatError, match="not valid JSON"):
        coco.read_records(path)


# ---------------------------------------------------------------------------------------------- Create ML


def test_createml_uses_centre_xywh_pixels_and_round_trips(data, tmp_path):
    folder, original = data
    found, train, val = _split(folder)
    out = tmp_path / "createml"
    createml.export_dataset(found.items, out, train, val)
    entries = json.loads((out / "train" / "annotations.json").read_text(encoding="utf-8"))
    assert sorted(Path(e["image"]).stem for e in entries) == sorted(train)
    first = next(i for i in found.items if i.image_id in train)
    entry = next(e for e in entries if e["image"] == first.image_path.name)
    box = first.annotation.objects[0]
    assert entry["annotations"][0]["coordinates"] == pytest.approx(
        {
            "x": (box.xmin + box.xmax) / 2,
            "y": (box.ymin + box.ymax) / 2,
            "width": box.width,
            "height": box.height,
        }
    )
    back = tmp_path / "back"
    for part in ("train", "val"):
        records, problems = createml.read_records(out / part / "annotations.json")
        assert problems == []
        assert write_imported(records, ImageIndex(out / part), back).problems == []
    _assert_same_voc(back, original)


def test_createml_file_with_a_bad_entry_imports_nothing_and_names_each(tmp_path):
    path = tmp_path / "c.json"
    good = {"label": "daisy", "coordinates": {"x": 20, "y": 20, "width": 10, "height": 8}}
    entries = [
        {"image": "a.jpg", "annotations": [good]},
        {
            "image": "b.jpg",
            "annotations": [good, {"label": "rose", "coordinates": {"x": 1, "y": 2, "width": "9"}}],
        },
        {"annotations": []},
    ]
    path.write_text(json.dumps(entries), encoding="utf-8")
    with pytest.raises(FormatError) as caught:
        createml.read_records(path)
    message = str(caught.value)
    assert "2 inconsistent entries, nothing imported" in message
    assert "[1].annotations[1]: coordinates.width '9' is not a finite number" in message
    assert "[2]: needs an 'image' file name" in message
    path.write_text(json.dumps(entries[:1]), encoding="utf-8")
    (record,), problems = createml.read_records(path)
    assert problems == [] and record.image_name == "a.jpg" and record.boxes[0].xyxy() == (15, 16, 25, 24)
    path.write_text('{"image": "a.jpg"}', encoding="utf-8")
    with pytest.raises(FormatError, match="JSON list"):
        createml.read_records(path)


# ---------------------------------------------------------------------------------------------- VOC layout


def test_voc_layout_export(data, tmp_path):
    folder, original = data
    found, train, val = _split(folder)
    out = tmp_path / "VOC"
    masks = voc_layout.export_dataset(found.items, folder, out, train, val)
    main = out / "ImageSets" / "Main"
    assert main.joinpath("train.txt").read_text().split() == train
    assert main.joinpath("val.txt").read_text().split() == val
    assert sorted(main.joinpath("trainval.txt").read_text().split()) == sorted(original)
    assert sorted(p.stem for p in (out / "JPEGImages").iterdir()) == sorted(original)
    mask_ids = sorted(p.stem for p in (folder / "SegmentationClass").glob("*.png"))
    assert masks == len(mask_ids) > 0
    assert sorted(p.stem for p in (out / "SegmentationClass").glob("*.png")) == mask_ids
    assert sorted((out / "ImageSets" / "Segmentation" / "trainval.txt").read_text().split()) == mask_ids
    for stem, ann in original.items():
        back = voc.read(out / "Annotations" / f"{stem}.xml")
        assert voc_boxes(back) == voc_boxes(ann)
        assert Path(back.path) == (out / "JPEGImages" / ann.filename).resolve()
        assert (out / "JPEGImages" / back.filename).read_bytes() == (folder / ann.filename).read_bytes()


def test_voc_layout_refuses_names_with_spaces_before_writing(tmp_path):
    folder = tmp_path / "data"
    make_dataset(folder, count=2, masks=False)
    (folder / "flower_00000.jpg").rename(folder / "my flower.jpg")
    (folder / "flower_00000.xml").rename(folder / "my flower.xml")
    found = collect(folder)
    with pytest.raises(FormatError, match="white space"):
        voc_layout.export_dataset(
            found.items, folder, tmp_path / "VOC", [i.image_id for i in found.items], []
        )
    assert not (tmp_path / "VOC").exists()


@pytest.mark.parametrize("fmt", ["yolo", "coco", "createml"])
def test_re_export_with_another_split_leaves_no_image_in_both_parts(data, tmp_path, fmt):
    folder, original = data
    found = collect(folder)
    ids = [i.image_id for i in found.items]
    out = tmp_path / fmt
    exporter = {
        "yolo": yolo.export_dataset,
        "coco": coco.export_dataset,
        "createml": createml.export_dataset,
    }[fmt]
    for seed in (0, 1, 2):
        train, val = split_ids(ids, 0.5, seed)
        exporter(found.items, out, train, val)
    image_dirs = {
        "yolo": ("images/train", "images/val"),
        "coco": ("train", "val"),
        "createml": ("train", "val"),
    }[fmt]
    in_train = {p.stem for p in (out / image_dirs[0]).iterdir() if p.suffix != ".json"}
    in_val = {p.stem for p in (out / image_dirs[1]).iterdir() if p.suffix != ".json"}
    assert in_train == set(train) and in_val == set(val)
    if fmt == "yolo":
        assert {p.stem for p in (out / "labels" / "val").iterdir()} == set(val)


def test_image_index_prefers_the_mirrored_split_folder(tmp_path):
    for part in ("train", "val"):
        (tmp_path / "images" / part).mkdir(parents=True)
        (tmp_path / "images" / part / "x.v2.jpg").write_bytes(b"")
    index = ImageIndex(tmp_path / "images")
    assert index.find("val/x.v2", by_stem=True) == tmp_path / "images" / "val" / "x.v2.jpg"
    with pytest.raises(FormatError, match="2 images fit"):
        index.find("x.v2", by_stem=True)
    with pytest.raises(FormatError, match="no image"):
        index.find("train/y", by_stem=True)
    assert index.find("train/x.v2.jpg") == tmp_path / "images" / "train" / "x.v2.jpg"


def test_coco_file_name_cannot_steer_writes_outside_out(tmp_path):
    (tmp_path / "images").mkdir()
    outside = tmp_path / "secret.jpg"
    outside.write_bytes(b"not read")
    spec = {
        "images": [{"id": 1, "file_name": "../secret.jpg", "width": 20, "height": 10}],
        "categories": [{"id": 1, "name": "daisy"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 5, 5]}],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(spec))
    records, problems = coco.read_records(path)
    out = tmp_path / "out" / "deep"
    result = write_imported(records, ImageIndex(tmp_path / "images"), out)
    assert result.problems == [] and result.written == result.without_image == [out / "secret.xml"]
    back = voc.read(out / "secret.xml")
    assert back.path == "" and (back.width, back.height) == (
        20,
        10,
    )  # the image outside --images was not used
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "images", "out", "secret.jpg"]


def test_coco_crowd_boxes_become_difficult_and_scores_travel(tmp_path):
    spec = {
        "images": [{"id": 7, "file_name": "a.jpg", "width": 40, "height": 30}],
        "categories": [{"id": 3, "name": "roses"}],
        "annotations": [
            {"id": 1, "image_id": 7, "category_id": 3, "bbox": [2, 3, 10, 8], "iscrowd": 1},
            {"id": 2, "image_id": 7, "category_id": 3, "bbox": [20.5, 3, 10, 8], "score": 0.75},
        ],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(spec))
    (record,), problems = coco.read_records(path)
    assert problems == []
    crowd, scored = record.boxes
    assert crowd.difficult and crowd.xyxy() == (2, 3, 12, 11)
    assert not scored.difficult and scored.score == 0.75 and scored.xyxy() == (20.5, 3, 30.5, 11)
