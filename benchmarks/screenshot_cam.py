"""Screenshots of the "why this class" heat map in the window, on a real display (Xvfb + a window manager): the
predicted class's map, then the map of a class picked in the Model panel. Each shot is the whole screen
(``import -window root``, ImageMagick).

    DISPLAY=:43 .venv/bin/python benchmarks/screenshot_cam.py DATA MODEL --image flower_00003.jpg --lang ko \\
        --pick tulips --out-dir shots/

DATA is a labelled folder (``flower-annotator sample-data``), MODEL a trained ``.keras`` with the loc head.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from screenshot_model_panel import shoot, spin  # noqa: E402  (this folder: the same waiting and shooting)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--image", default=None, help="image of DATA to show")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--pick", default=None, help="a class name to pick for the second shot")
    parser.add_argument("--out-dir", default="shots")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    from annotator.ui.main_window import MainWindow
    from annotator.ui.model.features import install_model_features
    from annotator.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    size = app.primaryScreen().size()
    tag = f"{size.width()}x{size.height()}_{args.lang}"
    tmp = Path(tempfile.mkdtemp())
    window = MainWindow(settings=Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)))
    window.showMaximized()
    if args.lang == "ko":
        window.actions.language_ko.trigger()
    window.open_path(str(Path(args.data) / args.image) if args.image else args.data)
    f = install_model_features(window)
    window.place_side_docks((f.model_panel, f.training_dock))  # as `annotator.ui.app.run_gui` does
    f.prediction.load_model(args.model)
    spin(app, 300, until=lambda: bool(f.client.model_info) and f.scene.prediction is not None)
    f.actions["overlay_cam"].trigger()
    spin(app, 120, until=lambda: f.scene.cam_view() is not None)
    shoot(app, out / f"cam_predicted_{tag}.png")
    if args.pick:
        names = list(f.client.model_info.get("class_names") or [])
        f.model_panel.pick_cam_class(names.index(args.pick))
        spin(app, 120, until=lambda: f.scene.cam_view() is not None and not f.scene.cam_view().stale)
        shoot(app, out / f"cam_picked_{tag}.png")
    f.client.shutdown()
    for stack in window._stacks.values():
        stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
