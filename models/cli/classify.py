"""``flower-annotator classify IMAGE...``: ImageNet top-3 with a pretrained ResNet-50.

Uses Keras' cached files (``~/.keras/models/resnet50_weights_tf_dim_ordering_tf_kernels.h5`` and
``imagenet_class_index.json``), downloading them only when missing and online. Offline without them it stops
with a message naming the file and the folder. A cached file is never deleted or re-downloaded.
"""

from __future__ import annotations

import argparse
import sys

from models.cli import _args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("images", nargs="+", help="image files")
    parser.add_argument(
        "--weights", default="imagenet", help="imagenet (Keras' cache) or a ResNet-50 .h5 FILE"
    )
    parser.add_argument(
        "--class-index", default=None, help="imagenet_class_index.json (default: Keras' cache)"
    )
    parser.add_argument("--top", type=_args.top, default=3)


def run(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    from annotator.core.imaging import ImageError
    from models.backbones.weights import WeightsError
    from models.classify import ImagenetClassifier

    try:
        classifier = ImagenetClassifier(weights=args.weights, class_index=args.class_index)
    except WeightsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    status = 0
    for image in args.images:
        try:
            top = classifier.classify(image, top=args.top)
        except (ImageError, OSError) as exc:
            print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        print(image)
        for rank, (wnid, label, prob) in enumerate(top, start=1):
            print(f"  {rank}. {label:<24} {prob:.4f}  ({wnid})")
    return status
