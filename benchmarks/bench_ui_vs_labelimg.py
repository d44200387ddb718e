"""The labelling window against LabelImg 1.8.6, side by side, from one run.

Figures (each tool in its own fresh processes, same files, same machine, Qt offscreen):
  1. start: process start -> main window shown and painted (median of 5 runs); also whether TensorFlow or
     `models` got imported.
  2. first image of a 10,000-image folder: open the folder in a running window -> first image painted; and
     process start -> window -> that folder's first image painted (what ``tool FOLDER`` feels like).
  3. D at a human pace on 12-megapixel JPEGs: a real "d" key press -> the next image painted, one press every
     0.5 s, p50 / p95 / max over 30 presses.
  4. 1,000 boxes on one image: a repaint of the canvas (median / p95 of 40; ours reuses a cached layer of the
     image and unselected boxes), the first repaint after an edit (ours redraws the boxes layer: every box
     and label, over the cached scaled image) and after a zoom step (both layers), and one drag step (a
     mouse move with the button held + repaint) of a box among the 1,000.

LabelImg runs from a separate venv (default /tmp/labelimg-venv: ``python -m venv /tmp/labelimg-venv &&
/tmp/labelimg-venv/bin/pip install labelImg==1.8.6``; override with LABELIMG_PYTHON). Without it, only this
app's figures are printed. Usage: ``python benchmarks/bench_ui_vs_labelimg.py [--quick]``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LABELIMG_PYTHON = os.environ.get("LABELIMG_PYTHON", "/tmp/labelimg-venv/bin/python")

COMMON = r"""
import json, os, sys, time, random, statistics
T0 = float(os.environ["BENCH_T0"])
MODE, TOOL, DATA = sys.argv[1], sys.argv[2], sys.argv[3]
os.environ["QT_QPA_PLATFORM"] = "offscreen"
if TOOL == "ours":
    from PySide6.QtCore import QEvent, QPointF, Qt, QSettings
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import Settings
    win = MainWindow(settings=Settings(QSettings(os.path.join(DATA, "settings.ini"), QSettings.Format.IniFormat)))
    win.resize(1280, 800)
    win.show()
    app.processEvents()
    from annotator.ui.app import preload_core_in_background
    if MODE != "cold_first_image":
        preload_core_in_background()  # as run_gui does once its first folder is open
    canvas = win.canvas
    def open_folder(folder): win.open_path(folder)
    def current(): return win.current_path
    def next_key(): QTest.keyClick(win.canvas, Qt.Key.Key_D)
    def widget_pt(x, y): return canvas.image_to_widget().map(QPointF(x, y))
    def load_boxes(boxes):
        from annotator.core.annotation import BoxObject
        from annotator.ui.undo import AddBoxesCommand
        win.undo_stack.push(AddBoxesCommand(win.document_model, [BoxObject(n, *b) for n, b in boxes]))
        win.autosave_timer.stop()
else:
    from PyQt5.QtCore import QEvent, QPointF, Qt
    from PyQt5.QtGui import QMouseEvent
    from PyQt5.QtTest import QTest
    from PyQt5.QtWidgets import QApplication
    from labelImg import labelImg
    app, win = labelImg.get_main_app([sys.argv[0]])
    win.resize(1280, 800)
    canvas = win.canvas
    def open_folder(folder): win.import_dir_images(folder)
    def current(): return win.file_path
    def next_key(): QTest.keyClick(win, Qt.Key_D)
    def widget_pt(x, y):
        off = canvas.offset_to_center()
        return QPointF((x + off.x()) * canvas.scale, (y + off.y()) * canvas.scale)
    def load_boxes(boxes):
        shapes = [(n, [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], None, None, False) for n, (x0, y0, x1, y1) in boxes]
        win.load_labels(shapes)
        win.set_clean()

def settle(ms=50):
    end = time.perf_counter() + ms / 1000
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.002)

def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]

out = {}
app.processEvents()
win.repaint()
if MODE == "start":
    out["start_s"] = time.time() - T0
    out["tensorflow_imported"] = "tensorflow" in sys.modules
    out["models_imported"] = "models" in sys.modules
elif MODE == "cold_first_image":
    open_folder(os.path.join(DATA, "folder10k"))
    canvas.repaint()
    out["cold_first_image_s"] = time.time() - T0
    if TOOL == "ours":
        preload_core_in_background()  # as run_gui does: after the folder given on the command line is shown
elif MODE == "first_image":
    settle(200)
    t = time.perf_counter()
    open_folder(os.path.join(DATA, "folder10k"))
    canvas.repaint()
    out["first_image_s"] = time.perf_counter() - t
    out["shown"] = os.path.basename(current() or "")
elif MODE == "next":
    open_folder(os.path.join(DATA, "big"))
    canvas.repaint()
    win.activateWindow()
    settle(500)
    times = []
    for i in range(int(os.environ.get("BENCH_PRESSES", "30"))):
        settle(500)
        before = current()
        t = time.perf_counter()
        next_key()
        canvas.repaint()
        times.append(time.perf_counter() - t)
        assert current() != before, "the key press did not change the image"
    out["next_ms"] = [round(x * 1000, 2) for x in times]
elif MODE == "boxes":
    open_folder(os.path.join(DATA, os.environ.get("BENCH_BOX_FOLDER", "big1")))
    canvas.repaint()
    settle(300)
    rng = random.Random(0)
    if TOOL == "ours":
        img_w, img_h = canvas.image_size()
    else:
        img_w, img_h = canvas.pixmap.width(), canvas.pixmap.height()
    boxes = []
    for i in range(1000):
        w, h = rng.uniform(20, img_w / 8), rng.uniform(20, img_h / 8)
        x, y = rng.uniform(0, img_w - w), rng.uniform(0, img_h - h)
        boxes.append((("daisy", "roses", "tulips", "sunflowers", "dandelion")[i % 5], (round(x), round(y), round(x + w), round(y + h))))
    big = (img_w * 0.4, img_h * 0.4, img_w * 0.6, img_h * 0.6)
    boxes.append(("roses", tuple(round(v) for v in big)))
    load_boxes(boxes)
    settle(100)
    times = []
    for _ in range(40):
        t = time.perf_counter()
        canvas.repaint()
        times.append(time.perf_counter() - t)
    out["repaint_ms"] = [round(x * 1000, 2) for x in times]
    rebuild, zoomed = [], []
    if TOOL == "ours":
        # after an edit the boxes layer is redrawn over the cached scaled image: every box, every label
        for _ in range(20):
            canvas._version += 1
            t = time.perf_counter()
            canvas.repaint()
            rebuild.append(time.perf_counter() - t)
        # after a zoom step (Ctrl+wheel) both layers are redrawn: the image scaled again, then every box
        for i in range(20):
            canvas.zoom_by(1.05 if i % 2 == 0 else 1 / 1.05)
            t = time.perf_counter()
            canvas.repaint()
            zoomed.append(time.perf_counter() - t)
    else:  # LabelImg has no cache: every repaint is a full one
        rebuild = zoomed = times
    out["rebuild_ms"] = [round(x * 1000, 2) for x in rebuild]
    out["zoom_ms"] = [round(x * 1000, 2) for x in zoomed]
    cx, cy = (big[0] + big[2]) / 2, (big[1] + big[3]) / 2
    p = widget_pt(cx, cy)
    def send(kind, pos, buttons):
        ev = QMouseEvent(kind, pos, Qt.LeftButton if kind != QEvent.MouseMove else Qt.NoButton, buttons, Qt.NoModifier)
        QApplication.sendEvent(canvas, ev)
    send(QEvent.MouseButtonPress, p, Qt.LeftButton)
    drag = []
    for i in range(1, 41):
        q = QPointF(p.x() + i * 2, p.y() + i)
        t = time.perf_counter()
        send(QEvent.MouseMove, q, Qt.LeftButton)
        canvas.repaint()
        drag.append(time.perf_counter() - t)
    send(QEvent.MouseButtonRelease, q, Qt.NoButton)
    out["drag_ms"] = [round(x * 1000, 2) for x in drag]
print("BENCH_RESULT " + json.dumps(out))
sys.stdout.flush()
os._exit(0)
"""


def make_jpeg(path: Path, width: int, height: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (height // 50, width // 50, 3), dtype=np.uint8)
    image = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)
    noise = rng.integers(0, 24, (height, width, 1), dtype=np.uint8)
    image = cv2.add(image, np.repeat(noise, 3, axis=2))
    for _ in range(12):
        c = (int(rng.integers(0, width)), int(rng.integers(0, height)))
        cv2.circle(
            image,
            c,
            int(rng.integers(width // 40, width // 10)),
            [int(v) for v in rng.integers(0, 255, 3)],
            -1,
        )
    cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, 90])


def build_data(data: Path, presses: int) -> None:
    folder = data / "folder10k"
    folder.mkdir()
    make_jpeg(data / "seed_small.jpg", 1024, 768, 1)
    for i in range(10_000):
        os.link(data / "seed_small.jpg", folder / f"img_{i:05d}.jpg")
    big = data / "big"
    big.mkdir()
    distinct = 8
    for k in range(distinct):
        make_jpeg(data / f"seed_big_{k}.jpg", 4000, 3000, 10 + k)
    for i in range(presses + 2):
        os.link(data / f"seed_big_{i % distinct}.jpg", big / f"photo_{i:03d}.jpg")
    (data / "big1").mkdir()
    os.link(data / "seed_big_0.jpg", data / "big1" / "photo.jpg")


def run(tool: str, mode: str, data: Path, env_extra: dict[str, str] | None = None) -> dict:
    python = sys.executable if tool == "ours" else LABELIMG_PYTHON
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(data / f"home_{tool}"), **(env_extra or {}))
    (data / f"home_{tool}").mkdir(exist_ok=True)
    script = data / "child.py"
    script.write_text(textwrap.dedent(COMMON), encoding="utf-8")
    env["BENCH_T0"] = repr(time.time())
    proc = subprocess.run(
        [python, str(script), mode, tool, str(data)],
        env=env,
        cwd=str(ROOT),
        capture_output=True,
        text=True,
        timeout=600,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            return json.loads(line[len("BENCH_RESULT ") :])
    raise RuntimeError(f"{tool} {mode} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


def pct(values: list[float], q: float) -> float:
    xs = sorted(values)
    return xs[min(len(xs) - 1, int(round(q * (len(xs) - 1))))]


def main() -> int:
    quick = "--quick" in sys.argv
    presses = 10 if quick else 30
    tools = ["ours"]
    if Path(LABELIMG_PYTHON).exists():
        tools.append("labelimg")
    else:
        print(f"LabelImg not found at {LABELIMG_PYTHON}: printing this app's figures only")
    with tempfile.TemporaryDirectory(prefix="bench_ui_") as tmp:
        data = Path(tmp)
        t = time.perf_counter()
        build_data(data, presses)
        print(
            f"data: 10,000 hard-linked 1024x768 JPEGs, {presses + 2} 4000x3000 JPEGs ({time.perf_counter() - t:.1f} s)"
        )
        results: dict[str, dict] = {tool: {} for tool in tools}
        for tool in tools:
            starts = [run(tool, "start", data) for _ in range(3 if quick else 5)]
            results[tool]["start_s"] = statistics.median(s["start_s"] for s in starts)
            results[tool]["tf"] = any(s["tensorflow_imported"] or s["models_imported"] for s in starts)
            results[tool]["first_image_s"] = run(tool, "first_image", data)["first_image_s"]
            colds = [run(tool, "cold_first_image", data)["cold_first_image_s"] for _ in range(3)]
            results[tool]["cold_first_image_s"] = statistics.median(colds)
            nav = run(tool, "next", data, {"BENCH_PRESSES": str(presses)})["next_ms"]
            results[tool]["next"] = (statistics.median(nav), pct(nav, 0.95), max(nav))
            boxes = run(tool, "boxes", data, {"BENCH_BOX_FOLDER": "big1"})
            for key in ("repaint", "rebuild", "zoom", "drag"):
                values = boxes[f"{key}_ms"]
                results[tool][key] = (statistics.median(values), pct(values, 0.95))
    names = {"ours": "Flower Annotator", "labelimg": "LabelImg 1.8.6"}
    print()
    print(f"{'figure':<60}" + "".join(f"{names[t]:>20}" for t in tools))
    rows = [
        ("start -> window shown, median (s)", lambda r: f"{r['start_s']:.3f}"),
        ("TensorFlow or models imported at start", lambda r: str(r["tf"])),
        ("10,000-image folder -> first image shown (s)", lambda r: f"{r['first_image_s']:.3f}"),
        (
            "process start -> first of 10,000 images shown, median (s)",
            lambda r: f"{r['cold_first_image_s']:.3f}",
        ),
        ("D press -> next 12 MP image shown, p50 (ms)", lambda r: f"{r['next'][0]:.1f}"),
        ("D press -> next 12 MP image shown, p95 (ms)", lambda r: f"{r['next'][1]:.1f}"),
        ("D press -> next 12 MP image shown, max (ms)", lambda r: f"{r['next'][2]:.1f}"),
        (
            "1,000 boxes on a 12 MP image: repaint p50 / p95 (ms)",
            lambda r: "{:.1f} / {:.1f}".format(*r["repaint"]),
        ),
        (
            "1,000 boxes: first repaint after an edit p50 / p95 (ms)",
            lambda r: "{:.1f} / {:.1f}".format(*r["rebuild"]),
        ),
        (
            "1,000 boxes: first repaint after a zoom step p50 / p95 (ms)",
            lambda r: "{:.1f} / {:.1f}".format(*r["zoom"]),
        ),
        (
            "1,000 boxes: drag step (move + repaint) p50 / p95 (ms)",
            lambda r: "{:.1f} / {:.1f}".format(*r["drag"]),
        ),
    ]
    for label, fmt in rows:
        print(f"{label:<60}" + "".join(f"{fmt(results[t]):>20}" for t in tools))
    if "labelimg" in results:
        ours, theirs = results["ours"], results["labelimg"]
        print()
        print(
            f"D-press p95 ratio (ours / LabelImg): {ours['next'][1] / theirs['next'][1]:.2f} (target <= 0.33)"
        )
        print(f"start ratio (ours / LabelImg): {ours['start_s'] / theirs['start_s']:.2f} (target <= 1.0)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
