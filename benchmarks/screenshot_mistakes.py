"""Screenshot of the "Likely label mistakes" list on a real display (Xvfb + a window manager): a mistakes file
(written by ``flower-annotator mistakes``) opened on its folder, one entry walked to, the whole screen shot
(``import -window root``, ImageMagick).

    DISPLAY=:42 .venv/bin/python benchmarks/screenshot_mistakes.py DATA LIST.json --row 2 --lang ko --out shot.png
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
    parser.add_argument("mistakes")
    parser.add_argument("--row", type=int, default=0, help="the entry shown (0: the most suspicious)")
    parser.add_argument("--lang", default="en", choices=("en", "ko"))
    parser.add_argument("--out", default="mistakes.png")
    args = parser.parse_args()

    app, window, features, _ = first_window(args.data, args.lang)
    if not features.mistakes.open_file(args.mistakes):
        print(features.mistakes_dock.detail_label.text(), file=sys.stderr)
        return 1
    features.mistakes_dock.select(args.row)
    features.mistakes_dock.tree.setFocus()
    spin(app, 0.7)
    shoot(app, args.out)
    for stack in window._stacks.values():
        stack.setClean()
    features.client.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
