"""Starting the GUI: `run_gui(args)` is what ``flower-annotator [PATH]`` runs."""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow


def _read_classes(path: str) -> list[str]:
    text = Path(path).read_text(encoding="utf-8-sig")
    return [line.strip() for line in text.splitlines() if line.strip()]


def preload_core_in_background() -> threading.Thread:
    """Import the image stack (numpy, OpenCV, Pillow: about half a second) on a thread once the window is up,
    so a folder chosen a moment later does not wait for it. Never TensorFlow."""

    def preload() -> None:
        import cv2
        import numpy as np
        from PIL import Image

        import annotator.core.annotation_files  # noqa: F401 - dataset scanner, VOC reader
        import annotator.core.imaging  # noqa: F401 - the image loader (until it is in, Qt shows the first image)

        # The decoders initialise lazily on their first image: do it now with a tiny JPEG.
        Image.preinit()
        ok, data = cv2.imencode(".jpg", np.zeros((8, 8, 3), np.uint8))
        if ok:
            cv2.imdecode(data, cv2.IMREAD_COLOR)

    thread = threading.Thread(target=preload, name="preload-core", daemon=True)
    thread.start()
    return thread


def run_gui(args: argparse.Namespace) -> int:
    """Open the labelling window on ``args.path`` (or the sample flowers with ``--sample`` / no path).

    Args:
        args: from `annotator.cli.gui_parser`: ``path``, ``save_dir``, ``classes``, ``sample``.

    Returns:
        The process exit code.
    """
    from annotator.core.desktop_check import start_xcb_check

    xcb_check = start_xcb_check()  # ldd runs while Qt and the window's modules are imported
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.ui.main_window import MainWindow
    from annotator.ui.settings import Settings
    from annotator.ui.translations import install_translator

    problem = xcb_check.result()
    if (
        problem is not None
    ):  # before the QApplication: Qt would abort with a core dump and a hint few can act on
        print(problem.message(), file=sys.stderr)
        return 1

    classes = None
    if getattr(args, "classes", None):
        try:
            classes = _read_classes(args.classes)
        except OSError as exc:
            print(f"flower-annotator: cannot read classes file {args.classes}: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Flower Annotator")
    app.setOrganizationName("FlowerAnnotator")
    settings = Settings()
    install_translator(settings.language)
    window = MainWindow(settings=settings, classes=classes, save_dir=getattr(args, "save_dir", None))
    window.show()
    app.processEvents()
    path = getattr(args, "path", None)
    if not path and (getattr(args, "sample", False) or not settings.recent_folders):
        from annotator.core.sample_data import ensure_sample_dataset

        path = str(ensure_sample_dataset())
    elif not path:
        path = settings.recent_folders[0]
    if path:
        window.open_path(path)  # Qt shows its first image while the image loader is not in yet
    # After the first image: importing the loader on a thread before would only slow the window and that image.
    preload_core_in_background()
    # The model features (worker client, training dock, overlays) load after the first image is on screen,
    # so they cost nothing at start; the GUI still never imports TensorFlow.
    QTimer.singleShot(0, lambda: _install_model_features(window))
    return app.exec()


def _install_model_features(window: MainWindow) -> None:
    try:
        features = window.install_model_features()
    except ImportError as exc:  # a partial install: the labelling window works without them
        window.statusBar().showMessage(f"Model features unavailable: {exc}", 10000)
        return
    window.place_side_docks(features.side_docks)
