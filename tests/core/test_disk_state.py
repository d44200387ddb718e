"""The on-disk change check behind every save: fingerprints, what changed between two versions, backups."""

from __future__ import annotations

import os
from pathlib import Path

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.disk_state import (
    DiskState,
    annotation_files,
    backup_other_version,
    box_difference,
    fingerprint,
    stat_signature,
    stat_signatures,
)


def _ann(*boxes: BoxObject, verified: bool = False) -> ImageAnnotation:
    return ImageAnnotation(filename="a.jpg", width=200, height=150, objects=list(boxes), verified=verified)


def test_unchanged_file_is_no_conflict_and_touch_is_not_a_change(tmp_path: Path):
    xml = tmp_path / "a.xml"
    voc.write(_ann(BoxObject("rose", 1, 2, 30, 40)), xml)
    state = DiskState.capture(xml)
    assert state.changes() == []
    os.utime(xml, ns=(1, 1))  # times change, bytes do not
    assert state.changes() == []
    voc.write(_ann(BoxObject("rose", 1, 2, 30, 40)), xml)  # same bytes through an atomic replace
    assert state.changes() == []


def test_same_size_rewrite_with_the_same_mtime_is_caught(tmp_path: Path):
    xml = tmp_path / "a.xml"
    voc.write(_ann(BoxObject("rose", 1, 2, 30, 40)), xml)
    before = os.stat(xml)
    state = DiskState.capture(xml)
    data = xml.read_bytes().replace(b"rose", b"iris")  # same length
    xml.write_bytes(data)
    os.utime(xml, ns=(before.st_atime_ns, before.st_mtime_ns))  # a timestamp tick too coarse to see
    assert os.stat(xml).st_size == before.st_size
    changes = state.changes()
    assert [(then.path, now.exists) for then, now in changes] == [(str(xml), True)]


def test_created_and_removed_sidecars_are_changes(tmp_path: Path):
    xml = tmp_path / "a.xml"
    state = DiskState.capture(xml)  # nothing on disk yet
    assert state.changes() == []
    xml_path, txt, js = annotation_files(xml)
    Path(txt).write_text("0 0.5 0.5 0.1 0.1\n")
    assert [then.path for then, _ in state.changes()] == [txt]
    state = DiskState.capture(xml)
    os.remove(txt)
    [(then, now)] = state.changes()
    assert then.exists and not now.exists and then.path == txt
    assert fingerprint(tmp_path / "missing.xml").exists is False


def test_stat_signature_sees_a_replace(tmp_path: Path):
    xml = tmp_path / "a.xml"
    voc.write(_ann(), xml)
    sig = stat_signature(xml)
    assert sig[1] is None and sig[2] is None
    voc.write(_ann(BoxObject("rose", 1, 2, 30, 40)), xml)
    assert stat_signature(xml) != sig


def test_annotation_files_follow_pathlib_suffix_rule():
    for name in (
        "a/x.xml",
        "a/.xml",
        "a/..xml",
        "a/x.",
        "a.b/x",
        "a/x.y.xml",
        "x.xml",
        "a/.x.xml",
        "a/x..xml",
    ):
        base = Path(name)
        assert annotation_files(name) == (
            str(base),
            str(base.with_suffix(".txt")),
            str(base.with_suffix(".json")),
        )


def test_stat_signatures_equal_stat_signature_of_each(tmp_path: Path):
    """One listing per folder gives the same signatures as a stat of every file, for every kind of folder."""
    beside = tmp_path / "beside"
    beside.mkdir()
    voc.write(_ann(), beside / "voc.xml")
    (beside / "yolo.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    (beside / "cml.json").write_text("[]")
    (beside / "dir.xml").mkdir()  # a folder named like an annotation: it exists, as os.stat says
    (beside / "dangling.xml").symlink_to(tmp_path / "nowhere.xml")
    (beside / "linked.xml").symlink_to(beside / "voc.xml")
    locked = tmp_path / "locked"  # can be entered but not listed
    locked.mkdir()
    voc.write(_ann(), locked / "in.xml")
    locked.chmod(0o100)
    paths = [str(beside / f"{n}.xml") for n in ("voc", "yolo", "cml", "dir", "dangling", "linked", "none")]
    paths += [str(tmp_path / "not_created" / "a.xml"), str(locked / "in.xml"), str(locked / "out.xml")]
    try:
        signatures = stat_signatures(paths)
    finally:
        locked.chmod(0o700)
    locked.chmod(0o100)
    try:
        expected = {p: stat_signature(p) for p in paths}
    finally:
        locked.chmod(0o700)
    assert signatures == expected
    assert signatures[str(beside / "none.xml")] == (None, None, None)
    assert signatures[str(beside / "yolo.xml")][1] is not None
    if os.geteuid() != 0:  # root lists any folder; elsewhere the fallback path is the one taken
        assert signatures[str(locked / "in.xml")][0] is not None


def test_box_difference_names_added_removed_and_moved_boxes():
    disk = _ann(BoxObject("rose", 10, 10, 50, 50), BoxObject("daisy", 60, 60, 90, 90), verified=True)
    mine = _ann(BoxObject("rose", 12, 10, 52, 50), BoxObject("tulip", 100, 10, 140, 40))
    diff = box_difference(disk, mine)
    assert (diff.disk_count, diff.mine_count) == (2, 2)
    assert [b.name for b in diff.only_disk] == ["daisy"]
    assert [b.name for b in diff.only_mine] == ["tulip"]
    assert [(a.xmin, b.xmin) for a, b in diff.moved] == [(10, 12)]
    assert diff.verified == (True, False)
    assert not diff.same
    assert box_difference(mine, mine).same


def test_backup_never_overwrites_an_earlier_backup(tmp_path: Path):
    xml = tmp_path / "a.xml"
    xml.write_bytes(b"first")
    one = backup_other_version(xml, now=0)
    xml.write_bytes(b"second")
    two = backup_other_version(xml, now=0)  # the same second: a new name
    assert one != two and one.endswith(".bak") and two.endswith(".bak")
    assert Path(one).read_bytes() == b"first" and Path(two).read_bytes() == b"second"
    assert Path(one).name.startswith("a.xml.other-")
