"""Training phases in the user's words: what the progress bar, the log and the curves say instead of the
worker's internal phase names (``loading``, ``features``, ``heads``, ``fine_tune``, ``full``).

Pure functions on plain values, so they work with a progress event in any shape (a dict or a dataclass).
Sentences are English templates marked with `_n`; functions take ``tr``, the caller's translate function
(the UI passes Qt's), so this module stays free of Qt.
"""

from __future__ import annotations

from collections.abc import Callable

Translate = Callable[[str], str]


def _n(text: str) -> str:
    """Marks ``text`` for translation where it is declared; the caller's ``tr`` translates it where it is shown."""
    return text


PHASE_TEXTS: dict[str, str] = {
    "starting": _n("starting TensorFlow"),
    "loading": _n("reading the labelled images"),
    "features": _n("passing the images through the pretrained network once"),
    "heads": _n("training the new layers"),
    "fine_tune": _n("fine-tuning the pretrained network"),
    "full": _n("training the whole network"),
}
"""Plain-language name of each phase `models.training.train` reports."""

EPOCH_TEXT = _n("epoch {0} of {1}")
BATCH_TEXT = _n("batch {0} of {1}")
LINE_TEXT = _n("{0}: {1}")


def phase_name(phase: str, tr: Translate = _n) -> str:
    """The plain-language name of ``phase`` (translated by ``tr``); an unknown phase is shown as it came."""
    text = PHASE_TEXTS.get(phase)
    return tr(text) if text is not None else phase


def phase_line(phase: str, epoch: int | None = None, epochs: int | None = None, tr: Translate = _n) -> str:
    """One line for the progress bar or the log, e.g. ``"training the new layers: epoch 3 of 20"``.

    Args:
        phase: the worker's phase name (``heads``, ``fine_tune``, ``full`` ...); ``""`` when none yet.
        epoch: the 1-based epoch within the phase; None or 0 when the phase has no epochs (loading, features).
        epochs: the planned epochs of the phase; None or 0 when unknown.
        tr: the caller's translate function.
    """
    name = phase_name(phase, tr) if phase else ""
    when = tr(EPOCH_TEXT).format(int(epoch), int(epochs)) if epoch and epochs else ""
    if name and when:
        return tr(LINE_TEXT).format(name, when)
    return name or when


def batch_text(batch: int | None, batches: int | None, tr: Translate = _n) -> str:
    """``"batch 5 of 12"``, or ``""`` when the counts are unknown."""
    return tr(BATCH_TEXT).format(int(batch), int(batches)) if batch and batches else ""


CURVE_TEXTS: dict[str, str] = {
    "loss": _n("total loss"),
    "box_loss": _n("box loss"),
    "cls_loss": _n("class loss"),
    "grid_loss": _n("grid loss"),
    "mask_loss": _n("mask loss"),
    "box_iou": _n("box IoU"),
    "cls_accuracy": _n("class accuracy"),
    "mask_miou": _n("mask IoU"),
}
"""Plain-language names of the figures the worker logs each epoch (``val_`` ones add `VALIDATION_TEXT`)."""
VALIDATION_TEXT = _n("{0} (validation)")


def curve_name(key: str, tr: Translate = _n) -> str:
    """The legend name of a logged figure: ``"val_box_iou"`` -> ``"box IoU (validation)"``; a key this module
    does not know is shown with spaces for underscores."""
    validation = key.startswith("val_")
    base = key[4:] if validation else key
    text = CURVE_TEXTS.get(base)
    name = tr(text) if text is not None else base.replace("_", " ")
    return tr(VALIDATION_TEXT).format(name) if validation else name
