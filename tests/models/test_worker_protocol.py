"""The worker wire protocol and the worker process plumbing (no model needed: these requests fail or stop)."""

from __future__ import annotations

import io
import os
import signal
import time

import numpy as np
import pytest

from annotator.core.prediction import Prediction
from annotator.core.worker_protocol import (
    ProtocolError,
    WorkerProcess,
    describe_exit,
    prediction_from_message,
    prediction_to_message,
    read_message,
    write_message,
)


def _full_prediction() -> Prediction:
    rng = np.random.default_rng(0)
    return Prediction(
        image_id="/data/flower 1.jpg",
        width=64,
        height=48,
        class_names=["daisy", "roses"],
        boxes=np.array([[1.5, 2.0, 30.0, 40.0]], np.float32),
        scores=np.array([0.9], np.float32),
        classes=np.array([1], np.int32),
        loc_box=np.array([1.0, 2.0, 3.0, 4.0], np.float32),
        loc_probs=np.array([0.1, 0.9], np.float32),
        raw_boxes=rng.random((5, 4), dtype=np.float32),
        raw_scores=rng.random(5, dtype=np.float32),
        raw_classes=np.arange(5, dtype=np.int32) % 2,
        objectness=rng.random((2, 2, 3), dtype=np.float32),
        anchors=rng.random((3, 2), dtype=np.float32),
        mask=rng.integers(0, 3, (48, 64), dtype=np.uint8),
        latency_ms=12.5,
    )


def test_prediction_round_trips_through_a_frame_with_every_field():
    p = _full_prediction()
    buf = io.BytesIO()
    header, arrays = prediction_to_message(p)
    write_message(buf, {"id": 7, "kind": "prediction", **header}, arrays)
    buf.seek(0)
    h2, a2 = read_message(buf)
    q = prediction_from_message(h2, a2)
    assert h2["id"] == 7 and q.image_id == p.image_id and q.class_names == p.class_names
    for name in (
        "boxes",
        "scores",
        "classes",
        "loc_box",
        "loc_probs",
        "raw_boxes",
        "objectness",
        "anchors",
        "mask",
    ):
        a, b = getattr(p, name), getattr(q, name)
        assert a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b), name
    assert q.grid_shape == (2, 2) and q.latency_ms == 12.5
    assert read_message(buf) is None  # clean end of stream


def test_missing_optional_fields_stay_none_and_empty_arrays_keep_shape():
    p = Prediction("a.jpg", 10, 10, ["daisy"])
    header, arrays = prediction_to_message(p)
    assert "mask" not in arrays and "objectness" not in arrays
    buf = io.BytesIO()
    write_message(buf, header, arrays)
    buf.seek(0)
    q = prediction_from_message(*read_message(buf))
    assert q.mask is None and q.objectness is None and q.boxes.shape == (0, 4)


def test_truncated_frame_and_object_arrays_are_errors_not_garbage():
    buf = io.BytesIO()
    write_message(buf, {"kind": "x"}, {"a": np.arange(100, dtype=np.int64)})
    data = buf.getvalue()
    with pytest.raises(ProtocolError, match="ended"):
        read_message(io.BytesIO(data[:-10]))
    with pytest.raises(ProtocolError, match="object"):
        write_message(io.BytesIO(), {}, {"bad": np.array([object()])})
    with pytest.raises(ProtocolError, match="JSON"):
        read_message(io.BytesIO(len(b"{nope").to_bytes(8, "little") + b"{nope"))


def test_exit_descriptions_name_the_signal():
    assert "SIGKILL" in describe_exit(-signal.SIGKILL) and "memory" in describe_exit(-signal.SIGKILL)
    assert "code 3" in describe_exit(3)


def test_real_worker_answers_errors_and_shuts_down_cleanly(tmp_path):
    worker = WorkerProcess()
    try:
        header, _ = worker.next_event(30)
        assert header["kind"] == "ready" and header["pid"] == worker.pid
        rid = worker.send("predict", model=str(tmp_path / "missing.keras"), image=str(tmp_path / "x.jpg"))
        header, _ = worker.next_event(30)
        assert header["id"] == rid and header["kind"] == "error"
        assert "missing.keras" in header["message"]
        rid = worker.send("cancel", target=999)
        header, _ = worker.next_event(30)
        assert header == {"id": rid, "kind": "done", "result": {"cancelled": False}}
        with pytest.raises(ValueError, match="unknown request kind"):
            worker.send("format_disk")
    finally:
        code = worker.stop(2.0)
    assert code == 0 and not worker.alive()


def test_worker_exits_when_its_parent_closes_the_pipe():
    worker = WorkerProcess()
    worker.next_event(30)
    worker._proc.stdin.close()  # what happens when the GUI process dies
    deadline = time.monotonic() + 5
    while worker.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not worker.alive() and worker.returncode == 0


def test_killed_worker_is_reported_as_gone():
    worker = WorkerProcess()
    worker.next_event(30)
    os.kill(worker.pid, signal.SIGKILL)
    assert worker.next_event(10) is None
    worker.kill()
    assert worker.returncode == -signal.SIGKILL


def test_error_messages_say_a_value_errors_words_without_its_type_name():
    """The checks of data, models and requests raise ValueError with words for the user: the window shows the
    words ("the model knows ...", not "ValueError: the model knows ..."); other errors keep their type name, whose
    text alone could be a bare key or number; only the first line is kept."""
    from models.worker import _user_message

    assert _user_message(ValueError("the model knows daisy, and none of them is labelled\nmore")) == (
        "the model knows daisy, and none of them is labelled"
    )
    assert _user_message(KeyError("box")) == "KeyError: 'box'"
    assert _user_message(RuntimeError()) == "RuntimeError"
    assert _user_message(ValueError()) == "ValueError"
