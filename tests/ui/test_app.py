"""`flower-annotator PATH` end to end: run_gui opens the window on the folder, and closing it ends exec."""

from __future__ import annotations

import argparse
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication


def test_run_gui_opens_folder_and_exits(qtbot, tmp_path: Path, image_folder: Path):
    from annotator.ui.app import run_gui
    from annotator.ui.main_window import MainWindow

    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(tmp_path / "user-settings"))
    classes = tmp_path / "classes.txt"
    classes.write_text("lotus\niris\n", encoding="utf-8")
    seen: dict[str, object] = {}
    app = QApplication.instance()

    def check(tries: int = 400) -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        if windows and windows[0].current_path and (windows[0].model_features is not None or tries < 200):
            window = windows[0]
            seen["path"] = window.current_path
            seen["classes"] = window.classes
            seen["save_dir"] = window.save_dir
            window.close()
            app.exit(0)  # not quit(): Qt 6 posts that as an event, which would end the next test's dialogs
        elif tries:
            QTimer.singleShot(25, lambda: check(tries - 1))
        else:
            app.exit(0)

    app.setQuitOnLastWindowClosed(False)
    QTimer.singleShot(0, check)
    args = argparse.Namespace(
        path=str(image_folder), save_dir=str(tmp_path / "labels"), classes=str(classes), sample=False
    )
    try:
        assert run_gui(args) == 0
    finally:
        app.setQuitOnLastWindowClosed(True)
    assert seen["path"] == str(image_folder / "img_00.jpg")
    assert seen["classes"] == ["lotus", "iris"]
    assert seen["save_dir"] == str(tmp_path / "labels")


def test_run_gui_reports_missing_classes_file(tmp_path: Path, capsys):
    from annotator.ui.app import run_gui

    args = argparse.Namespace(path=None, save_dir=None, classes=str(tmp_path / "nope.txt"), sample=False)
    assert run_gui(args) == 2
    assert "cannot read classes file" in capsys.readouterr().err


def test_run_gui_stops_with_the_message_before_qt(tmp_path: Path, monkeypatch, capsys):
    from annotator.core import desktop_check
    from annotator.ui.app import run_gui
    from tests.core.test_desktop_check import fake_plugin

    plugin = fake_plugin(tmp_path, {b"libxcb-cursor.so.0": b"libxcb-cursor.so.9"})
    monkeypatch.setattr(desktop_check, "xcb_plugin_path", lambda: plugin)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    args = argparse.Namespace(path=None, save_dir=None, classes=None, sample=False)
    assert run_gui(args) == 1
    err = capsys.readouterr().err
    assert "sudo apt-get install libxcb-cursor0" in err
    assert "Traceback" not in err
