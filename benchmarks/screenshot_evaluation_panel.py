"""Screenshots of the Evaluation panel on a real display (Xvfb + a window manager): the class table after an
evaluation, the confusion matrix, a confusion cell clicked (its images listed, its boxes highlighted on the image)
and the curves. Each shot is the whole screen (``import -window root``, ImageMagick).

    DISPLAY=:41 .venv/bin/python benchmarks/screenshot_evaluation_panel.py DATA MODEL --lang ko --out-dir shots/

DATA is a labelled folder, MODEL a ``.keras`` trained on it (its validation split is evaluated, the default).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from shots import first_window, shoot, spin  # noqa: E402  (this folder: the same window, waiting and shooting)


def click(widget, pos=None) -> None:
    if pos is None:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton)
    else:
        QTest.mouseClick(widget, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--out-dir", default="shots")
    parser.add_argument("--score", type=int, default=30, help="score threshold slider, 0-99")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    app, window, f, tag = first_window(args.data, args.lang, maximized=True)
    size = app.primaryScreen().size()
    loaded: list = []
    f.client.model_loaded.connect(lambda *a: loaded.append(a))
    f.prediction.load_model(args.model)
    spin(app, 120, until=lambda: bool(loaded))
    f.actions["toggle_evaluation_dock"].setChecked(True)
    dock = f.evaluation_dock
    dock.raise_()
    # what a user does first on a roomy screen: drag the panel wider and taller
    screen_h = size.height()
    window.resizeDocks([dock], [int(size.width() * 0.3)], Qt.Orientation.Horizontal)
    window.resizeDocks(
        [window.box_dock, window.file_dock, dock], [60, 150, screen_h], Qt.Orientation.Vertical
    )
    dock.score_slider.setValue(args.score)
    done: list = []
    f.client.evaluation_finished.connect(lambda *a: done.append(a))
    f.client.evaluation_failed.connect(lambda *a: done.append(a))
    click(dock.evaluate_button)
    spin(app, 600, until=lambda: bool(done))
    print(f"evaluation: {dock.status_label.text()} {dock.summary_label.text()}")
    shoot(app, out / f"evaluation_classes_{tag}.png")

    click(dock.tabs.tabBar(), dock.tabs.tabBar().tabRect(1).center())
    shoot(app, out / f"evaluation_confusion_{tag}.png")
    views = dock.views
    n = len(views.confusion)
    # the most frequent wrong class, else the cell with the most misses or false alarms
    wrong = max((int(views.confusion[r, c]), (r, c)) for r in range(n - 1) for c in range(n - 1) if r != c)
    off = max((int(views.confusion[r, c]), (r, c)) for r in range(n) for c in range(n) if r != c)
    click(dock.confusion, dock.confusion.cell_rect(*(wrong if wrong[0] else off)[1]).center())
    spin(app, 1.0)
    window.canvas.fit_window()
    shoot(app, out / f"evaluation_cell_{tag}.png")
    if len(f.evaluation.cases) > 1:
        click(dock.next_case_button)
        window.canvas.fit_window()
        shoot(app, out / f"evaluation_cell_next_{tag}.png")

    click(dock.clear_case_button)
    bar = f.evaluation.file_bar
    bar.filter_combo.setCurrentIndex(bar.filter_combo.findData("misses"))
    bar.sort_combo.setCurrentIndex(bar.sort_combo.findData("misses"))
    click(dock.tabs.tabBar(), dock.tabs.tabBar().tabRect(2).center())
    shoot(app, out / f"evaluation_curves_{tag}.png")
    for stack in window._stacks.values():
        stack.setClean()
    f.client.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
