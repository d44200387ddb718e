"""``flower-annotator sample-data OUT --count N --seed S [--max-flowers K] [--size WxH|varied] [--force]``.

Writes synthetic flower photos with exact Pascal VOC boxes and VOC palette segmentation masks into OUT
(see `annotator.core.sample_data`). Refuses to overwrite files of an earlier run unless ``--force``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from annotator.core.cli_args import int_range


def _size(text: str) -> tuple[int, int] | None:
    from annotator.core.sample_data import MAX_PIXELS, MAX_SIDE, MIN_SIDE

    if text.strip().lower() == "varied":
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT (e.g. 320x240) or 'varied', got {text!r}"
        ) from None
    if not (MIN_SIDE <= w <= MAX_SIDE and MIN_SIDE <= h <= MAX_SIDE) or w * h > MAX_PIXELS:
        raise argparse.ArgumentTypeError(
            f"each side must be {MIN_SIDE} to {MAX_SIDE} pixels and the image at most "
            f"{MAX_PIXELS / 1e6:.1f} MP, got {text!r}"
        )
    return (w, h)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("out", help="folder to write into (created if missing)")
    parser.add_argument("--count", type=int_range(0, 99_999), default=40, help="number of images (40)")
    parser.add_argument(
        "--seed", type=int_range(0), default=0, help="random seed: the same seed gives the same files (0)"
    )
    parser.add_argument("--max-flowers", type=int_range(1, 8), default=3, help="1 to K flowers per image (3)")
    parser.add_argument(
        "--size", type=_size, default=(320, 240), help="image size WIDTHxHEIGHT, or 'varied' (320x240)"
    )
    parser.add_argument("--force", action="store_true", help="overwrite files of an earlier run")


def _fail(message: str) -> int:
    print(f"flower-annotator sample-data: error: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace) -> int:
    from annotator.core.sample_data import MASK_DIR, check_arguments, existing_outputs, generate

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        return _fail(f"{out} exists and is not a folder")
    try:
        check_arguments(args.count, args.seed, args.max_flowers, args.size)
        if not args.force:
            clash = existing_outputs(out, args.count)
            if clash:
                shown = ", ".join(p.name for p in clash[:3]) + (
                    f" and {len(clash) - 3} more" if len(clash) > 3 else ""
                )
                return _fail(
                    f"{out} already holds files this would overwrite ({shown}); "
                    "choose an empty folder or pass --force"
                )
        start = time.perf_counter()
        paths = generate(out, args.count, args.seed, args.max_flowers, args.size, overwrite=args.force)
    except (ValueError, FileExistsError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"cannot write into {out}: {exc}")
    seconds = time.perf_counter() - start
    print(
        f"wrote {len(paths)} images with VOC XML beside them and masks in {out / MASK_DIR} "
        f"({seconds:.1f} s, seed {args.seed})"
    )
    return 0
