"""A screenshot of `flower-annotator evaluate --report`'s page as a browser shows it (the README's picture).

    .venv/bin/python benchmarks/screenshot_report.py MODEL DATA --out docs/images/report_page.png

Writes the report into a temporary folder with the real command, then has a headless Chromium (Debian:
``apt-get install chromium``) take a 1366-px-wide picture of ``report.html`` (``--height``: how much of the page).
The README's picture: a half-width MobileNetV2 (96 px, loc + grid heads) trained from scratch for 6 minutes on 400
generated photos (``sample-data --seed 5 --max-flowers 2``), evaluated on 120 others (``--seed 77``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("model")
    parser.add_argument("data")
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--height", type=int, default=1120, help="pixels of the page in the picture")
    args = parser.parse_args()
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        print("error: no Chromium found (Debian: sudo apt-get install chromium)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report"
        cli = [sys.executable, "-m", "annotator", "evaluate", args.model, args.data, "--report", str(report)]
        subprocess.run(cli, check=True, cwd=ROOT)
        shot = [
            browser,
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--window-size=1366,{args.height}",
            f"--screenshot={Path(args.out).resolve()}",
            (report / "report.html").as_uri(),
        ]
        subprocess.run(shot, check=True, capture_output=True, timeout=120)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
