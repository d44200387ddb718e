"""`--strategy mirrored` and `--strategy multi-worker` run the same training through tf.distribute.

Mirrored: one process with two logical CPU devices (set before TensorFlow starts, hence a fresh process).
Multi-worker: two processes on localhost joined by ``TF_CONFIG``; only the chief writes the model file.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = textwrap.dedent(
    """
    import json, sys
    import tensorflow as tf, keras; keras.config.disable_traceback_filtering()
    if sys.argv[3] == "mirrored":
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
    from models.training.strategy import make_strategy
    strategy = make_strategy(sys.argv[3])  # created first: collectives must be set up before other TF work
    from models.backbones import register_backbone
    from tests.models.conftest import _tiny_backbone
    register_backbone("tiny_test", _tiny_backbone, fine_tune_from="tiny_conv2")
    import models.training as training
    training.make_strategy = lambda name: strategy
    from models.training import TrainConfig, train
    config = TrainConfig(sys.argv[1], sys.argv[2], backbone="tiny_test", weights=None, image_size=32, epochs=1,
                         batch_size=8, augment=True, strategy=sys.argv[3], seed=0)
    result = train(config)
    print(json.dumps({"replicas": strategy.num_replicas_in_sync, "model": result.model_path,
                      "loss": [e["loss"] for e in result.history["full"]]}))
    """
)


def _run(args, env, timeout=300):
    return subprocess.Popen(
        [sys.executable, "-c", SCRIPT, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _env(**extra) -> dict:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT), **extra)
    if "TF_CONFIG" not in extra:
        env.pop("TF_CONFIG", None)
    return env


def _result(proc) -> dict:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-3000:]
    return json.loads(out.strip().splitlines()[-1])


def test_mirrored_on_two_logical_cpus(tiny_voc, tmp_path):
    out = tmp_path / "mirrored.keras"
    result = _result(_run([str(tiny_voc), str(out), "mirrored"], _env()))
    assert result["replicas"] == 2
    assert result["model"] == str(out) and out.is_file()
    assert all(v == v for v in result["loss"])  # no NaN


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_multi_worker_two_processes(tiny_voc, tmp_path):
    workers = [f"localhost:{_free_port()}", f"localhost:{_free_port()}"]
    procs = []
    for index in range(2):
        tf_config = json.dumps({"cluster": {"worker": workers}, "task": {"type": "worker", "index": index}})
        out = tmp_path / f"worker{index}.keras"
        procs.append(_run([str(tiny_voc), str(out), "multi-worker"], _env(TF_CONFIG=tf_config)))
    chief, other = (_result(p) for p in procs)
    assert chief["replicas"] == 2 and other["replicas"] == 2
    assert chief["model"] == str(tmp_path / "worker0.keras") and Path(chief["model"]).is_file()
    assert other["model"] is None and not (tmp_path / "worker1.keras").exists()
    assert chief["loss"] == other["loss"]  # one synchronous training, seen from both workers
