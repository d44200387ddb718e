"""`flower-annotator export` / `import` end to end: real folders, exit codes, messages, no overwrites."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from formats_helpers import find_xml, make_dataset, voc_boxes

from annotator.cli import main
from annotator.core import voc


@pytest.fixture()
def data(tmp_path):
    folder = tmp_path / "data"
    return folder, make_dataset(folder, count=6)


@pytest.mark.parametrize("fmt", ["yolo", "coco", "createml"])
def test_export_then_import_gives_back_the_same_voc_boxes(data, tmp_path, capsys, fmt):
    folder, original = data
    out = tmp_path / fmt
    assert (
        main(
            [
                "export",
                str(folder),
                "--format",
                fmt,
                "--out",
                str(out),
                "--val-fraction",
                "0.3",
                "--seed",
                "1",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert f"exported {len(original)} images" in said and "left out 1 image(s) without XML" in said
    src = {
        "yolo": out / "labels",
        "coco": out / "annotations" / "instances_train.json",
        "createml": out / "train" / "annotations.json",
    }[fmt]
    back = tmp_path / "back"
    assert main(["import", str(src), "--format", fmt, "--images", str(out), "--out", str(back)]) == 0
    if fmt != "yolo":  # the json files are per split: bring the val part too
        val = (
            src.parent.parent / "val" / "annotations.json"
            if fmt == "createml"
            else src.with_name("instances_val.json")
        )
        assert main(["import", str(val), "--format", fmt, "--images", str(out), "--out", str(back)]) == 0
    for stem, ann in original.items():
        got = voc.read(find_xml(back, stem))
        assert voc_boxes(got) == voc_boxes(ann)
        assert got.filename == ann.filename


def test_export_voc_layout(data, tmp_path, capsys):
    folder, original = data
    out = tmp_path / "VOC2007"
    assert main(["export", str(folder), "--format", "voc", "--out", str(out)]) == 0
    assert "segmentation mask" in capsys.readouterr().out
    assert sorted(p.stem for p in (out / "Annotations").glob("*.xml")) == sorted(original)
    train = (out / "ImageSets" / "Main" / "train.txt").read_text().split()
    val = (out / "ImageSets" / "Main" / "val.txt").read_text().split()
    assert len(val) == round(len(original) * 0.2) and set(train) | set(val) == set(original)


def test_import_never_overwrites_without_flag(data, tmp_path, capsys):
    folder, original = data
    out = tmp_path / "yolo"
    assert main(["export", str(folder), "--format", "yolo", "--out", str(out)]) == 0
    images = out / "images"  # importing with --out = --images puts each XML beside its image (LabelImg)
    stem = next(iter(original))
    image = next(images.rglob(original[stem].filename))
    mine = image.with_suffix(".xml")
    mine.write_bytes(b"<annotation><filename>hand made</filename></annotation>")
    capsys.readouterr()
    argv = ["import", str(out / "labels"), "--format", "yolo", "--images", str(images), "--out", str(images)]
    assert main(argv) == 0
    said = capsys.readouterr().out
    assert "skipped 1 existing file(s)" in said and str(mine) in said
    assert f"wrote {len(original) - 1} VOC file(s)" in said
    assert mine.read_bytes() == b"<annotation><filename>hand made</filename></annotation>"
    for other, ann in original.items():
        if other != stem:
            assert voc_boxes(voc.read(next(images.rglob(ann.filename)).with_suffix(".xml"))) == voc_boxes(ann)
    assert main([*argv, "--overwrite"]) == 0
    assert voc_boxes(voc.read(mine)) == voc_boxes(original[stem])


def test_import_reports_broken_entries_and_imports_the_rest(data, tmp_path, capsys):
    folder, original = data
    out = tmp_path / "yolo"
    assert main(["export", str(folder), "--format", "yolo", "--out", str(out), "--val-fraction", "0"]) == 0
    labels = sorted((out / "labels" / "train").glob("*.txt"))
    labels[0].write_text("0 0.5 0.5 0.2\n", encoding="utf-8")
    (out / "labels" / "train" / "orphan.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    capsys.readouterr()
    back = tmp_path / "back"
    rc = main(["import", str(out / "labels"), "--format", "yolo", "--images", str(out), "--out", str(back)])
    err = capsys.readouterr().err
    assert rc == 1
    assert f"{labels[0]}:1" in err and "expected 'class cx cy w h'" in err
    assert "orphan" in err and "no image" in err
    assert not list(back.rglob(f"{labels[0].stem}.xml"))
    assert len(list(back.rglob("*.xml"))) == len(original) - 1


def test_export_refuses_broken_xml_unless_skip_broken(data, tmp_path, capsys):
    folder, original = data
    (folder / "flower_00000.xml").write_text(
        "<annotation><object><name>daisy</name><bndbox><xmin>1</xmin></bndbox></object></annotation>",
        encoding="utf-8",
    )
    out = tmp_path / "coco"
    assert main(["export", str(folder), "--format", "coco", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "flower_00000.xml: object #1: <bndbox/ymin>" in err and "--skip-broken" in err
    assert not (out / "annotations").exists()
    assert main(["export", str(folder), "--format", "coco", "--out", str(out), "--skip-broken"]) == 0
    spec = json.loads((out / "annotations" / "instances_train.json").read_text(encoding="utf-8"))
    spec_val = json.loads((out / "annotations" / "instances_val.json").read_text(encoding="utf-8"))
    assert len(spec["images"]) + len(spec_val["images"]) == len(original) - 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export", "{tmp}/missing", "--format", "yolo", "--out", "{tmp}/o"], "not a folder"),
        (["export", "{tmp}/data", "--format", "yolo", "--out", "{tmp}/data"], "data folder itself"),
        (["export", "{tmp}/data", "--format", "yolo", "--out", "{tmp}/o", "--val-fraction", "1.5"], "val-fraction"),
        (["export", "{tmp}/data", "--format", "voc", "--out", "{tmp}/data/VOC", "--recursive"], "inside the data folder"),
        (["export", "{tmp}/empty", "--format", "voc", "--out", "{tmp}/o"], "no labelled images"),
        (["import", "{tmp}/nothing.json", "--format", "coco", "--images", "{tmp}/data", "--out", "{tmp}/o"], "not a file"),
        (["import", "{tmp}/data", "--format", "yolo", "--images", "{tmp}/nope", "--out", "{tmp}/o"], "not a folder"),
        (["import", "{tmp}/data", "--format", "yolo", "--images", "{tmp}/data", "--out", "{tmp}/o"], "classes.txt"),
        (["import", "{tmp}/data/flower_00000.xml", "--format", "coco", "--images", "{tmp}/data", "--out", "{tmp}/o"],
         "not valid JSON"),
    ],
)  # fmt: skip
def test_bad_requests_exit_2_with_a_message(data, tmp_path, capsys, argv, message):
    (tmp_path / "empty").mkdir()
    assert main([a.replace("{tmp}", str(tmp_path)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err


def test_console_entry_runs_as_a_subprocess(data, tmp_path):
    folder, _ = data
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "export",
            str(folder),
            "--format",
            "createml",
            "--out",
            str(tmp_path / "c"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "exported 6 images" in done.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "annotator", "import", str(tmp_path / "none"), "--format", "coco", "--images",
         str(folder), "--out", str(tmp_path / "o")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "error:" in bad.stderr


def test_import_labelimg_yolo_files_beside_the_images(tmp_path, capsys):
    """LabelImg's YOLO mode: IMG.txt beside IMG.jpg and classes.txt in the same folder."""
    from PIL import Image

    folder = tmp_path / "photos"
    folder.mkdir()
    Image.new("RGB", (200, 100)).save(folder / "장미.jpg")
    (folder / "classes.txt").write_text("roses\ntulips\n", encoding="utf-8")
    (folder / "장미.txt").write_text("1 0.25 0.5 0.1 0.2\n0 0.5 0.5 1.0 1.0\n", encoding="utf-8")
    assert (
        main(["import", str(folder), "--format", "yolo", "--images", str(folder), "--out", str(folder)]) == 0
    )
    ann = voc.read(folder / "장미.xml")
    assert (ann.filename, ann.width, ann.height) == ("장미.jpg", 200, 100)
    assert [(o.name, *voc.voc_box(o, 200, 100)) for o in ann.objects] == [
        ("tulips", 41, 41, 60, 60),
        ("roses", 1, 1, 200, 100),
    ]
    (folder / "bad.txt").write_bytes(b"\xff\xfe0 0.5")
    (folder / "classes.txt").write_bytes(b"\xff\xferoses")
    assert (
        main(["import", str(folder), "--format", "yolo", "--images", str(folder), "--out", str(folder)]) == 2
    )
    assert "classes.txt: not UTF-8 text" in capsys.readouterr().err


def test_recursive_export_keeps_sub_folders_apart(tmp_path, capsys):
    data = tmp_path / "data"
    make_dataset(data / "garden", count=2, masks=False)
    make_dataset(data / "meadow", count=2, seed=9, masks=False)  # same file names as in garden/
    yolo_out, voc_out, coco_out = tmp_path / "yolo", tmp_path / "VOC", tmp_path / "coco"
    assert main(["export", str(data), "--format", "yolo", "--out", str(yolo_out), "--val-fraction", "0"]) == 2
    assert "no labelled images" in capsys.readouterr().err  # without --recursive only data/ itself counts
    args = ["--val-fraction", "0", "--recursive"]
    assert main(["export", str(data), "--format", "yolo", "--out", str(yolo_out), *args]) == 0
    assert main(["export", str(data), "--format", "voc", "--out", str(voc_out), *args]) == 0
    assert main(["export", str(data), "--format", "coco", "--out", str(coco_out), *args]) == 0
    for sub in ("garden", "meadow"):
        for stem in ("flower_00000", "꽃_사진"):
            ann = voc.read(data / sub / f"{stem}.xml")
            assert (yolo_out / "labels" / "train" / sub / f"{stem}.txt").is_file()
            assert (yolo_out / "images" / "train" / sub / ann.filename).is_file()
            assert voc_boxes(voc.read(voc_out / "Annotations" / sub / f"{stem}.xml")) == voc_boxes(ann)
            assert (voc_out / "JPEGImages" / sub / ann.filename).is_file()
    ids = (voc_out / "ImageSets" / "Main" / "train.txt").read_text(encoding="utf-8").split()
    assert sorted(ids) == sorted(
        f"{sub}/{stem}" for sub in ("garden", "meadow") for stem in ("flower_00000", "꽃_사진")
    )
    spec = json.loads((coco_out / "annotations" / "instances_train.json").read_text(encoding="utf-8"))
    names = sorted(img["file_name"] for img in spec["images"])
    assert names == sorted(
        f"{sub}/{n}" for sub in ("garden", "meadow") for n in ("flower_00000.jpg", "꽃_사진.jpg")
    )
    assert all((coco_out / "train" / n).is_file() for n in names)
