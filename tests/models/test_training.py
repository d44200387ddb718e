"""Real training runs on a tiny generated dataset: the loss falls, both phases run, cancel and NaN stop cleanly."""

from __future__ import annotations

import shutil
import threading

import keras
import numpy as np
import pytest

from annotator.core.worker_messages import ProgressEvent
from models.backbones import build_backbone
from models.builder import HeadSpec, register_head
from models.modelfile import load_model, read_info
from models.training import TrainError, train
from models.training.callbacks import CosineSchedule, ProgressAndGuards, StopTraining
from tests.models.conftest import scratch_config

_config = scratch_config  # the shared small from-scratch settings of tests/models/conftest.py


def test_from_scratch_loss_falls_and_best_model_is_written(scratch_run):
    result, events, out = scratch_run
    losses = [e["loss"] for e in result.history["full"]]
    assert losses[-1] < losses[0] * 0.9, losses
    assert result.model_path == str(out) and out.is_file()
    assert result.stopped in ("finished", "early stop")
    info = read_info(out)
    assert info.class_names == ["daisy", "roses", "tulips"] and info.backbone == "resnet34"
    assert info.train["seed"] == 0 and info.train["n_train"] + info.train["n_val"] == 24
    rates = [e["learning_rate"] for e in result.history["full"]]  # from scratch: a cosine decay by default
    assert all(a > b for a, b in zip(rates, rates[1:], strict=False)) and rates[-1] < 0.05 * 2e-3, rates
    best = min(e["val_loss"] for e in result.history["full"])
    assert info.metrics["val_loss"] == pytest.approx(best)
    assert "val_box_iou" in info.metrics and "val_cls_accuracy" in info.metrics


def test_progress_events_cover_phases_batches_epochs_and_done(scratch_run):
    _, events, _ = scratch_run
    kinds = [e.kind for e in events]
    assert kinds[-1] == "done" and "phase" in kinds and "epoch" in kinds
    batches = [e for e in events if e.kind == "batch" and e.phase == "full"]
    assert batches and all(e.batches == 3 and e.eta_s is not None and "loss" in e.losses for e in batches)
    epochs = [e for e in events if e.kind == "epoch"]
    assert [e.epoch for e in epochs] == list(range(1, 6)) and all(e.epochs == 5 for e in epochs)
    assert "val_box_iou" in epochs[0].metrics and "val_loss" in epochs[0].losses
    assert ProgressEvent.from_message(epochs[0].to_message()) == epochs[0]


def test_two_phases_with_a_weights_file(tiny_voc, tmp_path):
    weights = tmp_path / "backbone.weights.h5"
    build_backbone("tiny_test", image_size=32).save_weights(str(weights))
    events: list[ProgressEvent] = []
    result = train(
        _config(
            tiny_voc,
            tmp_path / "m.keras",
            backbone="tiny_test",
            weights=str(weights),
            epochs=1,
            head_epochs=4,
        ),
        progress=events.append,
    )
    assert list(result.history) == ["heads", "fine_tune"]
    phases = [e.phase for e in events if e.kind == "phase"]
    assert phases == ["loading", "features", "features", "heads", "fine_tune"]
    heads = result.history["heads"]
    assert heads[-1]["loss"] < heads[0]["loss"]
    model, info = load_model(result.model_path)
    assert info.heads == ["loc"] and model.get_layer("backbone") is not None


def test_cancel_stops_within_one_batch_and_keeps_the_best_model(tiny_voc, tmp_path):
    cancel = threading.Event()
    events: list[ProgressEvent] = []

    def progress(event: ProgressEvent) -> None:
        events.append(event)
        if event.kind == "epoch" and event.epoch == 1:
            cancel.set()  # during epoch 2 the first batch check stops the run

    result = train(
        _config(tiny_voc, tmp_path / "c.keras", backbone="tiny_test", epochs=50),
        progress=progress,
        cancel=cancel,
    )
    assert result.stopped == "cancelled" and len(result.history["full"]) == 1
    after = [e for e in events[[e.kind for e in events].index("epoch") + 1 :] if e.kind == "batch"]
    assert len(after) == 1  # the batch running when cancel was seen, then nothing
    assert result.model_path and load_model(result.model_path)[1].metrics  # epoch 1's model kept


def test_nan_loss_stops_and_never_saves(tiny_voc, tmp_path):
    def build(taps, ctx):
        x = keras.layers.GlobalAveragePooling2D(name="nan_gap")(taps[32])
        return {"nan_out": keras.layers.Dense(1, name="nan_out")(x)}

    def targets(sample, ctx):
        import tensorflow as tf

        return {"nan_out": tf.constant([np.nan], tf.float32)}, {"nan_out": tf.constant(1.0)}

    register_head(
        HeadSpec(
            "nan_test",
            ("nan_out",),
            (32,),
            build,
            targets,
            lambda ctx: {"nan_out": "mse"},
            lambda ctx: {},
            {"nan_out": 1.0},
        )
    )
    events: list[ProgressEvent] = []
    result = train(
        _config(tiny_voc, tmp_path / "n.keras", backbone="tiny_test", heads=("nan_test",)),
        progress=events.append,
    )
    assert result.stopped == "nan" and result.model_path is None
    assert not (tmp_path / "n.keras").exists()
    assert any("nan" in e.message for e in events if e.kind in ("log", "done"))


def test_guard_callback_raises_on_nan_and_budget():
    guard = ProgressAndGuards(lambda e: None, "full", 1, 1)
    with pytest.raises(StopTraining, match="nan"):
        guard.on_train_batch_end(0, {"loss": float("nan")})
    late = ProgressAndGuards(lambda e: None, "full", 1, 1, deadline=0.0)
    with pytest.raises(StopTraining, match="time budget"):
        late.on_train_batch_end(0, {"loss": 1.0})


def test_cosine_schedule_warms_up_decays_and_ends_with_the_time_budget():
    schedule = CosineSchedule(1e-3, total_steps=100, warmup_steps=10, floor=0.01)
    rates = [schedule.rate(step) for step in range(101)]
    assert rates[0] < rates[5] < rates[9] < 1e-3  # linear warm-up
    assert rates[10] == pytest.approx(1e-3)  # the peak, then a strict decay
    assert all(a > b for a, b in zip(rates[10:], rates[11:], strict=False))
    assert rates[55] == pytest.approx(1e-3 * (0.01 + 0.99 * 0.5))  # half-way down the cosine
    assert rates[100] == pytest.approx(1e-5)
    # with a time budget, the used share of the budget drives the decay when it runs ahead of the steps
    budget = CosineSchedule(1e-3, total_steps=1000, deadline=100.0, floor=0.0)
    budget._t0 = 0.0
    assert budget.rate(10, now=50.0) == pytest.approx(0.5e-3)
    assert budget.rate(10, now=150.0) == pytest.approx(0.0)
    assert budget.rate(750, now=1.0) == pytest.approx(1e-3 * 0.5 * (1 + np.cos(np.pi * 0.75)))


def test_defaults_depend_on_pretrained_weights_and_never_override_a_choice():
    from models.training import TrainConfig, resolve_defaults

    def chosen(config):
        return config.image_size, config.width, config.epochs, config.learning_rate, config.patience

    assert chosen(resolve_defaults(TrainConfig("d", "m.keras", weights=None))) == (128, 1.0, 60, 2e-3, 10)
    assert chosen(resolve_defaults(TrainConfig("d", "m.keras", weights="none"))) == (128, 1.0, 60, 2e-3, 10)
    assert chosen(resolve_defaults(TrainConfig("d", "m.keras", weights="imagenet"))) == (
        224,
        1.0,
        20,
        1e-3,
        5,
    )
    mobile = TrainConfig("d", "m.keras", backbone="mobilenetv2", weights=None)
    assert chosen(resolve_defaults(mobile)) == (192, 0.5, 60, 2e-3, 10)
    mobile = TrainConfig("d", "m.keras", backbone="mobilenetv2", weights="imagenet")
    assert chosen(resolve_defaults(mobile)) == (224, 1.0, 20, 1e-3, 5)
    mine = TrainConfig(
        "d",
        "m.keras",
        backbone="mobilenetv2",
        weights=None,
        image_size=64,
        width=0.75,
        epochs=3,
        learning_rate=0.1,
        patience=1,
    )
    assert chosen(resolve_defaults(mine)) == (64, 0.75, 3, 0.1, 1)


def test_a_width_the_backbone_lacks_stops_training_before_reading_data(tmp_path):
    from models.training import TrainConfig

    config = TrainConfig(
        str(tmp_path / "nothing"), str(tmp_path / "m.keras"), backbone="resnet34", weights=None, width=0.5
    )
    with pytest.raises(TrainError, match="width must be one of 1.0 for resnet34, got 0.5"):
        train(config)
    assert not (tmp_path / "m.keras").exists()


def test_same_seed_same_start(tiny_voc):
    from models.builder import build_model

    keras.utils.set_random_seed(5)
    a = build_model(["a", "b"], backbone="resnet34", image_size=32).get_weights()
    keras.utils.set_random_seed(5)
    b = build_model(["a", "b"], backbone="resnet34", image_size=32).get_weights()
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_bad_settings_are_clear_errors(tmp_path):
    with pytest.raises(TrainError, match="no labelled images"):
        train(_config(tmp_path, tmp_path / "m.keras"))
    with pytest.raises(TrainError, match=".keras"):
        train(_config(tmp_path, tmp_path / "m.h5"))
    with pytest.raises(TrainError, match="schedule 'sgdr'.*cosine"):
        train(_config(tmp_path, tmp_path / "m.keras", lr_schedule="sgdr"))
    empty = tmp_path / "missing"
    with pytest.raises(TrainError, match="not found"):
        train(_config(empty, tmp_path / "m.keras"))
    shutil.rmtree(tmp_path / "missing", ignore_errors=True)


def test_same_seed_same_training(tiny_voc, tmp_path):
    runs = [
        train(
            _config(tiny_voc, tmp_path / f"s{i}.keras", backbone="tiny_test", epochs=2, augment=True, seed=3)
        )
        for i in range(2)
    ]
    assert runs[0].history == runs[1].history
    a, b = (load_model(r.model_path)[0].get_weights() for r in runs)
    assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_cancel_while_loading_returns_without_a_model(tiny_voc, tmp_path):
    cancel = threading.Event()
    cancel.set()
    result = train(_config(tiny_voc, tmp_path / "x.keras", backbone="tiny_test"), cancel=cancel)
    assert result.stopped == "cancelled" and result.model_path is None
    assert not (tmp_path / "x.keras").exists()
