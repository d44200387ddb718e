"""ModelClient with a real worker process: start on first use, crash reporting and recovery, clean shutdown."""

from __future__ import annotations

import os
import signal
import time

import pytest

from annotator.ui.model.client import ModelClient


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers kill(0); read its state.
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def client(qtbot):
    c = ModelClient()
    yield c
    c.shutdown()


def test_no_worker_until_first_request_then_errors_come_back_as_signals(qtbot, client, tmp_path):
    assert client.worker_pid is None  # nothing started by constructing the client
    with qtbot.waitSignal(client.model_load_failed, timeout=30000) as blocker:
        client.load_model(str(tmp_path / "nope.keras"))
    assert "nope.keras" in blocker.args[1]
    assert client.worker_pid is not None and client.model_path is None


def test_killed_worker_is_reported_and_the_next_request_starts_a_fresh_one(qtbot, client, tmp_path):
    with qtbot.waitSignal(client.worker_started, timeout=30000) as started:
        client.ensure_worker()
    first = started.args[0]
    with qtbot.waitSignal(client.worker_crashed, timeout=10000) as crashed:
        os.kill(first, signal.SIGKILL)
    assert "SIGKILL" in crashed.args[0] and "annotations are safe" in crashed.args[0]
    assert client.worker_pid is None and client.crash_count == 1
    with qtbot.waitSignal(client.model_load_failed, timeout=30000):
        client.load_model(str(tmp_path / "nope.keras"))
    assert client.worker_pid not in (None, first)


def test_shutdown_leaves_no_process_and_takes_under_three_seconds(qtbot, client):
    with qtbot.waitSignal(client.worker_started, timeout=30000) as started:
        client.ensure_worker()
    pid = started.args[0]
    crashes = []
    client.worker_crashed.connect(crashes.append)
    t0 = time.monotonic()
    client.shutdown()
    assert time.monotonic() - t0 < 3.0
    assert _gone(pid)
    qtbot.wait(300)  # the reader's queued "ended" event arrives now: an asked-for exit is not a crash
    assert crashes == []
