"""The model worker's ``evaluate`` request: predict every labelled image of a folder once and send the results.

Runs on a thread of its own in `models.worker`, so the window's per-image predictions are not stuck behind it:
the model is used under the worker's model lock one batch at a time, and an image the user opens meanwhile is
predicted between two batches. Progress events (``event.kind == "evaluate"``, ``phase`` ``loading`` or
``predicting``, ``done`` of ``total``) at most every 0.1 s; cancel stops after the current batch and answers
``done`` with ``cancelled: true``. The answer is one ``evaluation`` frame
(`annotator.core.evaluation_messages.evaluation_to_message`), then ``done``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from annotator.core.evaluation_messages import EvaluateRequest, EvaluationResult, evaluation_to_message
from models.evaluate import EvaluationCancelled, evaluate_detailed

_PROGRESS_INTERVAL_S = 0.1
Emit = Callable[..., None]


class _LockedPredictor:
    """A `models.predict.Predictor` whose TensorFlow calls take ``lock`` (shared with the prediction thread)."""

    def __init__(self, predictor: Any, lock: threading.Lock) -> None:
        self._predictor = predictor
        self._lock = lock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._predictor, name)

    def outputs(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._predictor.outputs(*args, **kwargs)

    def refined_outputs(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._predictor.refined_outputs(*args, **kwargs)

    def decode(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return self._predictor.decode(*args, **kwargs)


def run_evaluation(
    rid: int,
    fields: dict[str, Any],
    load_predictor: Callable[[str], Any],
    lock: threading.Lock,
    emit: Emit,
    cancel: threading.Event,
) -> None:
    """Answer one ``evaluate`` request (``fields``: its header) through ``emit(header, arrays=None)``.

    Args:
        rid: the request id every event carries.
        fields: the request header (`EvaluateRequest` fields).
        load_predictor: the worker's cached model loader (called under ``lock``).
        lock: the worker's model lock.
        emit: the worker's event writer.
        cancel: set by a ``cancel`` request naming ``rid``.

    Raises:
        ValueError, OSError, ...: for the worker to answer as ``error`` (a bad request, an unreadable folder).
    """
    request = EvaluateRequest.from_message(fields)
    with lock:
        predictor = load_predictor(request.model)
    last = [0.0]

    def progress(phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < _PROGRESS_INTERVAL_S:
            return
        last[0] = now
        event = {"kind": "evaluate", "phase": phase, "done": int(done), "total": int(total)}
        emit({"id": rid, "kind": "progress", "event": event})

    try:
        figures, data = evaluate_detailed(
            request.model,
            request.data_dir,
            split=request.split,
            predictor=_LockedPredictor(predictor, lock),
            nms_iou=request.nms_iou,
            save_dir=request.save_dir,
            progress=progress,
            cancel=cancel,
        )
    except EvaluationCancelled:
        emit({"id": rid, "kind": "done", "result": {"cancelled": True}})
        return
    header, arrays = evaluation_to_message(EvaluationResult(data, figures, request.split))
    emit({"id": rid, "kind": "evaluation", **header}, arrays)
    emit({"id": rid, "kind": "done", "result": {"cancelled": False, "n_images": len(data)}})
