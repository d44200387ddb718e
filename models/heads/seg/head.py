"""The segmentation head (``seg``, output ``mask``): FCN-8s on the backbone's stride-32, 16 and 8 taps.

Classes are ``0 = background`` and ``k + 1`` for ``class_names[k]``; ``255`` in a target is void (not scored,
not learned), as in `annotator.core.masks`. The ``mask`` output is per-pixel class **logits** of shape
(batch, image_size, image_size, 1 + C), in the resized input frame.

FCN-8s (Long, Shelhamer, Darrell): 1x1 class-score convolutions on each tap; the stride-32 scores are
upsampled x2 by a transposed convolution and added to the stride-16 scores, that sum x2 and added to the
stride-8 scores, and the result x8 to the input size. The x2 transposed convolutions start as bilinear
interpolation and learn from there; the final x8 is fixed bilinear interpolation as in the paper (head option
``final_upsampling="learned"`` makes it a learned 16x16 transposed convolution instead).

Masked training: the loss is the mean cross-entropy over the non-void pixels of each image, one value per
image, so a ``sample_weight`` of 0 (an image without mask information) removes the image entirely.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import layers

from models.builder import HeadContext, HeadSpec, register_head

VOID = 255


@keras.saving.register_keras_serializable(package="flower_annotator")
class BilinearUpsampling(keras.initializers.Initializer):
    """Kernel of a ``Conv2DTranspose`` (k, k, out, in) that upsamples each channel bilinearly (out == in)."""

    def __call__(self, shape, dtype=None):
        k, _, n_out, n_in = shape
        factor = (k + 1) // 2
        centre = factor - 1 if k % 2 == 1 else factor - 0.5
        og = np.ogrid[:k, :k]
        filt = (1 - abs(og[0] - centre) / factor) * (1 - abs(og[1] - centre) / factor)
        kernel = np.zeros((k, k, n_out, n_in), np.float32)
        for i in range(min(n_out, n_in)):
            kernel[:, :, i, i] = filt
        return keras.ops.convert_to_tensor(kernel, dtype=dtype or "float32")

    def get_config(self) -> dict:
        return {}


def _match(x: keras.KerasTensor, target_hw: tuple[int, int], name: str) -> keras.KerasTensor:
    """Crop or zero-pad ``x`` (bottom/right) to ``target_hw``; skip sizes can differ by a pixel (Xception)."""
    h, w = int(x.shape[1]), int(x.shape[2])
    th, tw = target_hw
    if (h, w) == (th, tw):
        return x
    if h > th or w > tw:
        x = layers.Cropping2D(((0, max(h - th, 0)), (0, max(w - tw, 0))), name=f"{name}_crop")(x)
    h, w = int(x.shape[1]), int(x.shape[2])
    if h < th or w < tw:
        x = layers.ZeroPadding2D(((0, th - h), (0, tw - w)), name=f"{name}_pad")(x)
    return x


def build_seg(taps: dict[int, keras.KerasTensor], ctx: HeadContext) -> dict[str, keras.KerasTensor]:
    """FCN-8s: ``mask`` logits (batch, image_size, image_size, 1 + C) from the stride 32, 16 and 8 taps."""
    k = ctx.num_classes + 1
    up = BilinearUpsampling()

    def score(stride: int) -> keras.KerasTensor:
        return layers.Conv2D(k, 1, name=f"mask_score{stride}")(taps[stride])

    s16, s8 = score(16), score(8)
    x = layers.Conv2DTranspose(
        k, 4, strides=2, padding="same", use_bias=False, kernel_initializer=up, name="mask_up2"
    )(score(32))
    x = layers.Add(name="mask_fuse16")([_match(x, s16.shape[1:3], "mask_up2"), s16])
    x = layers.Conv2DTranspose(
        k, 4, strides=2, padding="same", use_bias=False, kernel_initializer=up, name="mask_up4"
    )(x)
    x = layers.Add(name="mask_fuse8")([_match(x, s8.shape[1:3], "mask_up4"), s8])
    if ctx.options.get("final_upsampling", "bilinear") == "learned":
        x = layers.Conv2DTranspose(
            k, 16, strides=8, padding="same", use_bias=False, kernel_initializer=up, name="mask_up8"
        )(x)
    else:
        # FCN-8s keeps its last x8 transposed convolution fixed at bilinear interpolation; UpSampling2D computes
        # the same thing 2.4x faster on a CPU than a 16x16 transposed convolution.
        x = layers.UpSampling2D(8, interpolation="bilinear", name="mask_up8")(x)
    x = _match(x, (ctx.image_size, ctx.image_size), "mask_up8")
    return {"mask": layers.Activation("linear", dtype="float32", name="mask")(x)}


@keras.saving.register_keras_serializable(package="flower_annotator")
class MaskedSegLoss(keras.losses.Loss):
    """Per-image mean softmax cross-entropy over non-void pixels (``255`` ignored); 0 for an all-void image.

    ``y_true``: (batch, H, W) int class indices (or (batch, H, W, 1)); ``y_pred``: (batch, H, W, K) logits.
    """

    def __init__(self, name: str = "mask_loss", **kwargs):
        super().__init__(name=name, **kwargs)

    def call(self, y_true, y_pred):
        logits = tf.cast(y_pred, tf.float32)
        labels = tf.cast(tf.reshape(y_true, tf.shape(logits)[:-1]), tf.int32)
        valid = tf.cast(labels != VOID, tf.float32)
        safe = tf.where(labels == VOID, tf.zeros_like(labels), labels)
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=safe, logits=logits) * valid
        return tf.math.divide_no_nan(tf.reduce_sum(ce, axis=[1, 2]), tf.reduce_sum(valid, axis=[1, 2]))


@keras.saving.register_keras_serializable(package="flower_annotator")
class MaskMeanIoU(keras.metrics.Metric):
    """Mean IoU over classes (background included) from a running confusion matrix.

    Void pixels (255) and images with sample weight 0 are not counted; classes absent from both the truth
    and the prediction so far are left out of the mean.
    """

    def __init__(self, num_classes: int, name: str = "miou", **kwargs):
        super().__init__(name=name, **kwargs)
        self.num_classes = int(num_classes)
        self.confusion = self.add_variable(
            shape=(self.num_classes, self.num_classes), initializer="zeros", name="confusion", dtype="float32"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        logits = tf.cast(y_pred, tf.float32)
        labels = tf.cast(tf.reshape(y_true, tf.shape(logits)[:-1]), tf.int32)
        pred = tf.argmax(logits, axis=-1, output_type=tf.int32)
        weight = tf.cast(labels != VOID, tf.float32)
        if sample_weight is not None:
            sw = tf.reshape(tf.cast(sample_weight, tf.float32), [-1, 1, 1])
            weight = weight * sw
        labels = tf.where(labels == VOID, tf.zeros_like(labels), labels)
        cm = tf.math.confusion_matrix(
            tf.reshape(labels, [-1]),
            tf.reshape(pred, [-1]),
            num_classes=self.num_classes,
            weights=tf.reshape(weight, [-1]),
            dtype=tf.float32,
        )
        self.confusion.assign_add(cm)

    def result(self):
        return miou_from_confusion_tf(self.confusion)

    def reset_state(self):
        self.confusion.assign(tf.zeros_like(self.confusion))

    def get_config(self) -> dict:
        return {"num_classes": self.num_classes, "name": self.name}


def miou_from_confusion_tf(cm: tf.Tensor) -> tf.Tensor:
    """Mean IoU over classes that occur in truth or prediction, from a (K, K) confusion (rows = truth)."""
    cm = tf.convert_to_tensor(cm, tf.float32)
    inter = tf.linalg.diag_part(cm)
    union = tf.reduce_sum(cm, 0) + tf.reduce_sum(cm, 1) - inter
    present = union > 0
    return tf.math.divide_no_nan(
        tf.reduce_sum(tf.where(present, inter / tf.maximum(union, 1.0), 0.0)),
        tf.reduce_sum(tf.cast(present, tf.float32)),
    )


def confusion_matrix(true: np.ndarray, pred: np.ndarray, num_classes: int) -> np.ndarray:
    """(K, K) int64 pixel counts, rows = truth, columns = prediction; void (255) pixels skipped."""
    t = np.asarray(true).reshape(-1).astype(np.int64)
    p = np.asarray(pred).reshape(-1).astype(np.int64)
    keep = (t != VOID) & (t < num_classes)
    return np.bincount(t[keep] * num_classes + p[keep], minlength=num_classes**2).reshape(
        num_classes, num_classes
    )


def mean_iou(cm: np.ndarray) -> tuple[float, np.ndarray]:
    """``(mIoU, per-class IoU)`` from a confusion matrix; classes absent everywhere get ``nan`` and are skipped."""
    cm = np.asarray(cm, np.float64)
    inter = np.diag(cm)
    union = cm.sum(0) + cm.sum(1) - inter
    per_class = np.where(union > 0, inter / np.maximum(union, 1), np.nan)
    present = ~np.isnan(per_class)
    return (float(per_class[present].mean()) if present.any() else 0.0), per_class


def seg_targets(sample: dict[str, tf.Tensor], ctx: HeadContext) -> tuple[dict, dict]:
    """``mask`` target (S, S) int32 and weight 1 when the image has (real or pseudo) mask information."""
    mask = tf.cast(tf.reshape(sample["mask"], (ctx.image_size, ctx.image_size)), tf.int32)
    return {"mask": mask}, {"mask": tf.cast(sample["has_mask"], tf.float32)}


def decode_seg(outputs: dict[str, np.ndarray], prediction, ctx: HeadContext, options) -> None:
    """``prediction.mask``: the per-pixel argmax resized (nearest) to the image's pixels, uint8."""
    import cv2

    labels = np.asarray(outputs["mask"]).argmax(axis=-1).astype(np.uint8)
    prediction.mask = cv2.resize(
        labels, (int(prediction.width), int(prediction.height)), interpolation=cv2.INTER_NEAREST
    )


def evaluate_seg(pairs: list, ctx: HeadContext) -> dict[str, float]:
    """``mask_miou`` over the images that have mask information, in the resized input frame."""
    k = ctx.num_classes + 1
    cm = np.zeros((k, k), np.int64)
    n = 0
    for outputs, sample in pairs:
        true = getattr(sample, "mask", None)
        if true is None or not bool(getattr(sample, "has_mask", True)):
            continue
        cm += confusion_matrix(true, np.asarray(outputs["mask"]).argmax(axis=-1), k)
        n += 1
    miou, _ = mean_iou(cm)
    return {"mask_miou": miou if n else 0.0, "mask_n_images": n}


def training_mask_source(root):
    """`models.data.MaskSource` for training: the user's mask when there is one, else a GrabCut pseudo-mask.

    User masks come from ``ROOT/SegmentationClass/<id>.png`` (`models.data.default_mask_source`); images with
    boxes and no user mask get `annotator.core.pseudo_masks.load_or_make_pseudo_mask`, cached under
    ``ROOT/.flower-annotator/pseudo_masks/`` and painted in the predefined class order (what the data loader's
    lookup table expects; boxes of classes outside that list are void there).
    """
    from pathlib import Path

    from annotator.core.pseudo_masks import load_or_make_pseudo_mask
    from annotator.core.resources import predefined_classes
    from models.data import default_mask_source

    root = Path(root)
    user = default_mask_source(root)
    names = list(predefined_classes())

    def source(image_path, annotation, size):
        mask, real = user(image_path, annotation, size)
        if mask is not None:
            return mask, real
        pseudo = load_or_make_pseudo_mask(root, image_path, annotation, names)
        if pseudo is not None and pseudo.shape != (size[1], size[0]):
            raise ValueError(f"{image_path}: pseudo-mask is {pseudo.shape[::-1]} but the image is {size}")
        return pseudo, pseudo is not None

    return source


def _dataset_index(image_path: str, image_id: str, cache: dict) -> tuple[object, object] | None:
    """``(dataset root, xml path)`` of a training image, trying its folder and the one above (VOC layout)."""
    from pathlib import Path

    from models.data import labelled_images

    for root in (Path(image_path).parent, Path(image_path).parent.parent):
        if root not in cache:
            cache[root] = {i: xml for i, _, xml in labelled_images(root)}
        if image_id in cache[root]:
            return root, cache[root][image_id]
    return None


def prepare_seg(samples, ctx: HeadContext) -> dict:
    """Give training images that have boxes but no mask a GrabCut pseudo-mask (in place), unless disabled.

    Runs on the training split only (validation keeps real masks only, so ``val_mask_miou`` is measured against
    what the user drew). Pseudo-masks are cached by `annotator.core.pseudo_masks` under
    ``DATASET/.flower-annotator/pseudo_masks/``. Head option ``pseudo_masks`` (default True) turns this off.

    Returns:
        ``{"pseudo_masks_made": n}``, the number of images that got one.
    """
    import cv2

    from annotator.core import voc
    from annotator.core.pseudo_masks import load_or_make_pseudo_mask
    from annotator.core.resources import predefined_classes

    if not ctx.options.get("pseudo_masks", True) or len(samples) == 0:
        return {"pseudo_masks_made": 0}
    predefined = list(predefined_classes())
    lut = np.full(256, VOID, np.uint8)
    lut[0] = 0
    for k, name in enumerate(predefined):
        if name in ctx.class_names:
            lut[k + 1] = ctx.class_names.index(name) + 1
    cache: dict = {}
    made = 0
    for i in range(len(samples)):
        if samples.has_mask[i] or len(samples.boxes[i]) == 0:
            continue
        found = _dataset_index(samples.paths[i], samples.ids[i], cache)
        if found is None:
            continue
        root, xml = found
        try:
            mask = load_or_make_pseudo_mask(root, samples.paths[i], voc.read(xml), predefined)
        except (OSError, ValueError):
            continue  # the image trains its boxes; the mask head just skips it
        if mask is None:
            continue
        size = (samples.image_size, samples.image_size)
        samples.masks[i] = lut[cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)]
        samples.has_mask[i] = True
        made += 1
    return {"pseudo_masks_made": made}


def mask_in_file_order(mask: np.ndarray, class_names) -> np.ndarray:
    """Model-order mask (``k + 1`` = ``class_names[k]``) -> file order (predefined classes first, then the rest)."""
    from annotator.core.resources import predefined_classes

    order = list(predefined_classes())
    order += [c for c in class_names if c not in order]
    lut = np.full(256, VOID, np.uint8)
    lut[0] = 0
    for k, name in enumerate(class_names):
        lut[k + 1] = order.index(name) + 1
    return lut[np.asarray(mask, np.uint8)]


def write_prediction_mask(prediction, out_path) -> None:
    """Write ``prediction.mask`` as a VOC palette PNG (image pixels, file class order); nothing without a mask."""
    from annotator.core.masks import write_mask_png

    if prediction.mask is not None:
        write_mask_png(out_path, mask_in_file_order(prediction.mask, prediction.class_names))


register_head(
    HeadSpec(
        name="seg",
        outputs=("mask",),
        strides=(8, 16, 32),
        build=build_seg,
        targets=seg_targets,
        losses=lambda ctx: {"mask": MaskedSegLoss()},
        metrics=lambda ctx: {"mask": [MaskMeanIoU(ctx.num_classes + 1)]},
        loss_weights={"mask": 1.0},
        prepare=prepare_seg,
        decode=decode_seg,
        evaluate=evaluate_seg,
    )
)
