"""Folder scanning on real folders: order, pairing (beside, save dir, VOC), status, navigation helpers."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotator.core import dataset
from annotator.core.dataset import ImageStatus, annotation_path_for, read_status, scan
from annotator.core.natsort import natural_key, natural_sorted

LABELLED_XML = """<?xml version="1.0" encoding="utf-8"?>
<annotation>
\t<filename>{name}</filename>
\t<object>
\t\t<name>daisy</name>
\t\t<bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox>
\t</object>
</annotation>
"""
VERIFIED_XML = '<?xml version="1.0" encoding="utf-8"?>\n<annotation verified="yes">\n\t<filename>x</filename>\n</annotation>\n'
EMPTY_XML = '<?xml version="1.0" encoding="utf-8"?>\n<annotation>\n\t<filename>x</filename>\n</annotation>\n'


def touch(path: Path, text: str | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if text is None:
        path.write_bytes(b"")  # scan never decodes images, so empty files are enough
    else:
        path.write_text(text, encoding="utf-8")
    return path


def names(ds: dataset.Dataset) -> list[str]:
    return [e.image_path.name for e in ds.entries]


# ---------------------------------------------------------------- order and listing


def test_natural_case_insensitive_order_and_only_images(tmp_path):
    for n in [
        "img10.jpg",
        "img2.JPG",
        "IMG1.png",
        "img1.jpeg",
        "b.bmp",
        "a.tif",
        "notes.txt",
        "img3.xml",
        "c.webp",
    ]:
        touch(tmp_path / n)
    (tmp_path / "folder.jpg").mkdir()  # a folder with an image suffix is not an image
    touch(tmp_path / "._img2.JPG")  # macOS metadata beside a photo on a shared drive
    ds = scan(tmp_path)
    assert names(ds) == ["a.tif", "b.bmp", "c.webp", "img1.jpeg", "IMG1.png", "img2.JPG", "img10.jpg"]
    assert len(ds) == 7 and ds[0].image_path == tmp_path / "a.tif"


def test_natural_key_orders_numbers_by_value():
    assert natural_sorted(["x10", "x9", "x09", "X1", "x", "x1a", "x1"]) == [
        "x",
        "X1",
        "x1",
        "x1a",
        "x09",
        "x9",
        "x10",
    ]
    assert natural_key("a2") < natural_key("a10") < natural_key("b1")
    assert natural_sorted(["p1.5", "p1.10", "p1.9"]) == ["p1.5", "p1.9", "p1.10"]
    assert natural_sorted([Path("b10"), Path("b9")]) == [Path("b9"), Path("b10")]


def test_recursive_lists_subfolders_folder_by_folder_and_skips_trash(tmp_path):
    touch(tmp_path / "z1.jpg")
    touch(tmp_path / "garden10" / "a.jpg")
    touch(tmp_path / "garden2" / "b.jpg")
    touch(tmp_path / "garden2" / "deep" / "c.jpg")
    for skipped in (".trash", "trash", "SegmentationClass", ".hidden", "Annotations", "ImageSets"):
        touch(tmp_path / skipped / "gone.jpg")
    assert names(scan(tmp_path)) == ["z1.jpg"]
    ds = scan(tmp_path, recursive=True)
    assert [e.image_id for e in ds] == ["z1", "garden2/b", "garden2/deep/c", "garden10/a"]
    assert ds.recursive


def test_symlinked_folders_are_not_followed(tmp_path):
    touch(tmp_path / "real" / "a.jpg")
    os.symlink(tmp_path / "real", tmp_path / "loop")
    assert [e.image_id for e in scan(tmp_path, recursive=True)] == ["real/a"]


def test_missing_folder_or_a_file(tmp_path):
    with pytest.raises(dataset.DatasetError, match="not found"):
        scan(tmp_path / "nope")
    with pytest.raises(dataset.DatasetError, match="not a folder"):
        scan(touch(tmp_path / "a.jpg"))


def test_korean_names(tmp_path):
    touch(tmp_path / "꽃" / "장미10.jpg")
    touch(tmp_path / "꽃" / "장미9.jpg", None)
    touch(tmp_path / "꽃" / "장미9.xml", LABELLED_XML.format(name="장미9.jpg"))
    ds = scan(tmp_path / "꽃")
    assert names(ds) == ["장미9.jpg", "장미10.jpg"]
    assert ds[0].status is ImageStatus.LABELLED


# ---------------------------------------------------------------- status


def test_status_from_the_xml_beside_the_image(tmp_path):
    for n in ["a", "b", "c", "d", "e"]:
        touch(tmp_path / f"{n}.jpg")
    touch(tmp_path / "b.xml", LABELLED_XML.format(name="b.jpg"))
    touch(tmp_path / "c.xml", VERIFIED_XML)
    touch(tmp_path / "d.xml", EMPTY_XML)
    touch(tmp_path / "e.xml", LABELLED_XML.replace("<annotation>", "<annotation verified='YES'>"))
    ds = scan(tmp_path)
    assert [e.status for e in ds] == [
        ImageStatus.UNLABELLED,
        ImageStatus.LABELLED,
        ImageStatus.VERIFIED,
        ImageStatus.UNLABELLED,  # a file without boxes
        ImageStatus.VERIFIED,
    ]
    assert ds.counts == {ImageStatus.UNLABELLED: 2, ImageStatus.LABELLED: 1, ImageStatus.VERIFIED: 2}
    assert ds.labelled_count == 3
    assert ds[1].annotation_path == tmp_path / "b.xml"


def test_read_status_finds_an_object_after_a_long_header(tmp_path):
    long_path = "x" * 10_000
    xml = LABELLED_XML.replace("<filename>", f"<path>{long_path}</path>\n\t<filename>")
    assert read_status(touch(tmp_path / "long.xml", xml)) is ImageStatus.LABELLED
    xml = EMPTY_XML.replace("<filename>", f"<path>{long_path}</path>\n\t<filename>")
    assert read_status(touch(tmp_path / "long_empty.xml", xml)) is ImageStatus.UNLABELLED
    # "<objects>" or "<object_count>" are not boxes
    assert read_status(
        touch(tmp_path / "o.xml", EMPTY_XML.replace("<filename>", "<objects/><filename>"))
    ) is (ImageStatus.UNLABELLED)
    assert read_status(tmp_path / "missing.xml") is ImageStatus.UNLABELLED


def test_read_status_of_utf16_files(tmp_path):
    for encoding in ("utf-16", "utf-16-be"):
        path = tmp_path / f"{encoding}.xml"
        bom = "\ufeff" if encoding.endswith("be") else ""  # "utf-16" writes its own BOM
        path.write_bytes((bom + LABELLED_XML.format(name="장미.jpg")).encode(encoding))
        assert read_status(path) is ImageStatus.LABELLED
        path.write_bytes((bom + VERIFIED_XML).encode(encoding))
        assert read_status(path) is ImageStatus.VERIFIED


def test_refresh_status_and_next_unlabelled(tmp_path):
    for i in range(5):
        touch(tmp_path / f"img{i}.jpg")
    touch(tmp_path / "img1.xml", LABELLED_XML.format(name="img1.jpg"))
    touch(tmp_path / "img3.xml", LABELLED_XML.format(name="img3.jpg"))
    ds = scan(tmp_path)
    assert ds.next_unlabelled() == 0
    assert ds.next_unlabelled(0) == 2
    assert ds.next_unlabelled(2) == 4
    assert ds.next_unlabelled(4) == 0  # wraps round
    assert ds.next_unlabelled(4, wrap=False) is None
    touch(tmp_path / "img2.xml", VERIFIED_XML)  # the user saved and verified img2
    assert ds.refresh_status(2) is ImageStatus.VERIFIED
    assert ds.next_unlabelled(0) == 4
    touch(tmp_path / "img0.xml", LABELLED_XML.format(name="img0.jpg"))
    touch(tmp_path / "img4.xml", LABELLED_XML.format(name="img4.jpg"))
    ds.refresh_status(0)
    ds.refresh_status(4)
    assert ds.next_unlabelled(1) is None
    (tmp_path / "img4.xml").unlink()
    assert ds.refresh_status(4) is ImageStatus.UNLABELLED
    assert scan(tmp_path).counts == ds.counts


def test_index_of_any_spelling(tmp_path, monkeypatch):
    for n in ["a.jpg", "b.jpg"]:
        touch(tmp_path / n)
    ds = scan(tmp_path)
    assert ds.index_of(tmp_path / "b.jpg") == 1
    assert ds.index_of(str(tmp_path / "sub" / ".." / "b.jpg")) == 1
    monkeypatch.chdir(tmp_path)
    assert ds.index_of("a.jpg") == 0
    assert ds.index_of("c.jpg") is None


def test_empty_folder(tmp_path):
    ds = scan(tmp_path)
    assert len(ds) == 0 and ds.next_unlabelled() is None and ds.labelled_count == 0


# ---------------------------------------------------------------- pairing


def test_save_dir_mirrors_subfolders_so_same_names_do_not_collide(tmp_path):
    root, save = tmp_path / "photos", tmp_path / "labels"
    touch(root / "a" / "img.jpg")
    touch(root / "b" / "img.jpg")
    touch(root / "img.jpg")
    touch(save / "b" / "img.xml", LABELLED_XML.format(name="img.jpg"))
    touch(root / "b" / "img.xml", VERIFIED_XML)  # beside the image: ignored when a save folder is given
    ds = scan(root, recursive=True, save_dir=save)
    assert ds.layout == "save_dir"
    by_id = {e.image_id: e for e in ds}
    assert by_id["img"].annotation_path == save / "img.xml"
    assert by_id["a/img"].annotation_path == save / "a" / "img.xml"
    assert by_id["b/img"].annotation_path == save / "b" / "img.xml"
    assert by_id["b/img"].status is ImageStatus.LABELLED
    assert by_id["a/img"].status is ImageStatus.UNLABELLED
    assert len({e.annotation_path for e in ds}) == 3 and not ds.shared_annotations


def test_save_dir_inside_the_root_is_not_scanned_as_images(tmp_path):
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "labels" / "stray.jpg")
    ds = scan(tmp_path, recursive=True, save_dir=tmp_path / "labels")
    assert [e.image_id for e in ds] == ["a"]


def test_voc_layout_from_the_root_or_from_jpegimages(tmp_path):
    root = tmp_path / "VOC2012"
    touch(root / "JPEGImages" / "2007_000027.jpg")
    touch(root / "JPEGImages" / "2007_000032.jpg")
    touch(root / "Annotations" / "2007_000032.xml", LABELLED_XML.format(name="2007_000032.jpg"))
    touch(root / "SegmentationClass" / "2007_000032.png")
    for folder in (root, root / "JPEGImages"):
        ds = scan(folder)
        assert ds.layout == "voc"
        assert ds.image_root == root / "JPEGImages"
        assert [e.image_id for e in ds] == ["2007_000027", "2007_000032"]
        assert [e.annotation_path for e in ds] == [
            root / "Annotations" / "2007_000027.xml",
            root / "Annotations" / "2007_000032.xml",
        ]
        assert [e.status for e in ds] == [ImageStatus.UNLABELLED, ImageStatus.LABELLED]


def test_voc_root_without_annotations_yet_pairs_into_annotations(tmp_path):
    touch(tmp_path / "JPEGImages" / "a.jpg")
    ds = scan(tmp_path)
    assert ds.layout == "voc" and ds[0].annotation_path == tmp_path / "Annotations" / "a.xml"
    # A folder that merely happens to be named JPEGImages, opened itself, with no Annotations beside it:
    ds = scan(tmp_path / "JPEGImages")
    assert ds.layout == "beside" and ds[0].annotation_path == tmp_path / "JPEGImages" / "a.xml"


def test_same_stem_in_one_folder_is_reported(tmp_path):
    touch(tmp_path / "a.jpg")
    touch(tmp_path / "a.png")
    touch(tmp_path / "b.jpg")
    ds = scan(tmp_path)
    assert ds.shared_annotations == {tmp_path / "a.xml": [tmp_path / "a.jpg", tmp_path / "a.png"]}


@pytest.mark.parametrize("layout", ["beside", "save_dir", "voc_root", "voc_images"])
def test_annotation_path_for_agrees_with_scan(tmp_path, layout):
    root = tmp_path / "data"
    images = root / "JPEGImages" if layout.startswith("voc") else root
    for rel in ["x.jpg", "sub/y.png", "sub/deeper/z.jpeg"]:
        touch(images / rel)
    if layout == "voc_images":
        (root / "Annotations").mkdir()
    opened = images if layout == "voc_images" else root
    save = tmp_path / "save" if layout == "save_dir" else None
    ds = scan(opened, recursive=True, save_dir=save)
    assert len(ds) == 3
    for e in ds:
        assert annotation_path_for(e.image_path, opened, save) == e.annotation_path
        assert ds.annotation_path_for(e.image_path) == e.annotation_path
    if layout == "beside":
        assert ds.annotation_path_for(root / "sub" / "new.jpg") == root / "sub" / "new.xml"
    if layout == "save_dir":
        assert ds.annotation_path_for(root / "sub" / "new.jpg") == tmp_path / "save" / "sub" / "new.xml"
    if layout.startswith("voc"):
        assert {e.annotation_path.parent for e in ds} == {
            root / "Annotations",
            root / "Annotations" / "sub",
            root / "Annotations" / "sub" / "deeper",
        }
