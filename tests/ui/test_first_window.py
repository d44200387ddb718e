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


def first_start(
    tmp_path: Path, width: int, height: int, probe: str = PROBE, args: tuple[str, ...] = (), lang: str = ""
) -> dict:
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
    if lang:  # a fresh user whose desktop speaks this language (settings: "the system's")
        env.update(LANG=lang, LC_ALL=lang, LANGUAGE="")
    result = subprocess.run(
        [sys.executable, "-c", probe, str(folder), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
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


PANELS_PROBE = textwrap.dedent(
    """
    import argparse, json, sys
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from annotator.ui.app import run_gui
    from annotator.ui.main_window import MainWindow

    found = {}

    def shown_whole(widget):
        # on screen and not cut: the part painted is the whole widget
        return widget.isVisible() and widget.visibleRegion().boundingRect() == widget.rect()

    def geometry(w):
        QApplication.processEvents()
        frame, minimum = w.frameGeometry(), w.minimumSizeHint().expandedTo(w.minimumSize())
        side = max(d.width() for d in (w.file_dock, w.box_dock))
        return {"frame": [frame.x(), frame.y(), frame.width(), frame.height()],
                "min": [minimum.width(), minimum.height()], "side": side}

    def model_in_front(w, f):
        QApplication.processEvents()
        panel = f.model_panel
        found["model"] = dict(geometry(w), knobs=panel.score_slider.isVisible(), language=panel.accept_button.text(),
                              buttons=[shown_whole(b) for b in (panel.accept_button, panel.reject_button,
                                                                panel.accept_all_button)],
                              list_rows=panel.predictions.height() // max(1, panel.predictions.fontMetrics().height()),
                              sideways=panel.info_scroll.horizontalScrollBar().isVisible())
        print("RESULT " + json.dumps(found)); sys.stdout.flush()
        w.close()
        QApplication.instance().exit(0)

    def check(tries=400):
        wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if not (wins and wins[0].current_path and hasattr(wins[0], "model_features")):
            if tries:
                QTimer.singleShot(25, lambda: check(tries - 1))
            else:
                QApplication.instance().exit(3)
            return
        w = wins[0]
        f = w.model_features
        w.activateWindow()
        QApplication.processEvents()
        QTest.keyClick(w.canvas, Qt.Key.Key_F9)  # the Training panel, in front of the Model panel
        QApplication.processEvents()
        dock = f.training_dock
        found["training"] = dict(geometry(w), start=shown_whole(dock.start_button), progress=shown_whole(
            dock.progress_bar), in_front=not dock.visibleRegion().isEmpty())
        f.client.model_loaded.connect(lambda *_: QTimer.singleShot(50, lambda: model_in_front(w, f)))
        f.client.model_load_failed.connect(lambda path, msg: (print("LOAD FAILED", msg), QApplication.instance().exit(4)))
        f.prediction.load_model(sys.argv[2])  # a real model, through the real worker

    QTimer.singleShot(0, check)
    sys.exit(run_gui(argparse.Namespace(path=sys.argv[1], save_dir=None, classes=None, sample=False)))
    """
)


@pytest.mark.parametrize("lang", ["en_US.UTF-8", "ko_KR.UTF-8"], ids=["english", "korean"])
def test_training_and_model_panels_in_front_fit_1366x768(tmp_path: Path, lang: str):
    """Fresh settings on a 1366 x 768 screen: F9 brings the Training panel to the front, then a real model is
    loaded and the Model panel comes to the front with its knobs. Each time the window's frame and minimum size
    fit the screen, the side keeps at most 30% of the width, and the buttons the user needs are whole on screen
    (Start training and the progress; Accept, Reject, Accept all and a list of at least three rows)."""
    from tests.ui.model_helpers import tiny_model

    _data, model = tiny_model(tmp_path / "model")
    got = first_start(tmp_path, 1366, 768, PANELS_PROBE, (str(model),), lang)
    for state in ("training", "model"):
        x, y, w, h = got[state]["frame"]
        assert x >= 0 and y >= 0 and x + w <= 1366 and y + h + 40 <= 768, (state, got[state])
        assert got[state]["min"][1] + 40 <= 768 and got[state]["min"][0] <= 1366, (state, got[state])
        assert got[state]["side"] <= 0.3 * w + 1, (state, got[state])
    assert got["training"]["in_front"] and got["training"]["start"] and got["training"]["progress"]
    assert got["model"]["knobs"] and got["model"]["buttons"] == [True, True, True], got["model"]
    assert got["model"]["list_rows"] >= 3
    assert not got["model"]["sideways"]  # the knobs fit the panel's width: no line cut by a sideways scroll
    assert got["model"]["language"] == ("Accept" if lang.startswith("en") else "수락")
