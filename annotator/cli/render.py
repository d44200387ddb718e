"""``flower-annotator render IMAGE [--annotations XML] [--model MODEL] [--overlay ...] [--cam-class C] --out PNG``.

Draws an image with its boxes and the model overlays into a PNG with the very painter functions the canvas uses
(`annotator.ui.model.overlays`), so a render is what the window shows. Predictions come from the model worker process
(``python -m models.worker``), as in the app; this command itself never imports TensorFlow.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from annotator.core.atomic import atomic_write_bytes
from annotator.core.cli_args import float_range
from annotator.core.geometry import (
    DEFAULT_MATCH_IOU,
    DEFAULT_NMS_IOU,
    DEFAULT_SCORE_THRESHOLD,
    PREDICT_SCORE_FLOOR,
)
from annotator.core.overlay_scene import OVERLAY_NAMES, OverlaySettings

# 64 MP: an 8000x8000 PNG (about 190 MB of pixels to encode); --scale 16 of a 12 MP photo would be 3 GP.
MAX_OUTPUT_PIXELS = 64_000_000


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("image", help="the image to draw")
    parser.add_argument(
        "--annotations",
        help="Pascal VOC XML with the ground-truth boxes (default: IMAGE's .xml beside it, if any)",
    )
    parser.add_argument("--model", help="a .keras model trained by this tool: enables the model overlays")
    parser.add_argument(
        "--overlay",
        default=None,
        help=f"comma-separated overlays out of {','.join(OVERLAY_NAMES)} "
        "(default: boxes, plus predictions,iou with --model)",
    )
    parser.add_argument("--out", required=True, help="the PNG to write")
    parser.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    parser.add_argument(
        "--score-threshold",
        type=float_range(0, 1),
        default=DEFAULT_SCORE_THRESHOLD,
        help=f"hide predictions below ({DEFAULT_SCORE_THRESHOLD})",
    )
    parser.add_argument(
        "--nms-iou",
        type=float_range(0, 1),
        default=DEFAULT_NMS_IOU,
        help=f"NMS IoU for the grid head ({DEFAULT_NMS_IOU})",
    )
    parser.add_argument(
        "--iou-threshold",
        type=float_range(0, 1),
        default=DEFAULT_MATCH_IOU,
        help=f"IoU below which a box is a miss ({DEFAULT_MATCH_IOU})",
    )
    parser.add_argument("--before-nms", action="store_true", help="grid: show the raw detections before NMS")
    parser.add_argument(
        "--cell", help="grid: ROW,COL of the cell whose anchors are drawn (default: best box)"
    )
    opacity = OverlaySettings.mask_opacity
    parser.add_argument(
        "--mask-opacity", type=float_range(0, 1), default=opacity, help=f"mask opacity 0..1 ({opacity})"
    )
    parser.add_argument(
        "--cam-class",
        help="cam: the class whose heat map is drawn, by name or index (default: the class the model predicts)",
    )
    parser.add_argument(
        "--scale", type=float_range(0.01, 16), default=1.0, help="output size relative to the image (1.0)"
    )
    parser.add_argument(
        "--timeout",
        type=float_range(0, 86400, lo_open=True),
        default=600.0,
        help="seconds to wait for the model (600)",
    )


def _fail(message: str) -> int:
    print(f"flower-annotator render: error: {message}", file=sys.stderr)
    return 2


def predict_with_worker(
    model: str,
    image: str,
    score_threshold: float,
    nms_iou: float,
    timeout: float,
    *,
    cam: bool = False,
    cam_class: str | None = None,
):
    """One prediction from a fresh worker process (`annotator.core.prediction.Prediction`).

    Args:
        cam: also compute the "why this class" heat map (a `annotator.core.cam.CamRequest`).
        cam_class: the class it explains, a name or an index of the model's classes; None: the predicted class.

    Raises:
        RuntimeError: the model could not predict (the worker's message), the worker died, or ``cam_class`` is
            not one of the model's classes.
        TimeoutError: no answer within ``timeout`` seconds.
    """
    from annotator.core.cam import CAM_KIND, CamRequest
    from annotator.core.worker_protocol import WorkerProcess, describe_exit, prediction_from_message

    worker = WorkerProcess()

    def answer(rid: int, kind: str) -> tuple[dict, dict]:
        while True:
            event = worker.next_event(timeout)
            if event is None:
                raise RuntimeError(f"{describe_exit(worker.returncode)} {worker.last_error_lines(3)}".strip())
            header, arrays = event
            if header.get("id") != rid:
                continue
            if header.get("kind") == "error":
                raise RuntimeError(str(header.get("message")))
            if header.get("kind") == kind:
                return header, arrays

    try:
        if not cam:
            header, arrays = answer(
                worker.send(
                    "predict", model=model, image=image, score_threshold=score_threshold, nms_iou=nms_iou
                ),
                "prediction",
            )
            return prediction_from_message(header, arrays)
        index = None
        if cam_class is not None:
            info = (
                answer(worker.send("load_model", model=model), "done")[0].get("result", {}).get("info") or {}
            )
            index = class_index_of(cam_class, [str(n) for n in info.get("class_names") or []])
        request = CamRequest(model, image, index, score_threshold, nms_iou)
        header, arrays = answer(worker.send(CAM_KIND, request=request.to_message()), "prediction")
        return prediction_from_message(header, arrays)
    finally:
        worker.stop(2.0)


def class_index_of(name_or_index: str, class_names: list[str]) -> int:
    """``--cam-class``: a class name of the model, else an index into its classes.

    Raises:
        RuntimeError: neither; the message lists the model's classes.
    """
    if name_or_index in class_names:
        return class_names.index(name_or_index)
    if name_or_index.strip().isdigit() and int(name_or_index) < len(class_names):
        return int(name_or_index)
    raise RuntimeError(
        f"--cam-class {name_or_index!r} is not a class of the model; its classes are "
        + ", ".join(f"{i} {n}" for i, n in enumerate(class_names))
    )


def run(args: argparse.Namespace) -> int:
    from annotator.core import imaging, voc

    image = Path(args.image)
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        return _fail(f"--out must name a .png file, got {str(out)!r}")
    if out.exists() and not args.force:
        return _fail(f"{out} exists; pass --force to overwrite it")
    if not out.parent.is_dir():
        return _fail(f"folder {out.parent} does not exist")
    overlays = [o.strip() for o in (args.overlay or "").split(",") if o.strip()]
    if not overlays:
        overlays = ["boxes", "predictions", "iou"] if args.model else ["boxes"]
    unknown = [o for o in overlays if o not in OVERLAY_NAMES]
    if unknown:
        return _fail(f"unknown overlay(s) {', '.join(unknown)}; choose from {', '.join(OVERLAY_NAMES)}")
    needs_model = [o for o in overlays if o != "boxes"]
    if needs_model and not args.model:
        return _fail(f"overlay(s) {', '.join(needs_model)} need --model")
    if args.cam_class is not None and "cam" not in overlays:
        return _fail("--cam-class needs the cam overlay (--overlay ...,cam)")
    if args.model and not Path(args.model).is_file():
        return _fail(f"model file {args.model} not found")
    cell = None
    if args.cell:
        try:
            row, col = (int(v) for v in args.cell.split(","))
            cell = (row, col)
        except ValueError:
            return _fail(f"--cell must be ROW,COL (two integers), got {args.cell!r}")
    try:
        width, height = imaging.image_size(image)
    except (imaging.ImageError, OSError) as exc:
        return _fail(f"cannot read image {image}: {exc}")
    out_w, out_h = max(1, round(width * args.scale)), max(1, round(height * args.scale))
    if out_w * out_h > MAX_OUTPUT_PIXELS:
        return _fail(
            f"--scale {args.scale:g} would make a {out_w}x{out_h} PNG ({out_w * out_h / 1e6:.0f} MP, over the "
            f"{MAX_OUTPUT_PIXELS / 1e6:.0f} MP limit); use a smaller --scale"
        )
    try:
        rgb = imaging.load_image(image)
    except (imaging.ImageError, OSError) as exc:
        return _fail(f"cannot read image {image}: {exc}")

    annotation = None
    xml = Path(args.annotations) if args.annotations else image.with_suffix(".xml")
    if args.annotations or xml.is_file():
        try:
            annotation = voc.read(xml)
        except (voc.VocError, OSError) as exc:
            return _fail(f"cannot read annotations {xml}: {exc}")

    prediction = None
    if args.model:
        try:
            prediction = predict_with_worker(
                str(Path(args.model).resolve()),
                str(image.resolve()),
                min(args.score_threshold, PREDICT_SCORE_FLOOR),
                args.nms_iou,
                args.timeout,
                cam="cam" in overlays,
                cam_class=args.cam_class,
            )
        except (RuntimeError, TimeoutError, OSError) as exc:
            return _fail(f"prediction failed: {exc}")

    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from annotator.core.overlay_scene import OverlayScene
    from annotator.ui.model.overlays import render_image

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    scene = OverlayScene()
    scene.annotation = annotation
    scene.prediction = prediction
    s = scene.settings
    s.score_threshold, s.nms_iou, s.iou_threshold = args.score_threshold, args.nms_iou, args.iou_threshold
    s.before_nms, s.chosen_cell, s.mask_opacity = args.before_nms, cell, args.mask_opacity
    if prediction is not None and args.cam_class is not None:
        s.cam_class = prediction.cam_class  # the class asked for, resolved by name in the worker's class list
    scene.visible = set(overlays)
    picture = render_image(rgb, scene, overlays, scale=args.scale)
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not picture.save(buffer, "PNG"):
        return _fail(f"could not encode {out} as PNG")
    buffer.close()
    try:  # temp file + rename: a kill or a full disk never leaves a torn PNG; the umask is honoured
        atomic_write_bytes(out, bytes(data.data()))
    except OSError as exc:
        return _fail(f"could not write {out}: {exc.strerror or exc}")
    summary = f"wrote {out} ({picture.width()}x{picture.height()}, overlays: {','.join(overlays)})"
    if prediction is not None:
        summary += (
            f"; {len(scene.detections())} predictions shown, model latency {prediction.latency_ms:.0f} ms"
        )
        if "iou" in overlays and annotation is not None:
            summary += f", mean IoU {scene.iou_summary().mean_iou:.3f}"
        view = scene.cam_view() if "cam" in overlays else None
        if view is not None:
            summary += (
                f"; why {view.class_name} (probability {view.probability:.2f}, "
                f"{'predicted' if view.predicted else 'picked'}): {100 * view.heat_in_box:.0f}% of the heat "
                "inside the loc head's box"
            )
    print(summary)
    return 0
