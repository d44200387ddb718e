"""Import/export of annotation formats other than Pascal VOC (VOC itself is `annotator.core.voc`).

- `common`: collecting a labelled folder, the train/val split, class lists, writing imported boxes as VOC XML.
- `yolo`: ``class cx cy w h`` label files (normalized), ``classes.txt``, Ultralytics ``data.yaml``.
- `coco`: COCO instances JSON (``bbox`` xywh pixels, category ids from 1).
- `createml`: Apple Create ML JSON (centre xywh pixels).
- `voc_layout`: the VOC devkit folder layout (``Annotations/``, ``JPEGImages/``, ``ImageSets/``, masks).

All boxes cross these modules as `BoxObject`s in continuous xyxy pixels (see `annotator.core.annotation`).
"""
