"""Screenshot of the "Likely label mistakes" list on a real display (Xvfb + a window manager): a mistakes file
(written by ``flower-annotator mistakes``) opened on its folder, one entry walked to, the whole screen shot
(``import -window root``, ImageMagick).

    DISPLAY=:42 .venv/bin/python benchmarks/screenshot_mistakes.py DATA LIST.json --row 2 --lang ko --out shot.png
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(app: QApplication, seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("mistakes")
    parser.add_argument("--row", type=int, default=0, help="the entry shown (0: the most suspicious)")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--out", default="mistakes.png")
    args = parser.parse_args()

    from annotator.ui.main_window import MainWindow
    from annotator.ui.model.features import install_model_features
    from annotator.ui.settings import Settings
    from annotator.ui.translations import install_translator

    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        settings.language = args.lang
        install_translator(args.lang)
        window = MainWindow(settings=settings)
        window.show()
        window.open_path(args.data)
        features = install_model_features(window)
        window.place_side_docks((features.model_panel, features.training_dock))
        if not features.mistakes.open_file(args.mistakes):
            print(features.mistakes_dock.detail_label.text(), file=sys.stderr)
            return 1
        features.mistakes_dock.select(args.row)
        features.mistakes_dock.tree.setFocus()
        spin(app, 1.5)
        subprocess.run(["import", "-window", "root", args.out], check=True)
        print(f"wrote {args.out}")
        for stack in window._stacks.values():
            stack.setClean()
        features.client.shutdown()
        window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
