"""Folder scan time for 20,000 images, next to a plain ``os.listdir`` + ``sorted`` baseline from the same run.

Creates 20,000 empty ``.jpg`` files in a temp folder (scan never decodes, so empty files are fair), with a
VOC XML beside a share of them (some verified, some without boxes), then times:

- baseline: ``sorted(os.listdir(folder))`` filtered to images (no pairing, no status, no natural order);
- baseline + status: the baseline plus ``os.path.exists`` and a full read of each XML;
- ``dataset.scan``: natural order, annotation pairing, per-image status.

Usage: ``python benchmarks/bench_scan.py [--count 20000] [--labelled 0.25] [--repeat 5]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core import dataset  # noqa: E402

XML = """<?xml version="1.0" encoding="utf-8"?>
<annotation{verified}>
\t<folder>bench</folder>
\t<filename>{name}</filename>
\t<size><width>640</width><height>480</height><depth>3</depth></size>
\t<segmented>0</segmented>
{objects}</annotation>
"""
OBJECT = (
    "\t<object><name>daisy</name><pose>Unspecified</pose><truncated>0</truncated><difficult>0</difficult>"
    "<bndbox><xmin>10</xmin><ymin>10</ymin><xmax>100</xmax><ymax>100</ymax></bndbox></object>\n"
)


def make_folder(folder: Path, count: int, labelled: float) -> int:
    n_xml = int(count * labelled)
    for i in range(count):
        name = f"img{i}.jpg"
        (folder / name).touch()
        if i < n_xml:
            verified = ' verified="yes"' if i % 5 == 0 else ""
            objects = "" if i % 7 == 0 else OBJECT * 3
            (folder / f"img{i}.xml").write_text(XML.format(verified=verified, name=name, objects=objects))
    return n_xml


def baseline(folder: str) -> list[str]:
    return [n for n in sorted(os.listdir(folder)) if n.lower().endswith((".jpg", ".jpeg", ".png"))]


def baseline_with_status(folder: str) -> list[tuple[str, bool]]:
    out = []
    for n in baseline(folder):
        xml = os.path.join(folder, os.path.splitext(n)[0] + ".xml")
        labelled = False
        if os.path.exists(xml):
            with open(xml, "rb") as f:
                labelled = b"<object" in f.read()
        out.append((n, labelled))
    return out


def timed_round_robin(rows, repeat: int) -> list[tuple[str, float, float]]:
    """Best and median ms per row; rows take turns so a busy machine slows them all alike."""
    for _, fn in rows:
        fn()  # warm-up: caches, lazy imports, thread pools
    times: list[list[float]] = [[] for _ in rows]
    for _ in range(repeat):
        for i, (_, fn) in enumerate(rows):
            t0 = time.perf_counter()
            fn()
            times[i].append(time.perf_counter() - t0)
    return [
        (label, min(t) * 1000, statistics.median(t) * 1000) for (label, _), t in zip(rows, times, strict=True)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument(
        "--labelled", type=float, default=0.25, help="share of images with an XML beside them"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        n_xml = make_folder(folder, args.count, args.labelled)
        ds = dataset.scan(folder)
        assert len(ds) == args.count, len(ds)
        print(
            f"{args.count:,} images, {n_xml:,} XML beside them; counts: "
            + ", ".join(f"{s.value} {n:,}" for s, n in ds.counts.items())
        )
        print(f"first five in natural order: {[e.image_path.name for e in ds.entries[:5]]}")
        rows = [
            ("os.listdir + sorted (baseline)", lambda: baseline(tmp)),
            ("baseline + exists + read each XML", lambda: baseline_with_status(tmp)),
            ("dataset.scan", lambda: dataset.scan(tmp)),
        ]
        print(f"{'':40s} {'best ms':>9s} {'median ms':>10s}")
        for label, best, median in timed_round_robin(rows, args.repeat):
            print(f"{label:40s} {best:9.1f} {median:10.1f}")


if __name__ == "__main__":
    main()
