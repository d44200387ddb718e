"""A first start (no settings) on a 1366 x 768 screen: the window, model docks included, fits the screen.

Each case runs `run_gui` in a subprocess on Qt's offscreen platform given a screen of that size (its
``configfile`` option), with fresh settings, and reports the geometry once the model docks are in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.ui.conftest import write_jpeg

PROBE = textwrap.dedent(
    """
    import argparse, json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDockWidget
    from annotator.ui.app import run_gui
    from annotator.ui.main_window import MainWindow

    def check(tries=400):
        wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if wins and wins[0].current_path and hasattr(wins[0], "model_features"):
            w = wins[0]
            QApplication.processEvents()
            free = w.screen().availableGeometry()
            frame, minimum = w.frameGeometry(), w.minimumSizeHint().expandedTo(w.minimumSize())
            docks = {d.objectName(): d.isVisible() for d in w.findChildren(QDockWidget)}
            print("RESULT " + json.dumps({
                "free": [free.width(), free.height()], "frame": [frame.x(), frame.y(), frame.width(),
                frame.height()], "min": [minimum.width(), minimum.height()], "docks": docks,
                "status_bottom": w.statusBar().mapTo(w, w.statusBar().rect().bottomLeft()).y(),
                "height": w.height(), "size": [w.width(), w.height()]}))
            sys.stdout.flush()
            w.close()
            QApplication.instance().exit(0)
        elif tries:
            QTimer.singleShot(25, lambda: check(tries - 1))
        else:
            QApplication.instance().exit(3)

    QTimer.singleShot(0, check)
    sys.exit(run_gui(argparse.Namespace(path=sys.argv[1], save_dir=None, classes=None, sample=False)))
    """
)


def first_start(tmp_path: Path, width: int, height: int) -> dict:
    folder = tmp_path / "photos"
    folder.mkdir()
    write_jpeg(folder / "a.jpg", 640, 480)
    config = tmp_path / "screen.json"
    screen = {"name": "s", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96, "dpr": 1}
    config.write_text(json.dumps({"screens": [screen]}), encoding="utf-8")
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM=f"offscreen:configfile={config}",
        XDG_CONFIG_HOME=str(tmp_path / "config"),  # fresh settings: no saved geometry or dock state
        HOME=str(tmp_path),
        PYTHONPATH=os.pathsep.join([str(Path(__file__).parents[2]), env.get("PYTHONPATH", "")]),
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(folder)], capture_output=True, text=True, env=env, timeout=120
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    assert result.returncode == 0 and lines, result.stdout + result.stderr
    return json.loads(lines[-1][len("RESULT ") :])


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)])
def test_first_window_fits_the_screen(tmp_path: Path, size: tuple[int, int]):
    got = first_start(tmp_path, *size)
    assert got["free"] == list(size)
    x, y, w, h = got["frame"]
    assert x >= 0 and y >= 0 and x + w <= size[0] and y + h + 40 <= size[1]  # + a title bar Qt cannot see
    assert got["min"][0] <= size[0] and got["min"][1] + 40 <= size[1]
    assert got["status_bottom"] < got["height"]  # the status bar is inside the window
    docks = got["docks"]
    assert docks["box_dock"] and docks["file_dock"]  # the labelling docks are in view
    assert docks["model_dock"] and not docks["training_dock"]  # training: shown when first asked for (F9)
    if size == (1920, 1080):
        assert got["size"] == [1440, 900]
