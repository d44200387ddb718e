"""`flower-annotator export` never changes the data folder, and the images it writes are real, whole files.

Every case runs the real command line (`annotator.cli.main`, and a `flower-annotator` subprocess for the
layout a COCO export itself produces) on real files, and compares a snapshot of every file's bytes and
mtime under DATA before and after.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from formats_helpers import make_dataset, run_cli
from PIL import Image

from annotator.cli import main
from annotator.core.formats import common
from annotator.core.formats.common import FormatError, place_image

FORMATS = ["voc", "yolo", "coco", "createml"]


def snapshot(folder: Path) -> dict[str, tuple[bytes, int, int]]:
    """Every file below ``folder`` (links not followed): bytes, mtime in ns, and mode."""
    out = {}
    for path in sorted(folder.rglob("*")):
        info = path.lstat()
        if path.is_symlink():
            out[str(path.relative_to(folder))] = (os.readlink(path).encode(), info.st_mtime_ns, info.st_mode)
        elif path.is_file():
            out[str(path.relative_to(folder))] = (path.read_bytes(), info.st_mtime_ns, info.st_mode)
        else:
            out[str(path.relative_to(folder)) + "/"] = (b"", 0, info.st_mode)
    return out


def _layouts(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    """(DATA, OUT) pairs that overlap, the way a user can type them."""
    nested = tmp_path / "nested"
    (nested / "train").mkdir(parents=True)
    make_dataset(nested / "train", count=5)
    plain = tmp_path / "plain"
    make_dataset(plain, count=5)
    (tmp_path / "link_to_plain").symlink_to(plain)
    (tmp_path / "link_to_nested").symlink_to(nested)
    return {
        "data is OUT/train (a COCO export's own layout)": (nested / "train", nested),
        "out inside data": (plain, plain / "export"),
        "same folder": (plain, plain),
        "out is a symlink to data": (plain, tmp_path / "link_to_plain"),
        "out is a symlink to a folder above data": (nested / "train", tmp_path / "link_to_nested"),
        "data given through a symlink, out inside it": (tmp_path / "link_to_plain", plain / "sub" / "o"),
        "out written with ..": (plain, plain / "x" / ".." / "y"),
    }


@pytest.mark.parametrize("fmt", FORMATS)
def test_overlapping_out_is_refused_and_data_is_untouched(tmp_path, capsys, fmt):
    for case, (data, out) in _layouts(tmp_path).items():
        real_data = Path(os.path.realpath(data))
        before = snapshot(real_data)
        for extra in ([], ["--recursive"], ["--val-fraction", "0.5"]):
            rc = main(["export", str(data), "--format", fmt, "--out", str(out), *extra])
            err = capsys.readouterr().err
            assert rc == 2, (case, extra)
            assert err.startswith("error: --out") and "data folder" in err, (case, err)
            assert "Traceback" not in err
            assert snapshot(real_data) == before, (case, extra)


def test_coco_layout_data_inside_out_as_a_subprocess(tmp_path):
    """The reported case: DATA = OUT/train used to lose its validation images."""
    data = tmp_path / "out" / "train"
    make_dataset(data, count=6)
    before = snapshot(data)
    done = run_cli(
        "export", str(data), "--format", "coco", "--out", str(tmp_path / "out"), "--val-fraction", "0.5"
    )
    assert done.returncode == 2, done.stderr
    assert "contains the data folder" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(data) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_real_export_leaves_data_unchanged_and_writes_real_files(tmp_path, capsys, fmt):
    data = tmp_path / "data"
    make_dataset(data, count=6)
    # one image is a symlink to a file elsewhere (relative link: as a copied link it would dangle)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.move(data / "flower_00003.jpg", elsewhere / "flower_00003.jpg")
    (data / "flower_00003.jpg").symlink_to(Path("..") / "elsewhere" / "flower_00003.jpg")
    before, before_elsewhere = snapshot(data), snapshot(elsewhere)
    out = tmp_path / "out"
    for _ in range(2):  # a second run over the first one's output replaces files, never writes through links
        assert main(["export", str(data), "--format", fmt, "--out", str(out), "--val-fraction", "0.5"]) == 0
        assert snapshot(data) == before and snapshot(elsewhere) == before_elsewhere
    copies = [p for p in out.rglob("flower_00003.jpg")]
    assert len(copies) == 1 and not copies[0].is_symlink()
    assert copies[0].read_bytes() == (elsewhere / "flower_00003.jpg").read_bytes()
    assert not [p for p in out.rglob("*") if p.is_symlink()]
    capsys.readouterr()


def test_copy_across_file_systems_is_atomic_and_a_full_disk_names_the_file(tmp_path):
    """A tmpfs of 1 MB: hard links cannot cross into it, so images are copied; the third one fills it."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        big = tmp_path / "big.png"
        rng = __import__("numpy").random.default_rng(0)
        Image.fromarray(rng.integers(0, 256, (300, 400, 3), dtype="uint8")).save(
            big
        )  # ~360 KB, incompressible
        small = tmp_path / "small.jpg"
        Image.new("RGB", (40, 30), (200, 10, 10)).save(small)
        place_image(small, mount / "a" / "small.jpg")
        assert (mount / "a" / "small.jpg").read_bytes() == small.read_bytes()
        assert os.stat(mount / "a" / "small.jpg").st_nlink == 1  # a copy, not a link
        place_image(big, mount / "b1.png")
        place_image(big, mount / "b2.png")
        with pytest.raises(FormatError) as caught:
            place_image(big, mount / "b3.png")
        assert str(mount / "b3.png") in str(caught.value) and "No space left" in str(caught.value)
        assert str(big) not in str(caught.value)
        names = sorted(p.name for p in mount.rglob("*"))
        assert names == ["a", "b1.png", "b2.png", "small.jpg"]  # no b3.png, no temp file left behind
        assert (mount / "b2.png").read_bytes() == big.read_bytes()
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_full_disk_during_an_export_keeps_going_nowhere_and_leaves_no_partial_image(tmp_path, capsys):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        data = tmp_path / "data"
        make_dataset(data, count=3)
        rng = __import__("numpy").random.default_rng(1)
        for stem in ("flower_00000", "flower_00002"):
            image = next(data.glob(f"{stem}.*"))
            Image.fromarray(rng.integers(0, 256, (400, 500, 3), dtype="uint8")).save(image, format="PNG")
        before = snapshot(data)
        rc = main(
            ["export", str(data), "--format", "yolo", "--out", str(mount / "yolo"), "--val-fraction", "0"]
        )
        err = capsys.readouterr().err
        assert rc == 2 and "No space left" in err and str(mount / "yolo" / "images") in err
        assert snapshot(data) == before
        for image in (mount / "yolo" / "images").rglob("*"):
            if image.is_file():
                assert image.stat().st_size > 0 and not image.name.endswith(".tmp")
                assert image.read_bytes() == (data / image.name).read_bytes()
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_missing_or_dangling_source_image_is_a_clear_error(tmp_path):
    (tmp_path / "gone.jpg").symlink_to(tmp_path / "nowhere.jpg")
    with pytest.raises(FormatError, match="image not found"):
        place_image(tmp_path / "gone.jpg", tmp_path / "out" / "gone.jpg")
    assert not (tmp_path / "out" / "gone.jpg").exists()


def test_an_old_export_file_that_links_to_a_data_image_is_replaced_not_written_through(tmp_path, monkeypatch):
    data = tmp_path / "a.jpg"
    Image.new("RGB", (20, 20), (1, 2, 3)).save(data)
    other = tmp_path / "b.jpg"
    Image.new("RGB", (20, 20), (9, 9, 9)).save(other)
    out = tmp_path / "out" / "a.jpg"
    out.parent.mkdir()
    os.link(data, out)  # an earlier export linked a.jpg; now b.jpg is exported under the same name
    original = data.read_bytes()

    def no_links(*_args):
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(common.os, "link", no_links)  # force the copy path
    place_image(other, out)
    assert data.read_bytes() == original
    assert out.read_bytes() == other.read_bytes() and os.stat(out).st_ino != os.stat(data).st_ino


@pytest.mark.parametrize("what", ["file", "folder"])
def test_a_link_into_data_inside_an_old_export_is_refused(tmp_path, capsys, what):
    data = tmp_path / "data"
    make_dataset(data, count=3)
    out = tmp_path / "out"
    assert main(["export", str(data), "--format", "yolo", "--out", str(out)]) == 0
    link = out / "labels" / "train" / ("flower_00000.txt" if what == "file" else "sub")
    if link.exists():
        link.unlink()
    link.symlink_to(data / "flower_00000.xml" if what == "file" else data)
    before = snapshot(data)
    capsys.readouterr()
    assert main(["export", str(data), "--format", "yolo", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"holds {link}, a link into the data folder" in err
    assert snapshot(data) == before


@pytest.mark.parametrize("fmt", FORMATS)
def test_re_export_removes_what_an_earlier_export_wrote_for_images_gone_from_data(tmp_path, capsys, fmt):
    data = tmp_path / "data"
    make_dataset(data, count=5)
    out = tmp_path / "out"
    assert main(["export", str(data), "--format", fmt, "--out", str(out), "--val-fraction", "0.4"]) == 0
    mine = out / "notes.txt"
    mine.write_text("the user's own file", encoding="utf-8")
    first = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert any("flower_00004" in p for p in first)
    for path in data.glob("flower_00004.*"):
        path.unlink()  # the user deletes an image (and its XML) from DATA
    capsys.readouterr()
    assert main(["export", str(data), "--format", fmt, "--out", str(out), "--val-fraction", "0.4"]) == 0
    printed = capsys.readouterr().out
    second = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    deleted = {p for p in first if "flower_00004" in p}
    assert not any("flower_00004" in p for p in second)  # no stale label a YOLO trainer would still read
    for stem in ("flower_00000", "꽃_사진", "flower_00002", "flower_00003"):  # the others are all still there
        assert len([p for p in first if stem in p]) == len([p for p in second if stem in p]) > 0, stem
    assert f"removed {len(deleted)} file(s)" in printed  # split moves are removed as before, not counted
    assert mine.read_text(encoding="utf-8") == "the user's own file"
    assert main(["export", str(data), "--format", fmt, "--out", str(out), "--val-fraction", "0.4"]) == 0
    third = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert third == second  # a re-export of unchanged data removes nothing
