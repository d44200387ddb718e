"""Generated images for the head tests: coloured discs (one colour per class) with exact boxes and masks."""

from __future__ import annotations

import cv2
import numpy as np

COLOURS = [(230, 40, 40), (250, 220, 30), (150, 60, 220)]


def make_image(rng: np.random.Generator, size: int, num_classes: int = 2, max_objects: int = 2):
    """One image: (size, size, 3) uint8, boxes (N, 4) normalized xyxy, classes (N,), mask (size, size) uint8."""
    image = np.zeros((size, size, 3), np.uint8)
    image[:] = rng.integers(40, 120, 3)
    mask = np.zeros((size, size), np.uint8)
    boxes, classes = [], []
    for _ in range(rng.integers(1, max_objects + 1)):
        r = int(rng.integers(size // 8, size // 4))
        cx, cy = (int(v) for v in rng.integers(r, size - r, 2))
        c = int(rng.integers(num_classes))
        cv2.circle(image, (cx, cy), r, COLOURS[c], -1)
        cv2.circle(mask, (cx, cy), r, c + 1, -1)
        boxes.append([(cx - r) / size, (cy - r) / size, (cx + r + 1) / size, (cy + r + 1) / size])
        classes.append(c)
    return image, np.array(boxes, np.float32), np.array(classes, np.int32), mask


def make_batch_targets(n: int, size: int, heads, ctxs, seed: int = 0, num_classes: int = 2):
    """Images (n, size, size, 3) float32 plus y_true / sample_weight dicts built by each head's ``targets``."""
    import tensorflow as tf

    from models.builder import get_head

    rng = np.random.default_rng(seed)
    images, ys, ws = [], {}, {}
    for i in range(n):
        image, boxes, classes, mask = make_image(rng, size, num_classes)
        has_mask = i % 4 != 3  # every fourth image has no mask information
        sample = {
            "image": tf.constant(image, tf.float32),
            "boxes": tf.constant(boxes),
            "classes": tf.constant(classes),
            "mask": tf.constant(mask if has_mask else np.zeros_like(mask)),
            "has_mask": tf.constant(has_mask),
            "has_boxes": tf.constant(len(boxes) > 0),
        }
        images.append(image.astype(np.float32))
        for h in heads:
            y, w = get_head(h).targets(sample, ctxs[h])
            for k in y:
                ys.setdefault(k, []).append(np.asarray(y[k]))
                ws.setdefault(k, []).append(float(w[k]))
    return (
        np.stack(images),
        {k: np.stack(v) for k, v in ys.items()},
        {k: np.asarray(v, np.float32) for k, v in ws.items()},
    )
