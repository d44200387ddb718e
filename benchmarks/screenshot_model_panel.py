"""Screenshots of the model side on a real display (Xvfb + a window manager): the Model panel without a model,
the training curves during a short real training run, the panel with a model's predictions, and a prediction
picked by a click on the canvas. Each shot is the whole screen (``import -window root``, ImageMagick). The window
is what a first start gets (fresh settings: sized from the screen, the Model panel below the files, Training
behind it), and the panels come forward the way a user brings them: F9, then loading a model.

    DISPLAY=:33 .venv/bin/python benchmarks/screenshot_model_panel.py DATA MODEL --lang ko --out-dir shots/

DATA is a labelled folder (``flower-annotator sample-data``), MODEL a trained ``.keras`` with the loc, grid and seg
heads; the training run shown in the curves is a fresh short one on DATA (its run folder is left in DATA).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QPointF, Qt  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from shots import first_window, shoot, spin  # noqa: E402  (this folder: the same window, waiting and shooting)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--out-dir", default="shots")
    parser.add_argument("--image", default=None, help="image of DATA to show with the predictions")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--score", type=int, default=20, help="score threshold slider, 0-100")
    parser.add_argument("--curve-epochs", type=int, default=5, help="epochs plotted when the curves are shot")
    args = parser.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)

    app, window, f, tag = first_window(args.data, args.lang)
    dock, panel = f.training_dock, f.model_panel
    spin(app, 60, until=lambda: dock.start_button.isEnabled())
    shoot(app, out / f"model_panel_no_model_{tag}.png")

    dock.backbone.setCurrentText("mobilenetv2")
    dock.weights.setCurrentIndex(dock.weights.findData("none"))
    dock.image_size.setValue(64)
    dock.epochs.setValue(args.epochs)
    dock.batch_size.setValue(16)
    for box in dock.head_boxes.values():
        box.setChecked(True)
    done: list = []
    f.client.training_finished.connect(done.append)
    f.client.training_failed.connect(done.append)
    window.activateWindow()
    spin(app, 0.3)
    QTest.keyClick(window.canvas, Qt.Key.Key_F9)
    dock.start()  # shows the Curves tab
    spin(app, 900, until=lambda: len(dock.curve_data("loss")) >= args.curve_epochs or bool(done))
    shoot(app, out / f"training_curves_{tag}.png")
    dock.cancel()
    spin(app, 120, until=lambda: bool(done))

    if args.image:
        window.open_path(str(Path(args.data) / args.image))
    panel.score_slider.setValue(args.score)
    got: list = []
    f.client.prediction_ready.connect(got.append)
    f.prediction.load_model(args.model)  # brings the Model panel to the front
    spin(app, 120, until=lambda: bool(got))
    window.canvas.fit_window()
    shoot(app, out / f"model_panel_predictions_{tag}.png")

    pending = f.scene.pending()
    if len(pending) > 1:  # pick the second surest with a real click on its box
        box = f.scene.detections().boxes[pending[1]]
        centre = QPointF((box[0] + box[2]) / 2, (box[1] + box[3]) / 2)
        QTest.mouseClick(
            window.canvas,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            window.canvas.image_to_widget().map(centre).toPoint(),
        )
        shoot(app, out / f"model_panel_selected_{tag}.png")
    f.actions["overlay_grid"].setChecked(True)
    spin(app, 0.3)
    cell = QPointF(window.canvas.image_size()[0] * 0.3, window.canvas.image_size()[1] * 0.6)
    QTest.mouseClick(
        window.canvas,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        window.canvas.image_to_widget().map(cell).toPoint(),
    )
    shoot(app, out / f"model_panel_grid_cell_{tag}.png")
    print(f"training: {str(done[0])[:200] if done else 'did not finish'}")
    for stack in window._stacks.values():
        stack.setClean()
    f.client.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
