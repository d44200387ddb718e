"""`predict` goes on past a bad image or an unwritable target, lists each problem and exits 1."""

from __future__ import annotations

import shutil

import cv2
import numpy as np

from annotator import cli
from annotator.core import voc


def test_predict_goes_on_past_bad_images_and_unwritable_targets(scratch_run, tiny_voc, tmp_path, capsys):
    _, _, model = scratch_run
    images = tmp_path / "images"
    images.mkdir()
    good = sorted(tiny_voc.glob("*.png"))[:2]
    for p in good:
        shutil.copy2(p, images / p.name)
    cv2.imwrite(str(images / "a_tiny.png"), np.zeros((1, 1, 3), np.uint8))  # a 1x1 image
    (images / "b_broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    out = tmp_path / "out"
    out.mkdir()
    (out / (good[1].stem + ".xml")).mkdir()  # its XML cannot be written: a folder holds the name
    code = cli.main(["predict", str(model), str(images), "--out", str(out), "--overwrite"])
    err = capsys.readouterr().err
    assert code == 1
    assert voc.read(out / (good[0].stem + ".xml")).objects  # the good image was predicted and written
    assert (
        "a_tiny.xml" in err
        and "no room for a box" in err
        and "b_broken.png: not an image" in err
        and f"cannot write {out / (good[1].stem + '.xml')}" in err
    )
    assert "Traceback" not in err
