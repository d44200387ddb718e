"""Property-based fuzzing (hypothesis) of every reader in annotator.core: VOC XML, YOLO labels, data.yaml,
classes.txt, COCO and Create ML JSON, and the bounded JSON/YAML parsers.

For any input only the module's own error family escapes (`VocError` for VOC, `FormatError` for the others), and
what is accepted round-trips through our writer. Each test is bounded (``max_examples``), so the file runs in
well under a minute.
"""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from annotator.core import voc
from annotator.core.annotation import ImageAnnotation
from annotator.core.formats import bounded, coco, createml, yolo
from annotator.core.formats.common import FormatError, LabelledImage, read_class_file

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# structured XML documents are the slowest to generate: fewer of them keep the file well under a minute
FUZZ_XML = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DIR = Path(tempfile.mkdtemp(prefix="flower-fuzz-"))

# JSON-like values, including the awkward ones: huge ints, floats, nested lists/dicts, unicode keys
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=25,
)


def _write(name: str, data: bytes) -> Path:
    path = _DIR / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------------------------------------- VOC


tags = st.sampled_from(
    ["annotation", "object", "name", "bndbox", "xmin", "ymin", "xmax", "ymax", "size", "width", "height",
     "depth", "difficult", "truncated", "pose", "score", "filename", "folder", "path", "source", "database",
     "segmented", "extra", "a"]
)  # fmt: skip
texts = st.one_of(
    st.sampled_from(
        ["1", "0", "5", "10.5", "-3", "nan", "inf", "1e400", "yes", "", " 7 ", "daisy", "&amp;", "<"]
    ),
    st.text(max_size=6),
)


@st.composite
def xml_trees(draw, depth=0):
    tag = draw(tags)
    children = [] if depth > 4 else draw(st.lists(xml_trees(depth + 1), max_size=4))
    text = draw(texts)
    text = text.replace("&", "&amp;").replace("<", "&lt;") if draw(st.booleans()) else text
    return f"<{tag}>{text}{''.join(children)}</{tag}>"


@st.composite
def voc_documents(draw):
    body = draw(st.lists(xml_trees(1), max_size=5))
    doc = "<annotation>" + "".join(body) + "</annotation>"
    if draw(st.booleans()):
        doc = voc.XML_DECLARATION + doc
    data = doc.encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 9)) == 0:  # now and then a byte-level mutation
        pos = draw(st.integers(0, len(data)))
        data = data[:pos] + draw(st.binary(max_size=4)) + data[pos + 1 :]
    return data


def _check_voc(data: bytes) -> None:
    try:
        ann = voc.loads(data, "fuzz.xml")
    except voc.VocError:
        return
    try:
        written = voc.dumps(ann)
    except voc.VocError:
        return  # refused to write what it could not store faithfully: allowed, and named
    again = voc.loads(written, "again.xml")
    assert voc.dumps(again) == written  # what we write reads back and re-writes to the same bytes
    assert len(again.objects) == len(ann.objects)


@FUZZ_XML
@given(voc_documents())
@example(b"<annotation>" + b"<a>" * 2000 + b"</a>" * 2000 + b"</annotation>")
@example(b'<?xml version="1.0" encoding="utf-16"?><annotation/>')
@example(b'<!DOCTYPE a [<!ENTITY x "y">]><annotation>&x;</annotation>')
def test_voc_reader_raises_only_voc_error_and_round_trips(data):
    _check_voc(data)


@FUZZ
@given(st.binary(max_size=300))
def test_voc_reader_on_random_bytes_from_a_file(data):
    path = _write("fuzz.xml", data)
    try:
        voc.read(path)
    except voc.VocError:
        pass


# ---------------------------------------------------------------------------------------------- YOLO

tokens = st.one_of(
    st.sampled_from(
        ["0", "1", "2", "-1", "0.5", "0.25", "1.0", "0", "1e-3", "nan", "inf", "1e999", "x", "0x1"]
    ),
    st.floats(min_value=-2, max_value=2).map(repr),
    st.text(alphabet="0123456789.-e+", max_size=8),
)
yolo_lines = st.lists(st.lists(tokens, max_size=7).map(" ".join), max_size=6).map("\n".join)


@FUZZ
@given(yolo_lines, st.integers(1, 4))
def test_yolo_labels_raise_only_format_error_and_round_trip(text, n_classes):
    names = [f"c{i}" for i in range(n_classes)]
    try:
        boxes = yolo.from_lines(text, names, 640, 480, source="fuzz.txt")
    except FormatError:
        return
    ann = ImageAnnotation(width=640, height=480, objects=boxes)
    lines = yolo.to_lines(ann, names)
    back = yolo.from_lines(lines, names, 640, 480, source="back.txt")
    assert [b.name for b in back] == [b.name for b in boxes]
    assert yolo.to_lines(ImageAnnotation(width=640, height=480, objects=back), names) == lines


@FUZZ
@given(st.one_of(json_values.map(lambda v: yaml.safe_dump({"names": v}).encode()), st.binary(max_size=200),
                 st.text(max_size=200).map(str.encode)))  # fmt: skip
@example(b"names: &a [x]\nother: *a\n")
@example(b"names: !!python/object:os.system [ls]\n")
def test_data_yaml_raises_only_format_error(data):
    folder = _DIR / "yaml"
    folder.mkdir(exist_ok=True)
    (folder / "data.yaml").write_bytes(data)
    try:
        names = yolo.find_class_names(folder)
    except FormatError:
        return
    assert names and all(isinstance(n, str) and n for n in names) and len(set(names)) == len(names)


@FUZZ
@given(st.binary(max_size=200))
def test_classes_txt_raises_only_format_error(data):
    path = _write("classes.txt", data)
    try:
        names = read_class_file(path)
    except FormatError:
        return
    assert all(n == n.strip() and n for n in names)


# ---------------------------------------------------------------------------------------------- COCO / Create ML


def _coco_base() -> dict:
    spec = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 40, "height": 30}],
        "categories": [{"id": 1, "name": "daisy"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 2, 10, 8]}],
    }
    return spec


@st.composite
def coco_specs(draw):
    spec = _coco_base()
    for _ in range(draw(st.integers(0, 3))):  # replace or add fields with arbitrary values
        section = draw(st.sampled_from(["images", "categories", "annotations"]))
        entry = draw(st.sampled_from(spec[section] + [{}]))
        if entry not in spec[section]:
            spec[section].append(entry)
        key = draw(st.sampled_from(["id", "file_name", "width", "height", "name", "image_id", "category_id",
                                    "bbox", "score", "iscrowd", "attributes"]))  # fmt: skip
        entry[key] = draw(json_values)
    return spec


def _check_coco(data: bytes) -> None:
    path = _write("coco.json", data)
    try:
        records, problems = coco.read_records(path)
    except FormatError:
        return
    assert problems == []
    for rec in records:
        for box in rec.boxes:
            assert all(math.isfinite(v) for v in box.xyxy()) and box.xmax > box.xmin and box.ymax > box.ymin


@FUZZ
@given(st.one_of(coco_specs().map(lambda s: json.dumps(s).encode()), json_values.map(lambda v: json.dumps(v).encode()),
                 st.binary(max_size=100)))  # fmt: skip
@example(b"[" * 5000 + b"]" * 5000)
@example(b'{"images": [], "categories": [], "annotations": [], "x": NaN}')
def test_coco_reader_raises_only_format_error(data):
    _check_coco(data)


@FUZZ
@given(coco_specs())
def test_accepted_coco_round_trips_through_our_writer(spec):
    path = _write("coco.json", json.dumps(spec).encode())
    try:
        records, _ = coco.read_records(path)
    except FormatError:
        return
    names = sorted({b.name for r in records for b in r.boxes})
    items = [
        LabelledImage(Path(r.image_name), ImageAnnotation(width=r.width or 0, height=r.height or 0, objects=r.boxes),
                      Path("x.xml"), image_id=f"img{i}")
        for i, r in enumerate(records)
    ]  # fmt: skip
    try:
        written = coco.to_coco(items, names)
    except FormatError:
        assert any(r.width is None for r in records)  # only a size the file did not state stops the writer
        return
    path2 = _write("coco2.json", json.dumps(written).encode())
    back, _ = coco.read_records(path2)
    assert [[(b.name, b.xyxy()) for b in r.boxes] for r in back] == [
        [(b.name, tuple(round(v, 6) for v in b.xyxy())) for b in r.boxes] for r in records
    ] or all(
        math.isclose(x, y, abs_tol=1e-5)
        for r1, r2 in zip(back, records, strict=True)
        for b1, b2 in zip(r1.boxes, r2.boxes, strict=True)
        for x, y in zip(b1.xyxy(), b2.xyxy(), strict=True)
    )


@st.composite
def createml_specs(draw):
    good = {"label": "daisy", "coordinates": {"x": 20, "y": 15, "width": 10, "height": 8}}
    entries = [{"image": "a.jpg", "annotations": [json.loads(json.dumps(good))]}]
    for _ in range(draw(st.integers(0, 3))):
        target = draw(st.sampled_from(["entry", "annotation", "coordinates"]))
        value = draw(json_values)
        anns = entries[0].get("annotations")
        first = anns[0] if isinstance(anns, list) and anns and isinstance(anns[0], dict) else None
        if target == "entry":
            entries[0][draw(st.sampled_from(["image", "annotations"]))] = value
        elif target == "annotation" and first is not None:
            first[draw(st.sampled_from(["label", "coordinates"]))] = value
        elif first is not None and isinstance(first.get("coordinates"), dict):
            first["coordinates"][draw(st.sampled_from(["x", "y", "width", "height"]))] = value
    return entries


@FUZZ
@given(st.one_of(createml_specs(), json_values))
def test_createml_reader_raises_only_format_error_and_round_trips(spec):
    path = _write("createml.json", json.dumps(spec).encode())
    try:
        records, problems = createml.read_records(path)
    except FormatError:
        return
    assert problems == []
    items = [
        LabelledImage(Path(r.image_name), ImageAnnotation(objects=r.boxes), Path("x.xml"), image_id=f"i{i}")
        for i, r in enumerate(records)
    ]
    back, _ = createml.read_records(
        _write("createml2.json", json.dumps(createml.to_createml(items)).encode())
    )
    for r1, r2 in zip(back, records, strict=True):
        assert [b.name for b in r1.boxes] == [b.name for b in r2.boxes]
        for b1, b2 in zip(r1.boxes, r2.boxes, strict=True):
            assert all(
                math.isclose(x, y, rel_tol=1e-6, abs_tol=1e-5)
                for x, y in zip(b1.xyxy(), b2.xyxy(), strict=True)
            )


@FUZZ
@given(st.text(alphabet='[]{}",:0123456789.eE+-tfnrulsaINfiy \\', max_size=80))
def test_bounded_json_raises_only_format_error(text):
    try:
        value = bounded.loads_json(text, "fuzz.json")
    except FormatError:
        return
    assert json.loads(json.dumps(value)) == value  # finite numbers only: always re-serialisable as JSON
