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
        return _nest_safe_reduce(tf.distribute.MultiWorkerMirroredStrategy())
    raise ValueError(f"strategy must be one of {', '.join(STRATEGIES)}, got {name!r}")


def is_chief(strategy: tf.distribute.Strategy) -> bool:
    """Whether this process writes files: always, except the non-chief workers of a multi-worker cluster."""
    resolver = getattr(strategy, "cluster_resolver", None)
    if resolver is None or not resolver.task_type:
        return True
    spec = resolver.cluster_spec().as_dict()
    if "chief" in spec:
        return resolver.task_type == "chief"
    return resolver.task_type == "worker" and int(resolver.task_id or 0) == 0


def _nest_safe_reduce(strategy: tf.distribute.Strategy) -> tf.distribute.Strategy:
    """Work around two Keras 3.15 gaps with `MultiWorkerMirroredStrategy`:

    - `fit` reduces its first (nested) data batch with ``strategy.reduce`` only to learn shapes; the collective
      strategy cannot reduce a nest: nests get the first local replica's values (what building needs);
    - the per-step logs (scalars) are reduced with ``axis=0``, which a scalar does not have: scalars are
      reduced without an axis (the same mean over replicas).
    """
    original = strategy.reduce

    def reduce(reduce_op, value, axis=None):
        if tf.nest.is_nested(value):
            return tf.nest.map_structure(lambda v: strategy.experimental_local_results(v)[0], value)
        if axis is not None:
            local = strategy.experimental_local_results(value)[0]
            if local.shape.rank == 0:
                axis = None
        return original(reduce_op, value, axis=axis)

    strategy.reduce = reduce
    return strategy
