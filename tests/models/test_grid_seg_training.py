"""All four heads on one backbone: shapes at several input sizes, and a short real training run whose losses fall."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from models.builder import build_model, compile_args, head_contexts  # noqa: E402
from tests.models.heads_synthetic import make_batch_targets  # noqa: E402

CLASSES = ["rose", "tulip"]


@pytest.mark.parametrize("size", [64, 96])
def test_grid_and_mask_outputs_follow_the_input_size(size):
    model = build_model(CLASSES, backbone="mobilenetv2", image_size=size, heads="loc,grid,seg")
    out = model(np.zeros((1, size, size, 3), np.float32))
    s = size // 32
    assert out["grid"].shape == (1, s, s, 5 * (5 + 2))
    assert out["mask"].shape == (1, size, size, 3)
    assert out["cls"].shape == (1, 2) and out["box"].shape == (1, 4)


def test_multitask_training_losses_fall():
    keras.utils.set_random_seed(0)
    size, heads = 64, ("loc", "grid", "seg")
    opts = {"grid": {"anchors": [[0.2, 0.2], [0.35, 0.35], [0.5, 0.5]]}}
    model = build_model(CLASSES, backbone="mobilenetv2", image_size=size, heads=heads, head_options=opts)
    ctxs = head_contexts(CLASSES, heads, backbone="mobilenetv2", image_size=size, head_options=opts)
    model.compile(optimizer=keras.optimizers.Adam(2e-3), **compile_args(heads, ctxs))
    x, y, w = make_batch_targets(16, size, heads, ctxs)
    assert w["mask"].tolist().count(0.0) == 4 and w["grid"].min() == 1.0

    hist = model.fit(x, y, sample_weight=w, batch_size=8, epochs=12, verbose=0).history
    for k in ("grid", "mask", "box"):
        first, last = hist[f"{k}_loss"][0], hist[f"{k}_loss"][-1]
        assert last < 0.8 * first, (k, hist[f"{k}_loss"])
