"""`tf.distribute` strategies for ``--strategy``: one device, all local accelerators, or many workers."""

from __future__ import annotations

import tensorflow as tf

STRATEGIES = ("default", "mirrored", "multi-worker")


def make_strategy(name: str = "default") -> tf.distribute.Strategy:
    """The strategy for ``name``.

    - ``default``: the current (single-device) strategy.
    - ``mirrored``: `tf.distribute.MirroredStrategy` over every local GPU; without GPUs, over every logical CPU
      device (a test configures two), so the same code path runs on a laptop.
    - ``multi-worker``: `tf.distribute.MultiWorkerMirroredStrategy`, the cluster from the ``TF_CONFIG``
      environment variable (each worker runs the same command).

    Raises:
        ValueError: an unknown name (quoted).
    """
    if name == "default":
        return tf.distribute.get_strategy()
    if name == "mirrored":
        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        return tf.distribute.MirroredStrategy(devices=devices)
    if name == "multi-worker":
        return tf.distribute.MultiWorkerMirroredStrategy()
    raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {name!r}")
