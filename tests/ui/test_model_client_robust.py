"""ModelClient against hostile or unlucky workers: real subprocesses stopped (SIGSTOP), killed (SIGKILL), or
writing a malformed frame. Each time `worker_crashed` says what happened and the next request gets a fresh worker."""

from __future__ import annotations

import os
import signal
import sys
import textwrap

import pytest

from annotator.ui.model.client import ModelClient

# A peer that answers "ready" correctly and then writes one malformed frame (an unknown dtype), then waits.
_BAD_PEER = textwrap.dedent(
    """
    import json, struct, sys, time
    out = sys.stdout.buffer
    def frame(h):
        b = json.dumps(h).encode()
        out.write(struct.pack("<Q", len(b)) + b)
        out.flush()
    frame({"id": 0, "kind": "ready", "pid": 1})
    frame({"id": 1, "kind": "prediction", "_arrays": [["boxes", "%s", [2, 4]]]})
    time.sleep(60)
    """
)


@pytest.fixture
def client(qtbot):
    c = ModelClient()
    c.heartbeat_s = 0.2
    c.stall_timeout_s = 2.0
    yield c
    c.shutdown()


def _start(qtbot, client) -> int:
    with qtbot.waitSignal(client.worker_started, timeout=30000) as started:
        client.ensure_worker()
    return started.args[0]


def test_a_stopped_worker_is_noticed_killed_and_replaced(qtbot, client, tmp_path):
    pid = _start(qtbot, client)
    failed = []
    client.model_load_failed.connect(lambda path, message: failed.append(message))
    os.kill(pid, signal.SIGSTOP)
    try:
        with qtbot.waitSignal(client.worker_crashed, timeout=15000) as crashed:
            client.load_model(str(tmp_path / "m.keras"))  # pending when it stalls: failed with the reason
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    assert "stopped answering" in crashed.args[0] and "annotations are safe" in crashed.args[0]
    assert failed and "stopped answering" in failed[0]
    assert client.worker_pid is None
    with qtbot.waitSignal(client.model_load_failed, timeout=30000) as again:
        client.load_model(str(tmp_path / "nope.keras"))
    assert "nope.keras" in again.args[1]
    assert client.worker_pid not in (None, pid)


def test_a_busy_but_alive_worker_is_not_mistaken_for_a_stalled_one(qtbot, client):
    pid = _start(qtbot, client)
    crashes = []
    client.worker_crashed.connect(crashes.append)
    qtbot.wait(int(client.stall_timeout_s * 2000))  # idle for twice the deadline: heartbeats keep it trusted
    assert crashes == [] and client.worker_pid == pid


def test_sigkill_is_reported_and_the_next_request_works(qtbot, client, tmp_path):
    pid = _start(qtbot, client)
    with qtbot.waitSignal(client.worker_crashed, timeout=10000) as crashed:
        os.kill(pid, signal.SIGKILL)
    assert "SIGKILL" in crashed.args[0]
    with qtbot.waitSignal(client.model_load_failed, timeout=30000):
        client.load_model(str(tmp_path / "nope.keras"))
    assert client.worker_pid not in (None, pid)


@pytest.mark.parametrize("dtype", ["not-a-dtype", "|O", "<U3"])
def test_a_malformed_frame_from_the_peer_is_reported_not_a_silent_hang(qtbot, client, dtype):
    client.worker_command = [sys.executable, "-c", _BAD_PEER % dtype]
    with qtbot.waitSignal(client.worker_crashed, timeout=15000) as crashed:
        client.ensure_worker()
    assert "malformed" in crashed.args[0] and "annotations are safe" in crashed.args[0]
    assert client.worker_pid is None


def test_a_prediction_frame_with_missing_fields_is_reported(qtbot, client):
    script = _BAD_PEER.replace('"_arrays": [["boxes", "%s", [2, 4]]]', '"image_id": 7')
    client.worker_command = [sys.executable, "-c", script]
    with qtbot.waitSignal(client.worker_crashed, timeout=15000) as crashed:
        client.ensure_worker()
    assert "malformed" in crashed.args[0]


def _peer_sending(event: dict) -> list[str]:
    """A peer that answers "ready", then writes ``event`` (a well-formed frame), then waits."""
    script = _BAD_PEER.replace(
        'frame({"id": 1, "kind": "prediction", "_arrays": [["boxes", "%s", [2, 4]]]})', f"frame({event!r})"
    )
    return [sys.executable, "-c", script]


@pytest.mark.parametrize(
    "event, words",
    [
        (
            {"id": 1, "kind": "progress", "event": {"kind": "epoch", "losses": "high"}},
            "ProgressEvent.losses must be a mapping of names to numbers, got 'high'",
        ),
        ({"id": 1, "kind": "progress", "event": {"kind": "epoch", "speed": 3}}, "unknown field(s) 'speed'"),
        ({"id": 1, "kind": "progress"}, "a progress event must be a JSON object, got NoneType"),
        ({"id": 1, "kind": "applause"}, "an event of unknown kind 'applause'"),
    ],
)
def test_a_garbled_progress_event_or_unknown_event_is_reported_not_a_crash(qtbot, client, event, words):
    client.worker_command = _peer_sending(event)
    seen = []
    client.progress.connect(seen.append)
    with qtbot.waitSignal(client.worker_crashed, timeout=15000) as crashed:
        client.ensure_worker()
    assert "malformed" in crashed.args[0] and words in crashed.args[0]
    assert "annotations are safe" in crashed.args[0] and not seen and client.worker_pid is None


def test_a_garbled_training_result_fails_the_run_with_the_reason(qtbot, client, tmp_path):
    from annotator.core.worker_messages import TrainRequest

    client.worker_command = _peer_sending({"id": 1, "kind": "done", "result": {"status": "exploded"}})
    finished = []
    client.training_finished.connect(finished.append)
    with qtbot.waitSignal(client.training_failed, timeout=15000) as failed:
        client.train(TrainRequest(str(tmp_path), str(tmp_path / "m.keras")))
    assert "TrainOutcome.status must be one of" in failed.args[0] and "'exploded'" in failed.args[0]
    assert not finished and not client.is_training
