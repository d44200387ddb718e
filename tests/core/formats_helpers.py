"""A small labelled folder on disk (real JPEG/PNG files + VOC XML) for the format tests."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

from PIL import Image

from annotator.core import voc
from annotator.core.annotation import BoxObject, ImageAnnotation

CLASSES = ["daisy", "dandelion", "roses", "sunflowers", "tulips"]


def make_dataset(
    folder: Path, count: int = 8, seed: int = 3, *, masks: bool = True
) -> dict[str, ImageAnnotation]:
    """``count`` labelled images (sizes vary, one PNG, one Korean name) plus one unlabelled image.

    Returns the annotations by image id as written (integer VOC coordinates, so every exact format can
    reproduce them).
    """
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[str, ImageAnnotation] = {}
    for i in range(count):
        stem = "꽃_사진" if i == 1 else f"flower_{i:05d}"
        ext = ".png" if i == 2 else ".jpg"
        w, h = rng.choice([(64, 48), (48, 64), (80, 60)])
        image = folder / f"{stem}{ext}"
        Image.new("RGB", (w, h), (rng.randrange(256), 120, 40)).save(image)
        boxes = []
        for _ in range(rng.randint(1, 3)):
            x1, y1 = rng.randint(0, w - 10), rng.randint(0, h - 10)
            x2, y2 = rng.randint(x1 + 3, w), rng.randint(y1 + 3, h)
            boxes.append(BoxObject(rng.choice(CLASSES), x1, y1, x2, y2, difficult=rng.random() < 0.3))
        ann = ImageAnnotation(filename=image.name, folder=folder.name, path=str(image), width=w, height=h,
                              objects=boxes)  # fmt: skip
        voc.write(ann, folder / f"{stem}.xml")
        written[stem] = voc.read(folder / f"{stem}.xml")
        if masks and i % 3 == 0:
            (folder / "SegmentationClass").mkdir(exist_ok=True)
            Image.new("P", (w, h), 0).save(folder / "SegmentationClass" / f"{stem}.png")
    Image.new("RGB", (32, 32)).save(folder / "unlabelled.jpg")
    return written


def find_xml(folder: Path, stem: str) -> Path:
    """The one ``stem.xml`` below ``folder`` (imports mirror the image sub-folders)."""
    found = list(folder.rglob(f"{stem}.xml"))
    assert len(found) == 1, found
    return found[0]


def voc_boxes(ann: ImageAnnotation) -> list[tuple]:
    """The integer 1-based VOC boxes and labels a file would hold, for exact comparisons."""
    return [(o.name, *voc.voc_box(o, ann.width, ann.height)) for o in ann.objects]


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run the installed ``flower-annotator`` script (``python -m annotator`` where it is not installed) as a
    subprocess; this checkout's code is used because the test run's PYTHONPATH/sys.path is passed on."""
    script = Path(sys.executable).with_name("flower-annotator")
    command = [str(script)] if script.is_file() else [sys.executable, "-m", "annotator"]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=timeout, env=env)
