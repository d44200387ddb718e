"""What the screenshot scripts share: a window as a first start makes it, waiting, and shooting the screen.

`first_window` builds the window a user's first start gets (fresh settings in a temporary file, so nothing of
this machine's settings leaks in; the language chosen; the side panels placed with `ModelFeatures.side_docks` as
`annotator.ui.app.run_gui` places them), `spin` runs the event loop for a while or until something holds, and
`shoot` grabs the whole screen (``import -window root``, ImageMagick) once the window manager has settled. Run the
scripts on a real display: Xvfb plus a window manager (openbox).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(app: QApplication, seconds: float, until=None) -> bool:
    """Process events for ``seconds``, or until ``until()`` holds (then True)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if until is not None and until():
            return True
        app.processEvents()
        time.sleep(0.01)
    return until is None


def shoot(app: QApplication, path: Path | str) -> None:
    """The whole screen into ``path``, after the window manager and the repaints settled."""
    spin(app, 0.8)
    subprocess.run(["import", "-window", "root", str(path)], check=True)
    print(f"wrote {path}")


def first_window(path: str | Path, lang: str = "en", *, maximized: bool = False):
    """``(app, window, features, tag)``: the window of a first start (fresh settings; its size from the screen,
    or maximized) in ``lang`` ("en" or "ko"), showing ``path`` (a folder, or an image with its folder), with the
    model features installed and placed as the app places them. ``tag`` is ``WIDTHxHEIGHT_LANG``, for file names."""
    from annotator.ui.main_window import MainWindow
    from annotator.ui.model.features import install_model_features
    from annotator.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    size = app.primaryScreen().size()
    settings_file = Path(tempfile.mkdtemp()) / "s.ini"
    window = MainWindow(settings=Settings(QSettings(str(settings_file), QSettings.Format.IniFormat)))
    if maximized:
        window.showMaximized()
    else:
        window.show()
    if lang == "ko":
        window.actions.language_ko.trigger()
    window.open_path(str(path))
    features = install_model_features(window)
    window.place_side_docks(features.side_docks)
    return app, window, features, f"{size.width()}x{size.height()}_{lang}"
