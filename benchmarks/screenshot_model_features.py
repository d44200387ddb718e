"""Screenshot of the window with a model loaded, its IoU and mask overlays on, on a real display (Xvfb + a window
manager): the window a first start gets (fresh settings, sized from the screen), the side panels placed as
`annotator.ui.app.run_gui` places them, the Model panel brought forward by loading the model, and the Training
panel one tab behind it. The shot is the whole screen (``import -window root``, ImageMagick). Writes
docs/images/overlay_window.png.

    Xvfb :51 -screen 0 1366x768x24 & DISPLAY=:51 openbox &
    DISPLAY=:51 .venv/bin/python benchmarks/screenshot_model_features.py DATA MODEL --image flower_00011.jpg

DATA is a labelled folder (``flower-annotator sample-data``), MODEL a ``.keras`` trained on it (with the seg head
for the mask overlay; ``--overlays iou`` without it).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shots import first_window, shoot, spin  # noqa: E402  (this folder: the same window, waiting and shooting)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("model")
    parser.add_argument("--image", default=None, help="image of DATA to show")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--score", type=int, default=15, help="score threshold slider, 0-100")
    parser.add_argument("--overlays", default="iou,mask", help="overlays to turn on: iou, mask, grid, cam")
    parser.add_argument("--out", default="docs/images/overlay_window.png")
    args = parser.parse_args()

    app, window, f, _ = first_window(Path(args.data) / args.image if args.image else args.data, args.lang)
    spin(app, 60, until=lambda: not f.training_dock.dataset_label.counting)
    f.model_panel.score_slider.setValue(args.score)
    got: list = []
    f.client.prediction_ready.connect(got.append)
    f.prediction.load_model(args.model)  # brings the Model panel forward
    spin(app, 120, until=lambda: bool(got))
    for name in filter(None, args.overlays.split(",")):
        f.actions[f"overlay_{name}"].setChecked(True)
    window.canvas.fit_window()
    shoot(app, Path(args.out))
    f.client.shutdown()
    for stack in window._stacks.values():
        stack.setClean()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
