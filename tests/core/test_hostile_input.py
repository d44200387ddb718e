"""Hostile files for every reader in annotator.core: deep nesting, huge numbers, YAML aliases, odd file kinds.

Each reader must answer within bounded time and memory with its own error (`VocError`, `FormatError`), never a
``RecursionError``/``MemoryError`` or a hang; and the writers must never produce a file the readers refuse.
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import NAME_MAX_BYTES, atomic_write_bytes, is_temp_name, temp_prefix
from annotator.core.dataset import scan
from annotator.core.formats import bounded, coco, createml, yolo
from annotator.core.formats.common import FormatError, read_class_file

# ---------------------------------------------------------------------------------------------- VOC XML


def _nested(n: int, tag: str = "a") -> bytes:
    return f"<{tag}>".encode() * n + f"</{tag}>".encode() * n


@pytest.mark.parametrize("where", ["root", "object", "source"])
def test_deeply_nested_unknown_elements_are_a_voc_error(tmp_path, where):
    body = _nested(1000)
    inner = {
        "root": b"<filename>a.jpg</filename>" + body,
        "object": b"<object><name>x</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax>"
        b"</bndbox>" + body + b"</object>",
        "source": b"<source>" + body + b"</source>",
    }[where]
    path = tmp_path / "deep.xml"
    path.write_bytes(b"<annotation>" + inner + b"</annotation>")
    assert path.stat().st_size < 8000  # the 7.8 KB file of the report
    with pytest.raises(voc.VocError, match="nested 1000 levels deep"):
        voc.read(path)


def test_a_ten_megabyte_nest_is_refused_quickly():
    n = (voc.MAX_FILE_BYTES - 40) // 7
    started = time.perf_counter()
    with pytest.raises(voc.VocError, match="levels deep"):
        voc.loads(b"<annotation>" + _nested(n) + b"</annotation>")
    assert time.perf_counter() - started < 60  # about 3 s on a quiet core; generous for a loaded CI machine


def test_nesting_up_to_the_limit_is_kept_and_round_trips(tmp_path):
    depth = voc.MAX_UNKNOWN_NESTING
    xml = b"<annotation><filename>a.jpg</filename>" + _nested(depth, "k") + b"</annotation>"
    ann = voc.loads(xml)
    assert ann.extra_elements and ann.extra_elements[0].count("<k") == depth
    voc.write(ann, tmp_path / "a.xml")
    assert voc.read(tmp_path / "a.xml").extra_elements == ann.extra_elements


def test_writer_refuses_what_the_reader_would_refuse(tmp_path):
    big = ImageAnnotation(filename="a.jpg", width=100, height=100)
    big.objects = [BoxObject("x" * 1000, 1, 1, 5, 5) for _ in range(11_000)]
    with pytest.raises(voc.VocError, match="over the 10,485,760-byte limit"):
        voc.write(big, tmp_path / "big.xml")
    assert not list(tmp_path.iterdir())
    deep = ImageAnnotation(filename="a.jpg", extra_elements=[_nested(100, "q").decode()])
    with pytest.raises(voc.VocError, match="levels deep"):
        voc.write(deep, tmp_path / "deep.xml")
    assert not list(tmp_path.iterdir())


# ---------------------------------------------------------------------------------------------- JSON


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[" * 25 + "]" * 25, "nested too deeply"),
        ('{"images": [], "categories": [], "x": NaN}', "NaN is not a JSON number"),
        ('{"images": [], "categories": [], "x": Infinity}', "Infinity is not a JSON number"),
        ('{"images": [], "categories": [], "x": -Infinity}', "Infinity is not a JSON number"),
        ('{"images": [], "categories": [], "x": 1e999}', "overflows to infinity"),
        ('{"images": [], "categories": [], "x": ' + "9" * 100_000 + "}", "100,000 digits"),
        ('{"x": 1.' + "5" * 5000 + "}", "characters"),
        ("\ufeff[1, 2", "not valid JSON"),
    ],
)
def test_hostile_json_is_a_format_error_in_bounded_time(tmp_path, text, message):
    path = tmp_path / "c.json"
    path.write_text(text, encoding="utf-8")
    for reader in (coco.read_records, createml.read_records):
        started = time.perf_counter()
        with pytest.raises(FormatError, match=message):
            reader(path)
        assert time.perf_counter() - started < 5


def test_json_that_is_not_utf8_or_not_a_file(tmp_path):
    (tmp_path / "latin.json").write_bytes(b'["caf\xe9"]')
    with pytest.raises(FormatError, match="not UTF-8"):
        createml.read_records(tmp_path / "latin.json")
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(FormatError, match="not a regular file"):
        coco.read_records(tmp_path / "folder.json")


def test_a_fifo_is_never_opened(tmp_path):
    fifo = tmp_path / "c.json"
    os.mkfifo(fifo)
    done: list[BaseException] = []

    def read() -> None:
        try:
            coco.read_records(fifo)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            done.append(exc)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("reading a FIFO blocked")
    assert isinstance(done[0], FormatError) and "not a regular file" in str(done[0])
    fifo.unlink()
    os.mkfifo(tmp_path / "classes.txt")
    with pytest.raises(FormatError, match="not a regular file"):
        read_class_file(tmp_path / "classes.txt")


# ---------------------------------------------------------------------------------------------- YAML

BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
names: [*f]
"""


def test_yaml_aliases_are_refused_before_anything_expands(tmp_path):
    (tmp_path / "data.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    assert len(BILLION_LAUGHS) < 400
    started = time.perf_counter()
    with pytest.raises(FormatError, match=r"aliases \(\*name\) are not accepted"):
        yolo.find_class_names(tmp_path)
    assert time.perf_counter() - started < 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("names: " + "[" * 50 + "]" * 50, "nested over 20 levels"),
        ("names: [[a, b], c]", r"names\[0\] is \['a', 'b'\], not a class name"),
        ("names: [a, {x: 1}]", r"names\[1\] is \{'x': 1\}"),
        ("names: [a, a]", "classes 0 and 1 are both named 'a'"),
        ("names: [a, b]\nnc: 3", "nc is 3 but 'names' lists 2 classes"),
        ("names: {0: a, 2: b}", "indices must be 0..1"),
        ("names: [a, '']", "class 1 has an empty name"),
        ("names: [a, b", "not readable YAML"),
        ("just text", "no 'names' list"),
    ],
)
def test_bad_data_yaml_is_a_format_error(tmp_path, text, message):
    (tmp_path / "data.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=message):
        yolo.find_class_names(tmp_path)


def test_classes_txt_and_data_yaml_must_agree(tmp_path):
    (tmp_path / "classes.txt").write_text("a\nb\n", encoding="utf-8")
    (tmp_path / "data.yaml").write_text("names: [b, a]\n", encoding="utf-8")
    with pytest.raises(FormatError, match="list different classes"):
        yolo.find_class_names(tmp_path)
    (tmp_path / "data.yaml").write_text("names: {0: a, 1: b}\nnc: 2\n", encoding="utf-8")
    assert yolo.find_class_names(tmp_path) == ["a", "b"]


def test_oversized_yaml_is_refused_from_its_size(tmp_path):
    (tmp_path / "data.yaml").write_bytes(b"names: [a]\n" + b"#" * bounded.MAX_YAML_BYTES)
    with pytest.raises(FormatError, match="byte limit"):
        yolo.find_class_names(tmp_path)


# ---------------------------------------------------------------------------------------------- atomic writes


def test_a_name_as_long_as_the_file_system_allows_still_saves(tmp_path):
    for name in ("a" * 251 + ".xml", "꽃" * 83 + ".xml"):  # 255 bytes, and 253 bytes of 3-byte characters
        assert len(os.fsencode(name)) <= NAME_MAX_BYTES
        atomic_write_bytes(tmp_path / name, b"<annotation/>")
        assert (tmp_path / name).read_bytes() == b"<annotation/>"
        prefix = temp_prefix(name)
        assert len(os.fsencode(prefix)) + 8 + 4 <= NAME_MAX_BYTES
        assert prefix.encode().decode() == prefix  # cut on a character boundary
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["a" * 251 + ".xml", "꽃" * 83 + ".xml"])


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_follow_the_umask_and_old_files_keep_their_mode(tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        atomic_write_bytes(tmp_path / "new.xml", b"x")
        voc.write(ImageAnnotation(filename="a.jpg"), tmp_path / "voc.xml")
        with open(tmp_path / "plain.xml", "w") as f:  # what open() does, for comparison
            f.write("x")
    finally:
        os.umask(old)
    for name in ("new.xml", "voc.xml", "plain.xml"):
        assert (tmp_path / name).stat().st_mode & 0o777 == expected, name
    os.chmod(tmp_path / "new.xml", 0o640)
    atomic_write_bytes(tmp_path / "new.xml", b"y")
    assert (tmp_path / "new.xml").stat().st_mode & 0o777 == 0o640


def test_temp_files_left_by_a_kill_are_never_listed(tmp_path):
    from PIL import Image

    Image.new("RGB", (20, 20)).save(tmp_path / "a.jpg")
    voc.write(ImageAnnotation(filename="a.jpg", width=20, height=20), tmp_path / "a.xml")
    # what a kill between mkstemp and os.replace leaves (for an XML, a label and a copied image)
    for leftover in (
        ".a.xml.k3j4h5g6.tmp",
        ".a.txt.abcdefgh.tmp",
        ".b.jpg.12345678.tmp",
        ".classes.txt.x1y2z3w4.tmp",
    ):
        (tmp_path / leftover).write_bytes(b"partial")
        assert is_temp_name(leftover)
    (tmp_path / "classes.txt").write_text("flower\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("0 0.5 0.5 0.2 0.2\n", encoding="utf-8")
    dataset = scan(tmp_path)
    assert [Path(e.image_path).name for e in dataset.entries] == ["a.jpg"]
    records, problems = yolo.read_records(tmp_path)
    assert problems == [] and [r.image_name for r in records] == ["a"]


def test_json_written_by_the_exporters_reads_back(tmp_path):
    """Round trip through the bounded reader: what we write is what we accept."""
    spec = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
            "categories": [{"id": 1, "name": "x"}], "annotations": []}  # fmt: skip
    (tmp_path / "c.json").write_text(json.dumps(spec), encoding="utf-8")
    (record,), problems = coco.read_records(tmp_path / "c.json")
    assert problems == [] and record.image_name == "a.jpg"


def test_a_fifo_or_folder_named_xml_never_hangs_a_scan_or_a_read(tmp_path):
    from PIL import Image

    root = tmp_path / "VOC"
    (root / "JPEGImages").mkdir(parents=True)
    (root / "Annotations").mkdir()
    for name in ("a", "b", "c"):
        Image.new("RGB", (20, 20)).save(root / "JPEGImages" / f"{name}.jpg")
    voc.write(ImageAnnotation(filename="a.jpg", width=20, height=20, objects=[BoxObject("x", 1, 1, 9, 9)]),
              root / "Annotations" / "a.xml")  # fmt: skip
    os.mkfifo(root / "Annotations" / "b.xml")
    (root / "Annotations" / "c.xml").mkdir()
    result: list = []
    worker = threading.Thread(target=lambda: result.append(scan(root)), daemon=True)
    worker.start()
    worker.join(10)
    if worker.is_alive():
        with open(root / "Annotations" / "b.xml", "wb"):
            pass
        pytest.fail("scan blocked on a FIFO named b.xml")
    statuses = {Path(e.image_path).name: e.status.name for e in result[0].entries}
    assert statuses == {"a.jpg": "LABELLED", "b.jpg": "UNLABELLED", "c.jpg": "UNLABELLED"}
    for name in ("b.xml", "c.xml"):
        with pytest.raises(voc.VocError, match="not a regular file"):
            voc.read(root / "Annotations" / name)


def test_export_skip_broken_lists_a_deeply_nested_xml_and_goes_on(tmp_path):
    from formats_helpers import make_dataset, run_cli

    data = tmp_path / "data"
    make_dataset(data, count=4)
    (data / "flower_00000.xml").write_bytes(b"<annotation>" + _nested(1000) + b"</annotation>")
    out = tmp_path / "out"
    done = run_cli("export", str(data), "--format", "coco", "--out", str(out))
    assert done.returncode == 2 and "flower_00000.xml" in done.stderr and "levels deep" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()
    done = run_cli("export", str(data), "--format", "coco", "--out", str(out), "--skip-broken")
    assert done.returncode == 0, done.stderr
    assert "exported 3 images" in done.stdout and "left out 1 broken file(s)" in done.stdout


def test_write_errors_name_the_file_asked_for_never_the_temp_file(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        atomic_write_bytes(tmp_path / "missing" / "a.xml", b"x")
    assert caught.value.filename == str(tmp_path / "missing" / "a.xml")
    locked = tmp_path / "locked"
    locked.mkdir()
    os.chmod(locked, 0o500)
    try:
        if os.access(locked, os.W_OK):  # root ignores folder permissions
            pytest.skip("running as root: a read-only folder is still writable")
        with pytest.raises(PermissionError) as caught:
            atomic_write_bytes(locked / "a.xml", b"x")
        assert caught.value.filename == str(locked / "a.xml")
    finally:
        os.chmod(locked, 0o700)


def test_a_fifo_as_split_file_is_a_dataset_error_not_a_hang(tmp_path):
    from annotator.core.dataset import DatasetError, train_val_split

    main = tmp_path / "ImageSets" / "Main"
    main.mkdir(parents=True)
    os.mkfifo(main / "train.txt")
    with pytest.raises(DatasetError, match="not a regular file"):
        train_val_split(tmp_path, ["a", "b", "c"], 0.3, 0)
