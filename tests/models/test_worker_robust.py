"""The real `models.worker` answering malformed requests: an error event, never a silent death."""

from __future__ import annotations

import json
import struct

from annotator.core.worker_protocol import WorkerProcess


def _ready(worker: WorkerProcess) -> None:
    header, _ = worker.next_event(60)
    assert header["kind"] == "ready"


def test_a_request_with_fields_of_the_wrong_kind_is_answered_and_the_worker_goes_on():
    worker = WorkerProcess()
    try:
        _ready(worker)
        worker.send("cancel", target="not-a-number")
        header, _ = worker.next_event(30)
        assert header["kind"] == "error" and "bad request" in header["message"]
        worker.send("load_model", model="/nonexistent/m.keras")
        header, _ = worker.next_event(60)
        assert header["kind"] == "error" and worker.alive()
    finally:
        worker.stop()


def test_a_malformed_request_frame_is_reported_before_the_worker_leaves():
    worker = WorkerProcess()
    try:
        _ready(worker)
        body = json.dumps({"id": 1, "kind": "predict", "_arrays": [["a", "zz", [1]]]}).encode()
        worker._proc.stdin.write(struct.pack("<Q", len(body)) + body)
        worker._proc.stdin.flush()
        header, _ = worker.next_event(30)
        assert header["kind"] == "error" and "bad request frame" in header["message"]
        assert worker.next_event(30) is None  # then it exits: the pipe is not trusted any more
    finally:
        worker.stop()
