"""Bad option values for export / import / sample-data / render: one line naming the option and the value, exit
2, never a traceback, nothing written. Run as real `flower-annotator` subprocesses."""

from __future__ import annotations

import pytest
from formats_helpers import make_dataset, run_cli
from PIL import Image


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    make_dataset(root / "data", count=3)
    Image.new("RGB", (4000, 3000)).save(root / "photo.jpg", quality=50)
    return root


CASES = [
    (["export", "{r}/data", "--format", "yolo", "--out", "{r}/o", "--val-fraction", "1.5"],
     "error: argument --val-fraction: must be in [0, 1), got '1.5'"),
    (["export", "{r}/data", "--format", "yolo", "--out", "{r}/o", "--val-fraction", "nan"],
     "error: argument --val-fraction: expected a finite number, got 'nan'"),
    (["export", "{r}/data", "--format", "yolo", "--out", "{r}/o", "--seed", "-1"],
     "error: argument --seed: must be a whole number >= 0, got '-1'"),
    (["export", "{r}/data", "--format", "tiff", "--out", "{r}/o"], "error: argument --format: invalid choice: 'tiff'"),
    (["import", "{r}/x.json", "--format", "coco", "--images", "{r}/data"], "error: the following arguments are required: --out"),
    (["sample-data", "{r}/o", "--size", "99999x32"], "error: argument --size: each side must be 32 to 8192 pixels"),
    (["sample-data", "{r}/o", "--count", "1e9"], "error: argument --count: expected a whole number, got '1e9'"),
    (["render", "{r}/photo.jpg", "--out", "{r}/o.png", "--scale", "16"],
     "error: --scale 16 would make a 64000x48000 PNG (3072 MP, over the 64 MP limit)"),
    (["render", "{r}/photo.jpg", "--out", "{r}/o.png", "--scale", "0"], "error: argument --scale: must be in [0.01, 16], got '0'"),
    (["render", "{r}/photo.jpg", "--out", "{r}/o.png", "--score-threshold", "2"],
     "error: argument --score-threshold: must be in [0, 1], got '2'"),
    (["render", "{r}/photo.jpg", "--out", "{r}/o.png", "--timeout", "inf"],
     "error: argument --timeout: expected a finite number, got 'inf'"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "line"), CASES, ids=[" ".join(c[0][:1] + c[0][-2:]) for c in CASES])
def test_bad_option_is_one_line_and_exit_2(folders, argv, line):
    done = run_cli(*[a.replace("{r}", str(folders)) for a in argv])
    assert done.returncode == 2, done.stderr
    err = done.stderr.replace("flower-annotator render: ", "")
    assert err.startswith(line), done.stderr
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not (folders / "o").exists() and not (folders / "o.png").exists()
