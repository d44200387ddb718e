"""The model worker's wire protocol, shared by the GUI's client and `models.worker`: plain Python + numpy.

Lives in ``annotator.core`` (not ``annotator.ui``) so that the worker, which may import the core but never Qt, uses
the very same code as the client.

Transport: the worker's stdin carries requests, a private duplicate of its stdout carries events (the worker points
its file descriptor 1 at stderr so that a stray ``print`` from a library can never corrupt the stream).
Each message is one frame::

    8 bytes  little-endian unsigned length of the JSON header
    header   UTF-8 JSON object; ``"_arrays": [[name, dtype, shape], ...]`` lists the arrays that follow
    arrays   raw C-order bytes of each array, in that order (no pickle anywhere)

Requests (client -> worker), each with an integer ``id`` chosen by the client:
    ``train``      ``request``: an `annotator.core.worker_messages.TrainRequest` (``TrainRequest.to_message()``;
                   the worker decodes it with ``TrainRequest.from_message`` and answers a bad one with ``error``
                   "bad train request: ..." naming the field).
    ``predict``    ``model``: model path, ``image``: image path (also the result's image id),
                   ``score_threshold``, ``nms_iou``.
    ``cam``        a `annotator.core.cam.CamRequest` (``model``, ``image``, ``class_index`` or null for the predicted
                   class, ``score_threshold``, ``nms_iou``): answered like ``predict``, the prediction carrying the
                   "why this class" heat map (``cam``, ``cam_class``).
    ``load_model`` ``model``: model path; answered by ``done`` with ``result`` = the model's info.
    ``evaluate``   the fields of `annotator.core.evaluation_messages.EvaluateRequest`: predict every labelled image
                   of a folder (``progress`` events with ``event.kind`` ``evaluate``, then one ``evaluation``).
    ``cancel``     ``target``: id of the training (or evaluate) request to stop (stops within one batch).
    ``shutdown``   cancels what runs and exits.
Events (worker -> client), each with the ``id`` of the request it answers (``0`` for ``ready``):
    ``ready``      the worker imported its libraries and takes requests (``pid``).
    ``progress``   ``event``: an `annotator.core.worker_messages.ProgressEvent` (``to_message()`` /
                   ``from_message``).
    ``prediction`` header fields + arrays of one `annotator.core.prediction.Prediction`.
    ``evaluation`` a folder's stored predictions and ground truth (`annotator.core.evaluation_messages`).
    ``error``      ``message`` (one line a user can read), ``detail`` (traceback).
    ``done``       ``result``: for ``train`` an `annotator.core.worker_messages.TrainOutcome` (``to_message()``),
                   otherwise a JSON object (model info, ...); ``skipped: true`` when a newer predict request
                   superseded this one before it ran.
    ``heartbeat``  sent every ``FLOWER_WORKER_HEARTBEAT_S`` seconds by a thread of its own, so a worker that stops
                   answering (SIGSTOP, a deadlock holding the interpreter) is noticed; `WorkerProcess.read` consumes
                   it (it only updates `WorkerProcess.last_seen`), no caller ever sees it.

Limits: a header is at most `MAX_HEADER_BYTES`, an array at most `MAX_ARRAY_BYTES` with at most `MAX_NDIM`
dimensions, a frame at most `MAX_ARRAYS` arrays, of the plain numeric dtypes only. Anything else, and any frame
that is truncated or not shaped as above, raises `ProtocolError` (and nothing else): the reader treats its peer
as broken. The client treats an event of an unknown kind, and a progress event, prediction or training result
that its decoder refuses, the same way.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import fields
from typing import IO, Any

import numpy as np

from annotator.core.prediction import Prediction

REQUEST_KINDS = ("train", "predict", "cam", "load_model", "evaluate", "mistakes", "cancel", "shutdown")
EVENT_KINDS = ("ready", "progress", "prediction", "evaluation", "error", "done", "heartbeat")
_LEN = struct.Struct("<Q")
MAX_HEADER_BYTES = 16 * 1024 * 1024
MAX_ARRAY_BYTES = 1024 * 1024 * 1024
MAX_ARRAYS = 64
MAX_NDIM = 8
_MAX_HEADER = MAX_HEADER_BYTES  # the old name
_DTYPE_KINDS = "biuf"  # bool, signed, unsigned, float: what a Prediction holds
HEARTBEAT_ENV = "FLOWER_WORKER_HEARTBEAT_S"
DEFAULT_HEARTBEAT_S = 2.0


class ProtocolError(ValueError):
    """A frame on the worker pipe could not be decoded."""


Arrays = dict[str, np.ndarray]


def write_message(stream: IO[bytes], header: dict[str, Any], arrays: Arrays | None = None) -> None:
    """Write one frame (JSON header + raw arrays) and flush.

    Raises:
        BrokenPipeError / OSError: the other side has gone.
    """
    arrays = arrays or {}
    specs = []
    blobs = []
    if len(arrays) > MAX_ARRAYS:
        raise ProtocolError(f"{len(arrays)} arrays in one frame; the limit is {MAX_ARRAYS}")
    for name, array in arrays.items():
        a = np.ascontiguousarray(array)
        if a.dtype.kind not in _DTYPE_KINDS or a.dtype.fields is not None:
            raise ProtocolError(f"array {name!r} has dtype {a.dtype}, which the protocol does not carry")
        if a.nbytes > MAX_ARRAY_BYTES or a.ndim > MAX_NDIM:
            raise ProtocolError(f"array {name!r} of shape {a.shape} is over the protocol's limits")
        specs.append([name, a.dtype.str, list(a.shape)])
        blobs.append(a.tobytes())
    data = json.dumps({**header, "_arrays": specs}, allow_nan=True).encode("utf-8")
    if len(data) > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {len(data)} bytes is larger than the {MAX_HEADER_BYTES}-byte limit")
    stream.write(_LEN.pack(len(data)) + data + b"".join(blobs))
    stream.flush()


def _read_exact(stream: IO[bytes], n: int) -> bytes | None:
    chunks = []
    remaining = n
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            if remaining == n:
                return None
            raise ProtocolError(f"stream ended inside a frame ({n - remaining} of {n} bytes read)")
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def read_message(stream: IO[bytes]) -> tuple[dict[str, Any], Arrays] | None:
    """Read one frame; ``None`` at a clean end of stream.

    Raises:
        ProtocolError: a truncated or malformed frame, or one over the limits (the only error raised for any
            bytes on the stream).
    """
    raw = _read_exact(stream, _LEN.size)
    if raw is None:
        return None
    (length,) = _LEN.unpack(raw)
    if length > MAX_HEADER_BYTES:
        raise ProtocolError(f"header of {length} bytes is larger than the {MAX_HEADER_BYTES}-byte limit")
    body = _read_exact(stream, length)
    if body is None:
        raise ProtocolError("stream ended before the header")
    header = _decode_header(body)
    arrays: Arrays = {}
    for name, dt, shape in _array_specs(header.pop("_arrays", [])):
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        data = _read_exact(stream, count * dt.itemsize) if count else b""
        if data is None:
            raise ProtocolError(f"stream ended before array {name!r}")
        arrays[name] = np.frombuffer(data, dtype=dt).reshape(shape).copy()
    return header, arrays


def _decode_header(body: bytes) -> dict[str, Any]:
    try:
        header = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(f"header is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise ProtocolError("header is nested too deeply") from exc
    if not isinstance(header, dict):
        raise ProtocolError(f"header is a JSON {type(header).__name__}, not an object")
    return header


def _array_specs(specs: Any) -> list[tuple[str, np.dtype, tuple[int, ...]]]:
    """Check the ``_arrays`` list of a header: names, plain numeric dtypes, bounded shapes; before reading."""
    if not isinstance(specs, list) or len(specs) > MAX_ARRAYS:
        raise ProtocolError(f"'_arrays' must be a list of at most {MAX_ARRAYS} [name, dtype, shape] entries")
    checked = []
    for spec in specs:
        if not (isinstance(spec, list) and len(spec) == 3):
            raise ProtocolError(f"array entry {spec!r:.80} is not [name, dtype, shape]")
        name, dtype, shape = spec
        if not isinstance(name, str) or not isinstance(dtype, str):
            raise ProtocolError(f"array entry {spec!r:.80}: name and dtype must be strings")
        try:
            dt = np.dtype(dtype)
        except (TypeError, ValueError, SyntaxError) as exc:
            raise ProtocolError(f"array {name!r:.40}: unknown dtype {dtype!r:.40}") from exc
        if dt.kind not in _DTYPE_KINDS or dt.fields is not None or dt.subdtype is not None:
            raise ProtocolError(f"array {name!r:.40}: dtype {dtype!r:.40} is not a plain number type")
        if not (
            isinstance(shape, list)
            and len(shape) <= MAX_NDIM
            and all(
                isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= MAX_ARRAY_BYTES for d in shape
            )
        ):
            raise ProtocolError(f"array {name!r:.40}: shape {shape!r:.80} is not a list of sizes")
        nbytes = dt.itemsize
        for d in shape:
            nbytes *= d
            if nbytes > MAX_ARRAY_BYTES:
                raise ProtocolError(
                    f"array {name!r:.40} of shape {shape} is larger than the {MAX_ARRAY_BYTES}-byte limit"
                )
        checked.append((name, dt, tuple(shape)))
    return checked


_ARRAY_FIELDS = {
    "boxes",
    "scores",
    "classes",
    "loc_box",
    "loc_probs",
    "raw_boxes",
    "raw_scores",
    "raw_classes",
    "objectness",
    "anchors",
    "mask",
    "cam",
}


def prediction_to_message(prediction: Prediction) -> tuple[dict[str, Any], Arrays]:
    """Split a `Prediction` into a JSON-able header and its numpy arrays (``None`` fields are left out)."""
    header: dict[str, Any] = {}
    arrays: Arrays = {}
    for f in fields(Prediction):
        value = getattr(prediction, f.name)
        if f.name in _ARRAY_FIELDS:
            if value is not None:
                arrays[f.name] = np.asarray(value)
        elif f.name == "class_names":
            header[f.name] = [str(n) for n in value]
        else:
            header[f.name] = value.item() if isinstance(value, np.generic) else value
    return header, arrays


def prediction_from_message(header: dict[str, Any], arrays: Arrays) -> Prediction:
    """The inverse of `prediction_to_message`; unknown header keys (``id``, ``kind``) are ignored.

    Raises:
        ProtocolError: required fields are missing or of the wrong kind.
    """
    known = {f.name for f in fields(Prediction)}
    kwargs = {k: v for k, v in header.items() if k in known and k not in _ARRAY_FIELDS}
    kwargs.update({k: v for k, v in arrays.items() if k in known})
    if not isinstance(kwargs.get("image_id"), str) or not isinstance(kwargs.get("class_names", []), list):
        raise ProtocolError("prediction frame without a string image_id and a list of class names")
    try:
        return Prediction(**kwargs)
    except (TypeError, ValueError) as exc:
        raise ProtocolError(f"prediction frame does not make a Prediction: {exc}") from exc


def worker_command() -> list[str]:
    """The command line that starts a worker: this interpreter running ``-m models.worker``."""
    return [sys.executable, "-m", "models.worker"]


class WorkerProcess:
    """A running ``models.worker`` process and its two pipes; plain Python, used by the Qt client and ``render``.

    Writing is thread-safe. Reading is done by whoever calls `read` (the Qt client does it on its own QThread);
    `events` offers a background reader thread + queue for synchronous callers.
    """

    def __init__(
        self,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        command: list[str] | None = None,
        heartbeat_s: float | None = None,
    ) -> None:
        child_env = dict(os.environ if env is None else env)
        if heartbeat_s is not None:
            child_env[HEARTBEAT_ENV] = str(float(heartbeat_s))
        child_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        child_env.setdefault("PYTHONUNBUFFERED", "1")
        # The worker must find `models` even when the app runs from a source tree.
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        child_env["PYTHONPATH"] = os.pathsep.join(p for p in (root, child_env.get("PYTHONPATH", "")) if p)
        self.stderr_lines: list[str] = []
        self.protocol_error: str | None = None
        """Why `read` gave up on the stream (a malformed frame), or None."""
        self.last_seen = time.monotonic()
        """`time.monotonic()` of the last frame (heartbeats included) read from the worker."""
        self._proc = subprocess.Popen(
            command or worker_command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=child_env,
            cwd=cwd,
            bufsize=0,
            start_new_session=True,
        )
        self._write_lock = threading.Lock()
        self._next_id = 0
        self._id_lock = threading.Lock()
        self._stderr_thread = threading.Thread(target=self._drain_stderr, daemon=True)
        self._stderr_thread.start()
        self._queue: queue.Queue[tuple[dict[str, Any], Arrays] | None] | None = None

    @property
    def pid(self) -> int:
        return self._proc.pid

    @property
    def returncode(self) -> int | None:
        return self._proc.poll()

    def alive(self) -> bool:
        return self._proc.poll() is None

    def _drain_stderr(self) -> None:
        assert self._proc.stderr is not None
        for raw in iter(self._proc.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip()
            self.stderr_lines.append(line)
            del self.stderr_lines[:-200]

    def new_id(self) -> int:
        with self._id_lock:
            self._next_id += 1
            return self._next_id

    def send(self, kind: str, request_id: int | None = None, **fields_: Any) -> int:
        """Send one request and return its id.

        Raises:
            ValueError: an unknown request kind.
            BrokenPipeError: the worker has gone.
        """
        if kind not in REQUEST_KINDS:
            raise ValueError(f"unknown request kind {kind!r}; expected one of {REQUEST_KINDS}")
        rid = self.new_id() if request_id is None else request_id
        assert self._proc.stdin is not None
        with self._write_lock:
            write_message(self._proc.stdin, {"id": rid, "kind": kind, **fields_})
        return rid

    def read(self) -> tuple[dict[str, Any], Arrays] | None:
        """Block until the next event; ``None`` when the worker has gone (its stdout closed)."""
        assert self._proc.stdout is not None
        while True:
            try:
                message = read_message(self._proc.stdout)
            except ProtocolError as exc:
                self.protocol_error = str(exc)
                return None
            except (OSError, ValueError):
                return None
            if message is None:
                return None
            self.last_seen = time.monotonic()
            if message[0].get("kind") != "heartbeat":
                return message

    def next_event(self, timeout: float | None = None) -> tuple[dict[str, Any], Arrays] | None:
        """For synchronous callers: the next event from a background reader; ``None`` when the worker has gone.

        Raises:
            TimeoutError: nothing arrived within ``timeout`` seconds.
        """
        if self._queue is None:
            self._queue = queue.Queue()
            threading.Thread(target=self._pump, daemon=True).start()
        try:
            return self._queue.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no event from the model worker within {timeout} s") from None

    def _pump(self) -> None:
        assert self._queue is not None
        while True:
            message = self.read()
            self._queue.put(message)
            if message is None:
                return

    def last_error_lines(self, n: int = 5) -> str:
        return "\n".join(line for line in self.stderr_lines[-n:] if line)

    def stop(self, grace_s: float = 2.0) -> int | None:
        """Ask the worker to shut down, wait up to ``grace_s``, then kill it and its children. Returns the exit code."""
        if self.alive():
            try:
                self.send("shutdown")
            except OSError:
                pass
            try:
                self._proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_pipes()
        return self._proc.poll()

    def kill(self) -> None:
        """SIGKILL the worker's whole process group (it runs in its own session) and reap it."""
        if self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self._proc.kill()
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def _close_pipes(self) -> None:
        for stream in (self._proc.stdin,):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


def describe_exit(returncode: int | None, protocol_error: str | None = None) -> str:
    """A sentence for the user about how the worker ended."""
    if protocol_error:
        return f"The model worker sent a malformed message ({protocol_error[:200]}) and was stopped."
    if returncode is None:
        return "The model worker stopped answering."
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = f"signal {-returncode}"
        hint = " (the system may have run out of memory)" if -returncode == signal.SIGKILL else ""
        return f"The model worker was killed by {name}{hint}."
    return f"The model worker exited with code {returncode}."
