"""The GUI's client of the model worker process: Qt signals in, protocol frames out. Never imports TensorFlow.

`ModelClient` lives in the GUI thread. The worker (``python -m models.worker``) is started on the first request;
a `_Reader` QObject on its own QThread blocks on the worker's event pipe and hands each event to the client through
a queued signal, so the GUI's event loop never waits on the worker. Writes are small frames sent directly.

If the worker dies (a crash, an out-of-memory SIGKILL) the client emits `worker_crashed` with a sentence for the
user, fails what was pending, and the next request starts a fresh worker. The window and its annotations are
untouched: they never lived in the worker.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from annotator.core.cam import CAM_KIND, CamRequest
from annotator.core.evaluation_messages import EvaluateRequest, evaluation_from_message
from annotator.core.geometry import DEFAULT_NMS_IOU, PREDICT_SCORE_FLOOR
from annotator.core.prediction import Prediction
from annotator.core.worker_messages import ProgressEvent, TrainOutcome, TrainRequest
from annotator.core.worker_protocol import (
    ProtocolError,
    WorkerProcess,
    describe_exit,
    prediction_from_message,
)
from annotator.ui.translations import tr as _tr

DEFAULT_STALL_TIMEOUT_S = (
    30.0  # no frame (not even a heartbeat) for this long: the worker has stopped answering
)


class _Reader(QObject):
    """Reads events of one worker process on a QThread; `ended` when the worker's stdout closes."""

    message = Signal(int, object, object)  # generation, header, arrays
    ended = Signal(int)

    def __init__(self, process: WorkerProcess, generation: int) -> None:
        super().__init__()
        self._process = process
        self._generation = generation

    @Slot()
    def run(self) -> None:
        try:
            while True:
                event = self._process.read()
                if event is None:
                    break
                self.message.emit(self._generation, event[0], event[1])
        except Exception as exc:  # noqa: BLE001 - whatever happens, the client must hear that the stream ended
            self._process.protocol_error = self._process.protocol_error or f"{type(exc).__name__}: {exc}"
        finally:
            self.ended.emit(self._generation)


class ModelClient(QObject):
    """Sends train / predict (or cam: predict with the heat map) / load_model / cancel requests and turns the worker's
    events into signals.

    Signals:
        worker_started(int): a fresh worker process with this pid is taking requests.
        progress(ProgressEvent): a training progress event (`annotator.core.worker_messages.ProgressEvent`).
        training_finished(TrainOutcome): how the run ended (``status``, ``model_path``, ``metrics``,
            ``n_train``, ``n_val`` ...).
        training_failed(str): a training run ended with an error (message for the user).
        model_loaded(str, dict): model path and its info (class names, heads, input size ...).
        prediction_ready(Prediction): a prediction for the image shown now (stale ones are dropped).
        prediction_failed(str, str): image path and error message.
        prediction_scanned(Prediction): a result of `predict_folder` (any image, never dropped).
        scan_finished(): the last image of a `predict_folder` scan is answered.
        mistakes_ready(dict): `find_mistakes`'s answer: ``report`` (the mistakes file's JSON, see
            `annotator.core.mistakes`), ``split`` (``val`` or ``all``), ``n_problems``.
        mistakes_failed(str): `find_mistakes` ended with an error (message for the user).
        worker_crashed(str): the worker died; what happened, in a sentence.
        busy_changed(bool): training started or ended.
        evaluation_progress(int, str, int, int): request id, phase (``loading`` / ``predicting``), done, total.
        evaluation_ready(int, EvaluationResult): request id and the folder's stored predictions
            (`annotator.core.evaluation_messages.EvaluationResult`).
        evaluation_finished(int, bool): request id, cancelled (after `evaluation_ready` unless cancelled).
        evaluation_failed(int, str): request id and a message for the user (the worker crashed, a bad folder).
    """

    worker_started = Signal(int)
    progress = Signal(object)
    training_finished = Signal(object)
    training_failed = Signal(str)
    model_loaded = Signal(str, dict)
    model_load_failed = Signal(str, str)
    prediction_ready = Signal(object)
    prediction_scanned = Signal(object)
    scan_finished = Signal()
    prediction_failed = Signal(str, str)
    mistakes_ready = Signal(dict)
    mistakes_failed = Signal(str)
    worker_crashed = Signal(str)
    busy_changed = Signal(bool)
    evaluation_progress = Signal(int, str, int, int)
    evaluation_ready = Signal(int, object)
    evaluation_finished = Signal(int, bool)
    evaluation_failed = Signal(int, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._process: WorkerProcess | None = None
        self._thread: QThread | None = None
        self._reader: _Reader | None = None
        self._generation = 0
        self._pending: dict[int, dict[str, Any]] = {}
        self._train_id: int | None = None
        self._stopping = False
        self.model_path: str | None = None
        # The loaded model has answered a prediction: a later crash is not the model's fault, so the model stays
        # selected and the next request (which names it) makes the fresh worker load it again.
        self._model_answered = False
        self.model_info: dict[str, Any] = {}
        self.current_image: str | None = None
        self.stale_dropped = 0
        self.skipped = 0
        """Predict requests the worker skipped because a newer one superseded them before they ran."""
        self.crash_count = 0
        self.score_threshold = PREDICT_SCORE_FLOOR
        self.nms_iou = DEFAULT_NMS_IOU
        self.explain = False
        """Ask for the "why this class" heat map with every prediction of the shown image (a `CamRequest`)."""
        self.explain_class: int | None = None
        """The class the heat map explains (index into the model's classes); None: the predicted class."""
        # Watchdog: the worker sends a heartbeat every `heartbeat_s`; silence for `stall_timeout_s` means it has
        # stopped (SIGSTOP, a deadlock): it is killed, `worker_crashed` says so, the next request starts afresh.
        self.stall_timeout_s = DEFAULT_STALL_TIMEOUT_S
        self.heartbeat_s: float | None = None  # None: the worker's default
        self.worker_command: list[str] | None = (
            None  # None: ``python -m models.worker`` (tests point it elsewhere)
        )
        self._stalled = False
        self._watchdog = QTimer(self)
        self._watchdog.setInterval(500)
        self._watchdog.timeout.connect(self._check_stall)

    # -- state ------------------------------------------------------------------------------------------------
    @property
    def is_training(self) -> bool:
        return self._train_id is not None

    @property
    def worker_pid(self) -> int | None:
        return self._process.pid if self._process is not None and self._process.alive() else None

    def worker_running(self) -> bool:
        return self._process is not None and self._process.alive()

    # -- requests ---------------------------------------------------------------------------------------------
    def ensure_worker(self) -> WorkerProcess:
        """Start a worker if none is running (the first request of a session, or after a crash)."""
        if self._process is not None and self._process.alive():
            return self._process
        if self._process is not None and not self._stopping:
            self._on_ended(self._generation)  # died before its reader noticed: report it first
        self._discard_process()
        self._generation += 1
        process = WorkerProcess(command=self.worker_command, heartbeat_s=self.heartbeat_s)
        self._stalled = False
        reader = _Reader(process, self._generation)
        thread = QThread(self)
        thread.setObjectName(f"model-worker-reader-{self._generation}")
        reader.moveToThread(thread)
        thread.started.connect(reader.run)
        reader.message.connect(self._on_message)
        reader.ended.connect(self._on_ended)
        reader.ended.connect(thread.quit)
        self._process, self._reader, self._thread = process, reader, thread
        thread.start()
        self._watchdog.setInterval(int(max(50, min(1000, self.stall_timeout_s * 250))))
        self._watchdog.start()
        return process

    @Slot()
    def _check_stall(self) -> None:
        process = self._process
        if process is None or self._stopping:
            self._watchdog.stop()
            return
        if time.monotonic() - process.last_seen > self.stall_timeout_s and process.alive():
            self._stalled = True
            self._on_ended(self._generation)

    def _send(self, kind: str, **fields: Any) -> int:
        process = self.ensure_worker()
        try:
            rid = process.send(kind, **fields)
        except OSError:
            # Died between the liveness check and the write: one fresh try.
            self._discard_process()
            process = self.ensure_worker()
            rid = process.send(kind, **fields)
        self._pending[rid] = {"kind": kind, **fields}
        return rid

    def train(self, request: TrainRequest) -> int:
        """Start the training run ``request`` describes; `progress` events follow, then `training_finished` or
        `training_failed`.

        Raises:
            RuntimeError: a run is already going.
        """
        if self.is_training:
            raise RuntimeError("A training run is already going; cancel it first.")
        self._train_id = self._send("train", request=request.to_message())
        self.busy_changed.emit(True)
        return self._train_id

    def cancel_training(self) -> None:
        """Ask the running training to stop within one batch; it keeps the best model so far."""
        if self._train_id is not None and self.worker_running():
            self._send("cancel", target=self._train_id)

    def load_model(self, model_path: str) -> int:
        """Load a model in the worker; `model_loaded` follows. Later predictions use it."""
        self.model_path = str(model_path)
        self._model_answered = False
        return self._send("load_model", model=self.model_path)

    def set_current_image(self, image_path: str | None) -> None:
        """The image the window shows now; predictions for any other image are dropped on arrival."""
        self.current_image = None if image_path is None else str(image_path)

    def predict(self, image_path: str) -> int | None:
        """Request predictions for ``image_path`` with the loaded model (and its heat map while `explain` is on);
        ``None`` when no model is loaded."""
        self.set_current_image(image_path)
        if not self.model_path:
            return None
        if self.explain:
            request = CamRequest(
                self.model_path,
                str(image_path),
                self.explain_class,
                float(self.score_threshold),
                float(self.nms_iou),
            )
            return self._send(CAM_KIND, request=request.to_message())
        return self._send(
            "predict",
            model=self.model_path,
            image=str(image_path),
            score_threshold=float(self.score_threshold),
            nms_iou=float(self.nms_iou),
        )

    def predict_folder(self, image_paths: list[str]) -> int:
        """Predict every image in the background (after the shown image's requests); `prediction_scanned` for
        each. Returns how many were queued (0 without a model)."""
        if not self.model_path:
            return 0
        for path in image_paths:
            self._send(
                "predict",
                model=self.model_path,
                image=str(path),
                score_threshold=float(self.score_threshold),
                nms_iou=float(self.nms_iou),
                background=True,
            )
        return len(image_paths)

    def evaluate(self, request: EvaluateRequest) -> int:
        """Evaluate a folder in the worker (`EvaluateRequest`); `evaluation_progress` events, then
        `evaluation_ready` and `evaluation_finished`, or `evaluation_failed`. Returns the request id."""
        return self._send("evaluate", **request.to_message())

    def cancel_evaluation(self, request_id: int) -> None:
        """Stop evaluation ``request_id`` after its current batch (answered `evaluation_finished` cancelled)."""
        if self._pending.get(request_id, {}).get("kind") == "evaluate" and self.worker_running():
            self._send("cancel", target=request_id)

    def _dispatch_evaluation(self, rid: int, header: dict[str, Any], arrays: dict[str, Any]) -> None:
        """The events of an ``evaluate`` request (a frame that does not decode raises `ProtocolError`)."""
        kind = header.get("kind")
        if kind == "progress":
            event = dict(header.get("event") or {})
            self.evaluation_progress.emit(
                rid, str(event.get("phase", "")), int(event.get("done", 0)), int(event.get("total", 0))
            )
        elif kind == "evaluation":
            self.evaluation_ready.emit(rid, evaluation_from_message(header, arrays))
        elif kind == "error":
            self._pending.pop(rid, None)
            self.evaluation_failed.emit(rid, str(header.get("message", "unknown error")))
        elif kind == "done":
            self._pending.pop(rid, None)
            self.evaluation_finished.emit(rid, bool((header.get("result") or {}).get("cancelled")))
        else:
            raise ProtocolError(f"an event of unknown kind {str(kind)[:40]!r}")

    def find_mistakes(self, data_dir: str, save_dir: str | None = None) -> int | None:
        """Ask the loaded model for the likely label mistakes of ``data_dir`` (its val split when the folder has
        one); `mistakes_ready` or `mistakes_failed` follows. ``None`` when no model is loaded."""
        if not self.model_path:
            return None
        return self._send("mistakes", model=self.model_path, data=str(data_dir), save_dir=save_dir or "")

    @property
    def scanning(self) -> bool:
        return any(r.get("background") for r in self._pending.values())

    # -- events -----------------------------------------------------------------------------------------------
    @Slot(int, object, object)
    def _on_message(self, generation: int, header: dict[str, Any], arrays: dict[str, Any]) -> None:
        if generation != self._generation:
            return
        try:
            self._handle_message(generation, header, arrays)
        except (TypeError, ValueError, AttributeError, KeyError) as exc:  # fields of the wrong kind
            if generation == self._generation and self._process is not None:
                self._process.protocol_error = f"{type(exc).__name__}: {exc}"
                self._on_ended(generation)

    def _handle_message(self, generation: int, header: dict[str, Any], arrays: dict[str, Any]) -> None:
        try:
            self._dispatch(header, arrays)
        except ProtocolError as exc:  # a message this client cannot read: the peer is broken
            if self._process is not None:
                self._process.protocol_error = str(exc)
            self._on_ended(generation)

    def _dispatch(self, header: dict[str, Any], arrays: dict[str, Any]) -> None:
        """Turn one event into signals.

        Raises:
            ProtocolError: an unknown event kind, or a progress event, prediction or training result that does
                not decode (`annotator.core.worker_messages.MessageError` is one).
        """
        kind = header.get("kind")
        rid = int(header.get("id", 0))
        request = self._pending.get(rid, {})
        if request.get("kind") == "evaluate" and kind != "ready":
            self._dispatch_evaluation(rid, header, arrays)
            return
        if kind == "ready":
            self.worker_started.emit(int(header.get("pid", 0)))
        elif kind == "progress":
            self.progress.emit(ProgressEvent.from_message(header.get("event")))
        elif kind == "prediction":
            prediction: Prediction = prediction_from_message(header, arrays)
            self._model_answered = True
            if header.get("background"):
                self.prediction_scanned.emit(prediction)
                if prediction.image_id == self.current_image:
                    self.prediction_ready.emit(prediction)
                return
            if prediction.image_id != self.current_image:
                self.stale_dropped += 1
                return
            self.prediction_ready.emit(prediction)
        elif kind == "error":
            self._pending.pop(rid, None)
            message = str(header.get("message", "unknown error"))
            self._fail(rid, request, message)
        elif kind == "done":
            if request.get("kind") == "train":
                outcome = TrainOutcome.from_message(header.get("result"))
                self._pending.pop(rid, None)
                self._end_training()
                self.training_finished.emit(outcome)
                return
            self._pending.pop(rid, None)
            result = dict(header.get("result") or {})
            if header.get("skipped"):
                self.skipped += 1
            if request.get("background") and not self.scanning:
                self.scan_finished.emit()
            if request.get("kind") == "load_model":
                self.model_info = dict(result.get("info") or {})
                self.model_loaded.emit(str(request.get("model")), self.model_info)
            elif request.get("kind") == "mistakes":
                self.mistakes_ready.emit(result)
        else:
            raise ProtocolError(f"an event of unknown kind {str(kind)[:40]!r}")

    def _fail(self, rid: int, request: dict[str, Any], message: str) -> None:
        kind = request.get("kind")
        if kind == "train" or rid == self._train_id:
            self._end_training()
            self.training_failed.emit(message)
        elif kind in ("predict", CAM_KIND):
            if request.get("background") and not self.scanning:
                self.scan_finished.emit()
            image = request.get("image") or (request.get("request") or {}).get("image")  # cam: inside
            if image == self.current_image:
                self.prediction_failed.emit(str(image), message)
        elif kind == "evaluate":
            self.evaluation_failed.emit(rid, message)
        elif kind == "load_model":
            if self.model_path == request.get("model"):
                self.model_path = None
            self.model_load_failed.emit(str(request.get("model")), message)
        elif kind == "mistakes":
            self.mistakes_failed.emit(message)

    def _end_training(self) -> None:
        if self._train_id is not None:
            self._train_id = None
            self.busy_changed.emit(False)

    @Slot(int)
    def _on_ended(self, generation: int) -> None:
        if generation != self._generation or self._stopping:
            return
        process = self._process
        returncode = None
        if process is not None:
            process.kill()  # reaps it; a no-op when it is already gone
            returncode = process.returncode
        self.crash_count += 1
        detail = process.last_error_lines(3) if process is not None else ""
        protocol_error = process.protocol_error if process is not None else None
        if self._stalled:
            reason = _tr("The model worker stopped answering for {0:g} s and was stopped.").format(
                self.stall_timeout_s
            )
        else:
            reason = describe_exit(returncode, protocol_error)
        message = reason + " " + _tr("Your annotations are safe; the next request starts a fresh worker.")
        if detail:
            message += "\n" + _tr("Last output: {0}").format(detail)
        pending = dict(self._pending)
        self._pending.clear()
        for rid, request in pending.items():
            if request.get("kind") == "load_model" and self._model_answered:
                continue  # its "done" was still on the way, but the model had already predicted
            if not request.get("background"):
                self._fail(rid, request, reason)
        if any(r.get("background") for r in pending.values()):
            self.scan_finished.emit()
        self._discard_process()
        self._stalled = False
        self.worker_crashed.emit(message)

    # -- shutdown ---------------------------------------------------------------------------------------------
    def _discard_process(self) -> None:
        thread, process = self._thread, self._process
        self._process = self._reader = self._thread = None
        self._generation += 1  # events still queued from that process are ignored from now on
        if process is not None:
            process.kill()
            process.stop(0)
        if thread is not None:
            thread.quit()
            thread.wait(2000)
            thread.deleteLater()

    def shutdown(self, grace_s: float = 1.5) -> None:
        """Cancel what runs, let the worker exit within ``grace_s`` seconds, else kill it. Leaves no process."""
        self._stopping = True
        try:
            if self._process is not None:
                self._process.stop(grace_s)
            self._discard_process()
            self._pending.clear()
            self._end_training()
        finally:
            self._stopping = False
