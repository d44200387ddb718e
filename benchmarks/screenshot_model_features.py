"""Screenshot of the window with the model features: a short real training run from the dock (live curves), then
a model loaded with the IoU and mask overlays on. Writes docs/images/overlay_window.png.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/screenshot_model_features.py DATA MODEL [--out PNG]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def spin(app: QApplication, seconds: float, until=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end and not (until is not None and until()):
        app.processEvents()
        time.sleep(0.005)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--image", default=None, help="image of DATA to show")
    parser.add_argument("--out", default="docs/images/overlay_window.png")
    parser.add_argument("--epochs", type=int, default=4)
    args = parser.parse_args()

    from annotator.ui.main_window import MainWindow
    from annotator.ui.model.features import install_model_features
    from annotator.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp())
    window = MainWindow(settings=Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat)))
    window.resize(1500, 900)
    window.show()
    window.open_path(args.data)
    f = install_model_features(window)
    dock = f.training_dock
    spin(app, 60, until=lambda: "labelled" in dock.dataset_label.text())
    dock.backbone.setCurrentText("mobilenetv2")
    dock.image_size.setValue(64)
    dock.epochs.setValue(args.epochs)
    dock.batch_size.setValue(16)
    done: list = []
    f.client.training_finished.connect(done.append)
    f.client.training_failed.connect(done.append)
    dock.start()
    spin(app, 900, until=lambda: bool(done))
    if args.image:
        window.open_path(str(Path(args.data) / args.image))
    f.model_panel.score_slider.setValue(15)
    got: list = []
    f.client.prediction_ready.connect(got.append)
    f.prediction.load_model(args.model)
    spin(app, 120, until=lambda: bool(got))
    f.actions["overlay_iou"].setChecked(True)
    f.actions["overlay_mask"].setChecked(True)
    window.canvas.fit_window()
    spin(app, 1.0)
    window.grab().save(args.out)
    print(f"wrote {args.out}; training: {done[0] if done else 'did not finish'}"[:300])
    f.client.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
