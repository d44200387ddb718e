"""The model worker process: ``python -m models.worker``. It owns every TensorFlow object of the app.

The GUI never imports TensorFlow; its client (`annotator.ui.model.client`) starts this module as a subprocess and
talks to it with the frames of `annotator.core.worker_protocol` over stdin/stdout. Threads here:

- the main thread reads requests; ``cancel`` and ``shutdown`` act at once;
- a training thread runs one ``train`` request at a time (`models.training.train` with a progress callback and a
  cancel event checked every batch);
- a prediction thread runs ``predict`` / ``cam`` / ``load_model`` / ``mistakes`` in order; a ``predict`` or ``cam``
  still waiting when a newer one arrives is answered ``done`` with ``skipped`` (the user has already moved on), so
  fast navigation never queues stale work. ``cam`` is a ``predict`` that also carries the "why this class" heat map
  (`annotator.core.cam.CamRequest`). ``mistakes`` (the loaded model's likely label mistakes on a folder,
  `models.mistakes.mistakes_with_model`) answers ``done`` with ``{"report": <the mistakes file's JSON>}``.
- an evaluation thread runs one ``evaluate`` at a time (`models.evaluation_job`); it uses the model under the same
  lock as the prediction thread, one batch at a time, so the shown image is still predicted meanwhile.

When stdin closes (the GUI died) the worker cancels what runs and exits, so no process is left behind.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import sys
import threading
import time
import traceback
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from annotator.core.atomic import atomic_write_bytes
from annotator.core.cam import CAM_KIND, CamRequest
from annotator.core.geometry import DEFAULT_NMS_IOU, PREDICT_SCORE_FLOOR
from annotator.core.worker_messages import MessageError, ProgressEvent, TrainOutcome, TrainRequest
from annotator.core.worker_protocol import (
    DEFAULT_HEARTBEAT_S,
    HEARTBEAT_ENV,
    prediction_to_message,
    read_message,
    write_message,
)

_BATCH_EVENT_INTERVAL_S = 0.1
_SHUTDOWN_GRACE_S = 1.5


def _jsonable(value: Any) -> Any:
    """Numpy scalars/arrays, paths and dataclasses turned into JSON values; non-finite floats into None."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return _jsonable(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _numbers(figures: dict[str, Any]) -> dict[str, float]:
    """The numeric entries of a metrics dict (Keras may log other things), as floats."""
    return {
        str(k): float(v)
        for k, v in figures.items()
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)
    }


def _user_message(exc: BaseException) -> str:
    """The first line of ``exc`` for the window. A ValueError's text is the message (the checks of the data, the
    model and the request raise it with words meant for the user): "ValueError: " in front of it says nothing to
    a user; other errors keep their type name (an unexpected KeyError's text alone would be a bare key)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if text and type(exc) is ValueError:
        return text
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class Worker:
    """Request dispatcher; `emit` is the only writer of the event stream."""

    def __init__(self, out) -> None:
        self._out = out
        self._write_lock = threading.Lock()
        self._train_thread: threading.Thread | None = None
        self._train_id: int | None = None
        self._cancels: dict[int, threading.Event] = {}
        self._jobs: deque[dict[str, Any]] = deque()
        self._jobs_cv = threading.Condition()
        self._predictors: dict[str, tuple[float, Any]] = {}
        # TensorFlow calls on the loaded model, from the prediction thread or an evaluation, one at a time
        self._model_lock = threading.Lock()
        self._evaluation_id: int | None = None
        self._stopping = False
        threading.Thread(target=self._prediction_loop, name="predict", daemon=True).start()

    # -- output -------------------------------------------------------------------------------------------
    def emit(self, header: dict[str, Any], arrays: dict[str, np.ndarray] | None = None) -> None:
        with self._write_lock:
            try:
                write_message(self._out, header, arrays)
            except (BrokenPipeError, OSError):
                os._exit(0)  # the GUI is gone: nobody to answer

    def error(self, rid: int, exc: BaseException) -> None:
        self.emit(
            {"id": rid, "kind": "error", "message": _user_message(exc), "detail": traceback.format_exc()}
        )

    # -- requests -----------------------------------------------------------------------------------------
    def handle(self, request: dict[str, Any]) -> bool:
        """Dispatch one request; False means stop reading."""
        rid = int(request.get("id", 0))
        kind = request.get("kind")
        if kind == "train":
            try:
                train_request = TrainRequest.from_message(request.get("request"))
            except MessageError as exc:
                self.emit({"id": rid, "kind": "error", "message": f"bad train request: {exc}", "detail": ""})
                return True
            self._start_training(rid, train_request)
        elif kind in ("predict", CAM_KIND, "load_model", "mistakes"):
            if kind == CAM_KIND:
                try:
                    cam = CamRequest.from_message(request.get("request"))
                except MessageError as exc:
                    self.emit(
                        {"id": rid, "kind": "error", "message": f"bad cam request: {exc}", "detail": ""}
                    )
                    return True
                request = {"id": rid, "kind": kind, "model": cam.model, "image": cam.image, "cam": cam}
            with self._jobs_cv:
                if kind == "predict" and request.get("background"):
                    self._jobs.append(request)  # a folder scan: every image, after what the user looks at
                elif kind in ("predict", CAM_KIND):
                    shown = [
                        j
                        for j in self._jobs
                        if j["kind"] in ("predict", CAM_KIND) and not j.get("background")
                    ]
                    for job in shown:
                        self._jobs.remove(job)
                        self.emit({"id": job["id"], "kind": "done", "skipped": True, "result": {}})
                    self._jobs.appendleft(request)  # the shown image goes before any background scan
                else:
                    self._jobs.append(request)
                self._jobs_cv.notify()
        elif kind == "evaluate":
            self._start_evaluation(rid, request)
        elif kind == "cancel":
            target = request.get("target", self._train_id)
            event = self._cancels.get(int(target)) if target is not None else None
            if event is not None:
                event.set()
            self.emit({"id": rid, "kind": "done", "result": {"cancelled": event is not None}})
        elif kind == "shutdown":
            self.shutdown(rid)
            return False
        else:
            self.emit({"id": rid, "kind": "error", "message": f"unknown request kind {kind!r}", "detail": ""})
        return True

    def shutdown(self, rid: int = 0) -> None:
        self._stopping = True
        for event in self._cancels.values():
            event.set()
        thread = self._train_thread
        if thread is not None:
            thread.join(_SHUTDOWN_GRACE_S)
        self.emit({"id": rid, "kind": "done", "result": {"shutdown": True}})

    # -- training -----------------------------------------------------------------------------------------
    def _start_training(self, rid: int, request: TrainRequest) -> None:
        if self._train_thread is not None and self._train_thread.is_alive():
            self.emit(
                {
                    "id": rid,
                    "kind": "error",
                    "message": "A training run is already going; cancel it first.",
                    "detail": "",
                }
            )
            return
        cancel = threading.Event()
        self._cancels[rid] = cancel
        self._train_id = rid
        self._train_thread = threading.Thread(
            target=self._train, args=(rid, request, cancel), name="train", daemon=True
        )
        self._train_thread.start()

    def _train(self, rid: int, request: TrainRequest, cancel: threading.Event) -> None:
        history: list[dict[str, Any]] = []
        started = time.time()
        last_batch = [0.0]
        record_path = Path(request.out_path).with_name("run.json")
        settings = request.to_message()

        def progress(event: ProgressEvent) -> None:
            if event.kind == "batch":
                now = time.monotonic()
                if now - last_batch[0] < _BATCH_EVENT_INTERVAL_S:
                    return
                last_batch[0] = now
            data = event.to_message()
            if event.kind == "epoch":
                history.append(data)
            self.emit({"id": rid, "kind": "progress", "event": data})

        try:
            progress(ProgressEvent("phase", "starting", message="loading TensorFlow and the images"))
            from models.training import config_from_request, train

            result = train(config_from_request(request), progress=progress, cancel=cancel)
            status = str(getattr(result, "stopped", "")) or ("cancelled" if cancel.is_set() else "finished")
            outcome = TrainOutcome(
                status=status,
                model_path=result.model_path,
                metrics=_numbers(result.metrics),
                n_train=result.n_train,
                n_val=result.n_val,
                class_names=tuple(result.class_names),
                problems=tuple(result.problems),
                elapsed_s=max(0.0, float(result.elapsed_s)),
            )
            record = _jsonable(result)
            record["status"] = status
            self._write_record(record_path, settings, history, record, started, status)
            self.emit({"id": rid, "kind": "done", "result": outcome.to_message()})
        except Exception as exc:
            if cancel.is_set():  # stopped before any epoch (e.g. while reading the images): not a failure
                outcome = TrainOutcome("cancelled", message=_user_message(exc))
                self._write_record(record_path, settings, history, outcome.to_message(), started, "cancelled")
                self.emit({"id": rid, "kind": "done", "result": outcome.to_message()})
                return
            self._write_record(
                record_path, settings, history, {"error": _user_message(exc)}, started, "failed"
            )
            self.error(rid, exc)
        finally:
            self._cancels.pop(rid, None)

    @staticmethod
    def _write_record(
        path: Path,
        settings: dict[str, Any],
        history: list[dict[str, Any]],
        result: dict[str, Any],
        started: float,
        status: str,
    ) -> None:
        """Write ``run.json`` beside the model: the request's settings (``config``), per-epoch history, final
        metrics and image counts (``result``: ``n_train``, ``n_val``, ...), status, times."""
        if not path.parent.is_dir():
            return
        record = {
            "status": status,
            "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(started)),
            "duration_s": round(time.time() - started, 2),
            "config": _jsonable(settings),
            "history": _jsonable(history),
            "result": _jsonable(result),
        }
        try:
            atomic_write_bytes(path, json.dumps(record, indent=1).encode("utf-8"))
        except OSError as exc:
            print(f"could not write {path}: {exc}", file=sys.stderr)

    # -- evaluation ---------------------------------------------------------------------------------------
    def _start_evaluation(self, rid: int, request: dict[str, Any]) -> None:
        """Evaluate a folder on a thread of its own (`models.evaluation_job`); a newer request cancels an older."""
        previous = self._evaluation_id
        if previous is not None and previous in self._cancels:
            self._cancels[previous].set()
        cancel = threading.Event()
        self._cancels[rid] = cancel
        self._evaluation_id = rid

        def run() -> None:
            try:
                from models.evaluation_job import run_evaluation

                run_evaluation(rid, request, self._predictor, self._model_lock, self.emit, cancel)
            except Exception as exc:  # noqa: BLE001 - any failure is answered, the worker goes on
                self.error(rid, exc)
            finally:
                self._cancels.pop(rid, None)

        threading.Thread(target=run, name="evaluate", daemon=True).start()

    # -- prediction ---------------------------------------------------------------------------------------
    def _predictor(self, model_path: str) -> Any:
        mtime = os.stat(model_path).st_mtime
        cached = self._predictors.get(model_path)
        if cached is not None and cached[0] == mtime:
            return cached[1]
        from models.predict import Predictor

        predictor = Predictor(model_path)
        self._predictors = {model_path: (mtime, predictor)}  # one model in memory at a time
        return predictor

    @staticmethod
    def _mistakes(job: dict[str, Any], predictor: Any) -> dict[str, Any]:
        """The loaded model's likely label mistakes in ``job["data"]``: on its val split when the folder has
        one (images it did not train on), else on every labelled image (then ``note`` says so)."""
        from models.evaluate import split_file_ids
        from models.mistakes import mistakes_with_model

        data_dir, save_dir = str(job["data"]), job.get("save_dir") or None
        try:
            split_file_ids(data_dir, "val")
            split = "val"
        except FileNotFoundError:
            split = "all"
        report, figures = mistakes_with_model(
            predictor.model_path, data_dir, split=split, save_dir=save_dir, predictor=predictor
        )
        return {"report": _jsonable(report.to_json()), "split": split, "n_problems": figures["n_problems"]}

    def _prediction_loop(self) -> None:
        while True:
            with self._jobs_cv:
                while not self._jobs:
                    self._jobs_cv.wait()
                job = self._jobs.popleft()
            rid = int(job.get("id", 0))
            try:
                model_path = str(job["model"])
                with self._model_lock:
                    predictor = self._predictor(model_path)
                if job["kind"] == "load_model":
                    info = getattr(predictor, "info", None)
                    self.emit(
                        {"id": rid, "kind": "done", "result": {"model": model_path, "info": _jsonable(info)}}
                    )
                    continue
                if job["kind"] == "mistakes":
                    with self._model_lock:
                        result = self._mistakes(job, predictor)
                    self.emit({"id": rid, "kind": "done", "result": result})
                    continue
                start = time.perf_counter()
                with self._model_lock:  # shared with an evaluation running on its own thread
                    cam = job.get("cam")
                    if cam is not None:
                        prediction = predictor.predict_with_cam(
                            cam.image,
                            class_index=cam.class_index,
                            score_threshold=cam.score_threshold,
                            nms_iou=cam.nms_iou,
                        )
                    else:
                        prediction = predictor.predict(
                            str(job["image"]),
                            score_threshold=float(job.get("score_threshold", PREDICT_SCORE_FLOOR)),
                            nms_iou=float(job.get("nms_iou", DEFAULT_NMS_IOU)),
                        )
                prediction.image_id = str(job["image"])
                if not prediction.latency_ms:
                    prediction.latency_ms = (time.perf_counter() - start) * 1000.0
                header, arrays = prediction_to_message(prediction)
                self.emit(
                    {"id": rid, "kind": "prediction", "background": bool(job.get("background")), **header},
                    arrays,
                )
                self.emit({"id": rid, "kind": "done", "result": {"image": str(job["image"])}})
            except BaseException as exc:  # noqa: BLE001
                self.error(rid, exc)


def _request_id(request: dict[str, Any]) -> int:
    rid = request.get("id", 0)
    return rid if isinstance(rid, int) and not isinstance(rid, bool) else 0


def _heartbeat_interval() -> float:
    """Seconds between heartbeats (`annotator.core.worker_protocol.HEARTBEAT_ENV`); 0 or bad values: default."""
    try:
        value = float(os.environ.get(HEARTBEAT_ENV, DEFAULT_HEARTBEAT_S))
    except ValueError:
        return DEFAULT_HEARTBEAT_S
    return value if math.isfinite(value) and 0 < value <= 3600 else DEFAULT_HEARTBEAT_S


def _start_heartbeat(worker: Worker) -> None:
    """A daemon thread that tells the client every few seconds that this process still runs Python."""
    interval = _heartbeat_interval()

    def beat() -> None:
        while True:
            time.sleep(interval)
            worker.emit({"id": 0, "kind": "heartbeat"})

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()


def main() -> int:
    """Serve requests on stdin until ``shutdown`` or end of input; events go to the original stdout."""
    try:
        # The GUI must win the CPU over TensorFlow's thread pools on a small machine: its event loop stays smooth.
        os.nice(int(os.environ.get("FLOWER_WORKER_NICE", "5")))
    except (OSError, ValueError, AttributeError):
        pass
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed by a library goes to stderr, never into the event stream
    sys.stdout = sys.stderr
    worker = Worker(out)
    worker.emit({"id": 0, "kind": "ready", "pid": os.getpid()})
    _start_heartbeat(worker)
    stdin = sys.stdin.buffer
    while True:
        try:
            message = read_message(stdin)
        except ValueError as exc:
            worker.emit({"id": 0, "kind": "error", "message": f"bad request frame: {exc}", "detail": ""})
            break
        if message is None:
            worker.shutdown()
            break
        try:
            keep_going = worker.handle(message[0])
        except Exception as exc:  # noqa: BLE001 - a request with fields of the wrong kind: answer, go on
            worker.emit(
                {
                    "id": _request_id(message[0]),
                    "kind": "error",
                    "message": f"bad request: {_user_message(exc)}",
                }
            )
            continue
        if not keep_going:
            break
    out.flush()
    os._exit(0)  # TensorFlow's threads can delay a normal interpreter exit by seconds


if __name__ == "__main__":
    sys.exit(main())
