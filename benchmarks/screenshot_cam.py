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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shots import first_window, shoot, spin  # noqa: E402  (this folder: the same window, waiting and shooting)


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

    app, window, f, tag = first_window(
        Path(args.data) / args.image if args.image else args.data, args.lang, maximized=True
    )
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
