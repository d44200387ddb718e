"""What the on-disk change check costs a save: a save without it next to a save with it, in the same run.

Usage: ``python benchmarks/bench_save_conflict.py [--saves 400] [--dir DIR]``

Files: the 200 real LabelImg XML of ``/work/shared/datasets/raccoon/annotations`` (copied to a temp folder
first; the dataset is never written), else generated VOC files with 4 boxes.
- without: ``voc.write`` (atomic: temp file + fsync + rename), what a save did before the check;
- with: `DiskState.changes` (stat + read + SHA-256 of the VOC, YOLO and Create ML paths) + ``voc.write`` +
  `DiskState.capture` of the new files, what the window's save does now;
- the check alone (changes + capture) and, for comparison, a stat-only check (no hashing).
Medians over ``--saves`` saves, round-robin over the files, interleaved so disk noise hits both alike.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.core import voc  # noqa: E402
from annotator.core.annotation import BoxObject, ImageAnnotation  # noqa: E402
from annotator.core.disk_state import DiskState, stat_signature  # noqa: E402

RACCOON = Path("/work/shared/datasets/raccoon/annotations")


def prepare(folder: Path) -> tuple[list[Path], str]:
    if RACCOON.is_dir() and any(RACCOON.glob("*.xml")):
        files = []
        for src in sorted(RACCOON.glob("*.xml")):
            dst = folder / src.name
            shutil.copyfile(src, dst)
            files.append(dst)
        return files, f"{len(files)} raccoon LabelImg files (copies)"
    files = []
    for i in range(200):
        boxes = [BoxObject("rose", 10 + j * 40, 10, 40 + j * 40, 60) for j in range(4)]
        path = folder / f"img_{i:03d}.xml"
        voc.write(ImageAnnotation(filename=f"img_{i:03d}.jpg", width=640, height=480, objects=boxes), path)
        files.append(path)
    return files, "200 generated files (4 boxes each)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=400)
    parser.add_argument("--dir", default=None, help="work folder (default: a temp folder)")
    args = parser.parse_args()
    work = Path(args.dir or tempfile.mkdtemp(prefix="bench_save_conflict_"))
    work.mkdir(parents=True, exist_ok=True)
    files, what = prepare(work)
    annotations = [voc.read(p) for p in files]
    states = [DiskState.capture(p) for p in files]
    without, with_check, check_only, stat_only = [], [], [], []
    for i in range(args.saves):
        k = i % len(files)
        path, ann = files[k], annotations[k]
        t0 = time.perf_counter()
        voc.write(ann, path)
        t1 = time.perf_counter()
        without.append(t1 - t0)
        states[k] = DiskState.capture(path)

        t0 = time.perf_counter()
        changes = states[k].changes()
        t1 = time.perf_counter()
        assert not changes
        voc.write(ann, path)
        t2 = time.perf_counter()
        states[k] = DiskState.capture(path)
        t3 = time.perf_counter()
        with_check.append(t3 - t0)
        check_only.append((t1 - t0) + (t3 - t2))

        known = stat_signature(path)
        t0 = time.perf_counter()
        same = stat_signature(path) == known
        stat_only.append(time.perf_counter() - t0)
        assert same

    def ms(values: list[float]) -> str:
        return f"{statistics.median(values) * 1000:.3f} ms"

    print(f"files: {what}; {args.saves} saves of each kind, medians")
    print(f"save without the check (voc.write, atomic + fsync): {ms(without)}")
    print(f"save with the check (changes + write + capture):    {ms(with_check)}")
    print(f"the check alone (stat + read + sha256, 3 paths, x2): {ms(check_only)}")
    print(f"stat-only signature (what the folder watcher uses):  {ms(stat_only)}")
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
