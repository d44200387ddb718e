"""Atomic writes: old or new content, never torn; permissions kept; temp files cleaned up on errors."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.core import atomic, voc
from annotator.core.annotation import BoxObject, ImageAnnotation

WRITER = """
import sys
from pathlib import Path
from annotator.core.atomic import atomic_write_bytes
path = Path(sys.argv[1])
contents = [Path(sys.argv[2]).read_bytes(), Path(sys.argv[3]).read_bytes()]
print("ready", flush=True)
i = 0
while True:
    atomic_write_bytes(path, contents[i % 2])
    i += 1
"""


def _big_voc(label: str, count: int) -> bytes:
    boxes = [BoxObject(f"{label}{i}", i % 500, i % 300, i % 500 + 20, i % 300 + 30) for i in range(count)]
    return voc.dumps(ImageAnnotation(filename="a.jpg", width=640, height=480, objects=boxes))


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL is POSIX")
@pytest.mark.timeout(120)
def test_writer_killed_at_random_moments_never_leaves_a_torn_file(tmp_path):
    old, new = _big_voc("old", 4000), _big_voc("new", 5000)  # ~0.6-0.8 MB, so kills land mid-write
    (tmp_path / "old.bin").write_bytes(old)
    (tmp_path / "new.bin").write_bytes(new)
    target = tmp_path / "data" / "a.xml"
    target.parent.mkdir()
    target.write_bytes(old)
    rng = random.Random(1234)
    for _ in range(25):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target), str(tmp_path / "old.bin"), str(tmp_path / "new.bin")],
            stdout=subprocess.PIPE,
        )
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0.0, 0.08))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        data = target.read_bytes()
        assert data in (old, new), f"torn file of {len(data)} bytes"
        assert len(voc.loads(data, str(target)).objects) in (4000, 5000)
    # Only hidden temp files may be left by a kill; never a second visible file.
    visible = [p.name for p in target.parent.iterdir() if not p.name.startswith(".")]
    assert visible == ["a.xml"]
    assert all(
        p.name.startswith(".a.xml.") and p.name.endswith(".tmp")
        for p in target.parent.iterdir()
        if p != target
    )


def test_keeps_permissions_and_new_files_follow_umask(tmp_path):
    path = tmp_path / "f.txt"
    atomic.atomic_write_bytes(path, b"one")
    mask = os.umask(0o022)
    os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask
    os.chmod(path, 0o604)
    atomic.atomic_write_bytes(path, b"two")
    assert path.read_bytes() == b"two"
    assert stat.S_IMODE(path.stat().st_mode) == 0o604


def test_error_before_replace_cleans_temp_and_keeps_old(tmp_path, monkeypatch):
    path = tmp_path / "f.txt"
    path.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space"):
        atomic.atomic_write_bytes(path, b"new content")
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_symlink_target_is_updated_not_the_link(tmp_path):
    real = tmp_path / "real.xml"
    real.write_bytes(b"old")
    link = tmp_path / "link.xml"
    link.symlink_to(real)
    atomic.atomic_write_bytes(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_missing_folder_raises_os_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic.atomic_write_bytes(tmp_path / "no" / "such" / "f.txt", b"x")
    assert not Path(tmp_path / "no").exists()


def test_read_only_file_is_not_replaced(tmp_path):
    path = tmp_path / "locked.xml"
    path.write_bytes(b"keep me")
    os.chmod(path, 0o444)
    with pytest.raises(PermissionError, match="read-only"):
        atomic.atomic_write_bytes(path, b"new")
    assert path.read_bytes() == b"keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["locked.xml"]
