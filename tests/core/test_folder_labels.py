"""The labels an opened folder uses, counted from the files the scan pairs with its images (what the label
dialog offers first): the cheap reading gives the parser's names, and the counts follow edits and disk changes."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from annotator.core import dataset, voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.annotation_files import save_annotation
from annotator.core.folder_labels import FolderLabels, object_names

CORPUS = Path(__file__).parent / "data" / "voc_corpus"
# shared/ lies beside the checkout (CI's clean clone too); a git worktree elsewhere falls back to /work/shared.
RACCOON = next(
    (
        p / "datasets" / "raccoon"
        for p in (Path(__file__).resolve().parents[3] / "shared", Path("/work/shared"))
        if (p / "datasets" / "raccoon" / "annotations").is_dir()
    ),
    Path("/nonexistent"),
)


def _image(path: Path, width: int = 64, height: int = 48) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    cv2.imwrite(str(path), np.full((height, width, 3), 90, np.uint8))
    return path


def _labels(path: Path, *names: str, verified: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    boxes = [BoxObject(n, 2.0 + i, 2.0, 20.0 + i, 20.0) for i, n in enumerate(names)]
    voc.write(ImageAnnotation(filename="x.jpg", width=64, height=48, objects=boxes, verified=verified), path)


def _folder_labels(root: Path, save_dir: Path | None = None, recursive: bool = False) -> FolderLabels:
    scanned = dataset.scan(root, save_dir=save_dir, recursive=recursive)
    return FolderLabels((e.image_file, e.annotation_file, e.status) for e in scanned)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("ok_*.xml")), ids=lambda p: p.name)
def test_cheap_reading_gives_the_parsers_names_on_every_corpus_file(path):
    assert object_names(path) == [o.name for o in voc.read(path).objects]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("err_*.xml")), ids=lambda p: p.name)
def test_a_file_the_parser_refuses_counts_nothing_or_what_it_clearly_holds(path):
    names = object_names(path)  # never raises; unusual files go through the parser, which refuses them
    assert isinstance(names, list)
    if any(token in path.read_bytes() for token in (b"<!DOCTYPE", b"<!ENTITY", b"&")):
        assert names == []


def test_tricky_names_match_the_parser(tmp_path):
    cases = {
        "escaped.xml": "<annotation><object><name>cats &amp; dogs</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
        "<xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>",
        "commented.xml": "<annotation><!--<object><name>ghost</name></object>--><object><name> owl </name>"
        "<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>",
        "parts.xml": "<annotation><object><name>person</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax>"
        "<ymax>9</ymax></bndbox><part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>3</xmax>"
        "<ymax>3</ymax></bndbox></part></object></annotation>",
        "korean.xml": "<annotation><object><name>너구리</name><bndbox><xmin>1</xmin><ymin>1</ymin>"
        "<xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>",
    }
    for name, text in cases.items():
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        assert object_names(path) == [o.name for o in voc.read(path).objects], name
    (tmp_path / "latin1.xml").write_bytes(
        "<?xml version='1.0' encoding='iso-8859-1'?><annotation><object><name>café</name><bndbox><xmin>1</xmin>"
        "<ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object></annotation>".encode("latin-1")
    )
    assert object_names(tmp_path / "latin1.xml") == ["café"]
    assert object_names(tmp_path / "missing.xml") == []


@pytest.mark.skipif(not (RACCOON / "annotations").is_dir(), reason="shared raccoon dataset not present")
def test_raccoon_counts_come_from_its_save_folder():
    labels = _folder_labels(RACCOON / "images", RACCOON / "annotations")
    expected = sum(len(voc.read(x).objects) for x in (RACCOON / "annotations").glob("*.xml"))
    assert labels.counts() == {"raccoon": expected}
    assert expected > 200  # some photos hold several raccoons: boxes are counted, not files


def test_counts_follow_the_save_folder_with_sub_folders_most_used_first(tmp_path):
    images, annotations = tmp_path / "images", tmp_path / "annotations"
    for i in range(3):
        _image(images / f"a{i}.jpg")
        _image(images / "garden" / f"g{i}.jpg")
    _labels(annotations / "a0.xml", "cat", "cat", "dog")
    _labels(annotations / "a1.xml", "owl", verified=True)
    _labels(annotations / "garden" / "g0.xml", "dog", "dog", "Bee")
    _labels(images / "a2.xml", "hidden beside the image")  # not where the save folder says: not counted
    flat = _folder_labels(images, annotations).counts()
    assert flat == {"cat": 2, "dog": 1, "owl": 1} and list(flat) == ["cat", "dog", "owl"]
    nested = _folder_labels(images, annotations, recursive=True).counts()
    assert nested == {"dog": 3, "cat": 2, "Bee": 1, "owl": 1}  # ties in natural, case-insensitive order
    assert list(nested) == ["dog", "cat", "Bee", "owl"]


def test_yolo_and_createml_sidecars_count_too(tmp_path):
    for i in range(3):
        _image(tmp_path / f"img{i}.jpg")
    ann = ImageAnnotation(
        filename="img0.jpg", width=64, height=48, objects=[BoxObject("heron", 1, 1, 30, 30)]
    )
    save_annotation(ann, str(tmp_path / "img0.xml"), "yolo", str(tmp_path), ["heron"])
    two = [BoxObject("heron", 1, 1, 30, 30), BoxObject("crane", 2, 2, 40, 40)]
    ann = ImageAnnotation(
        filename="img1.jpg", path=str(tmp_path / "img1.jpg"), width=64, height=48, objects=two
    )
    save_annotation(ann, str(tmp_path / "img1.xml"), "createml", str(tmp_path), [])
    assert _folder_labels(tmp_path).counts() == {"heron": 2, "crane": 1}


def test_open_documents_count_as_they_are_and_discarded_edits_fall_back_to_the_file(tmp_path):
    for i in range(3):
        _image(tmp_path / f"img{i}.jpg")
    _labels(tmp_path / "img0.xml", "cat", "cat")
    _labels(tmp_path / "img1.xml", "dog")
    labels = _folder_labels(tmp_path)
    assert labels.most_used() == ["cat", "dog"]
    img1, img2 = str(tmp_path / "img1.jpg"), str(tmp_path / "img2.jpg")
    labels.sync({img1: ["dog", "dog"], img2: ["dog", "fox"]})  # unsaved boxes in two open documents
    assert labels.counts() == {"dog": 3, "cat": 2, "fox": 1}
    labels.sync({img1: ["dog", "dog"]})  # img2's edits were discarded and it has no file
    assert labels.counts() == {"cat": 2, "dog": 2}
    labels.sync({})
    assert labels.counts() == {"cat": 2, "dog": 1}
    _labels(tmp_path / "img0.xml", "cat", "owl")  # another program rewrote a file not open here
    labels.reread(str(tmp_path / "img0.jpg"))
    assert labels.counts() == {"cat": 1, "dog": 1, "owl": 1}
    (tmp_path / "img0.xml").unlink()
    labels.reread(str(tmp_path / "img0.jpg"))
    assert labels.counts() == {"dog": 1}


def test_nothing_is_read_until_the_counts_are_asked_for(tmp_path, monkeypatch):
    for i in range(3):
        _image(tmp_path / f"img{i}.jpg")
        _labels(tmp_path / f"img{i}.xml", "cat")
    reads = []
    import annotator.core.folder_labels as module

    real = module.object_names
    monkeypatch.setattr(module, "object_names", lambda p: reads.append(p) or real(p))
    labels = _folder_labels(tmp_path)
    assert reads == []
    assert labels.counts() == {"cat": 3} and len(reads) == 3
    labels.counts()
    labels.sync({str(tmp_path / "img0.jpg"): ["cat", "dog"]})
    assert len(reads) == 3  # counted once, then kept up to date without reading the folder again
