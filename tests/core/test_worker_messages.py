"""The typed messages of a training run: `TrainRequest`, `ProgressEvent`, `TrainOutcome`.

Each is checked on construction (a `ValueError` naming the field and quoting the value), crosses a real frame
unchanged (encoder -> `write_message` -> `read_message` -> decoder), and its decoder raises only `MessageError`
for anything else (hypothesis fuzz on arbitrary JSON objects and on mutated valid messages).
"""

from __future__ import annotations

import dataclasses
import io
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core.worker_messages import (
    MessageError,
    ProgressEvent,
    TrainOutcome,
    TrainRequest,
)
from annotator.core.worker_protocol import ProtocolError, read_message, write_message


def _through_a_frame(message: dict) -> dict:
    buf = io.BytesIO()
    write_message(buf, {"id": 1, "kind": "progress", "event": message})
    buf.seek(0)
    header, _ = read_message(buf)
    return header["event"]


def _full_request(**changes) -> TrainRequest:
    values = dict(
        data_dir="/data/raccoon/images",
        out_path="/data/raccoon/images/.flower-annotator/runs/r1/model.keras",
        save_dir="/data/raccoon/annotations",
        recursive=True,
        images="verified",
        backbone="mobilenetv2",
        weights=None,
        image_size=64,
        width=0.35,
        epochs=3,
        head_epochs=0,
        batch_size=8,
        heads=("loc", "grid"),
        seed=7,
        strategy="mirrored",
        learning_rate=0.002,
        fine_tune_lr_factor=0.5,
        val_fraction=0.25,
        patience=2,
        box_loss="mse",
        lr_schedule="cosine",
        augment=False,
        mirror_features=False,
        class_names=("raccoon", "dog"),
        head_options={"grid": {"anchors": [[0.1, 0.2], [0.3, 0.4]], "cells": 7}},
        fine_tune_from="block_13_expand",
        max_minutes=2.5,
    )
    values.update(changes)
    return TrainRequest(**values)


def test_a_request_with_every_setting_crosses_a_frame_unchanged():
    request = _full_request()
    decoded = TrainRequest.from_message(_through_a_frame(request.to_message()))
    assert decoded == request
    assert (
        decoded.verified_only
        and decoded.heads == ("loc", "grid")
        and decoded.class_names == ("raccoon", "dog")
    )
    # every field is set to something other than its default above, so none can be dropped on the way
    defaults = TrainRequest("d", "m.keras")
    for f in dataclasses.fields(TrainRequest):
        assert getattr(request, f.name) != getattr(defaults, f.name), f.name


def test_the_request_is_frozen_and_keeps_no_reference_to_the_callers_options():
    options = {"grid": {"cells": 7}}
    request = TrainRequest("d", "m.keras", heads=["loc", "grid"], head_options=options)
    options["grid"]["cells"] = 99
    assert request.head_options == {"grid": {"cells": 7}} and request.heads == ("loc", "grid")
    with pytest.raises(dataclasses.FrozenInstanceError):
        request.epochs = 5  # type: ignore[misc]


def test_numpy_numbers_are_accepted_and_become_plain_python_values():
    request = TrainRequest(
        "d", "m.keras", epochs=np.int64(4), batch_size=np.int32(8), learning_rate=np.float32(0.5)
    )
    assert (
        type(request.epochs) is int
        and type(request.batch_size) is int
        and type(request.learning_rate) is float
    )
    event = ProgressEvent("epoch", "full", np.int64(1), 2, losses={"loss": np.float32(0.25)})
    assert type(event.epoch) is int and event.losses == {"loss": 0.25} and type(event.losses["loss"]) is float


@pytest.mark.parametrize(
    "changes, words",
    [
        (dict(data_dir=""), "TrainRequest.data_dir must be a non-empty string, got ''"),
        (dict(data_dir=3), "TrainRequest.data_dir must be a non-empty string, got 3"),
        (dict(out_path="model.h5"), "TrainRequest.out_path must name a .keras file, got 'model.h5'"),
        (dict(save_dir=""), "TrainRequest.save_dir must be a non-empty string, got ''"),
        (dict(recursive="yes"), "TrainRequest.recursive must be true or false, got 'yes'"),
        (dict(images="some"), "TrainRequest.images must be one of all, verified, got 'some'"),
        (
            dict(backbone="vgg16"),
            "TrainRequest.backbone must be one of mobilenetv2, resnet34, xception, got 'vgg16'",
        ),
        (dict(image_size=100), "TrainRequest.image_size must be a multiple of 32, got 100"),
        (dict(image_size=16), "TrainRequest.image_size must be a whole number from 32 to 4096, got 16"),
        (dict(image_size=64.0), "TrainRequest.image_size must be a whole number from 32 to 4096, got 64.0"),
        (
            dict(width=0.6),
            "TrainRequest.width must be one of 0.35, 0.5, 0.75, 1, 1.3, 1.4 for mobilenetv2, got 0.6",
        ),
        (dict(backbone="xception", width=0.5), "TrainRequest.width must be one of 1 for xception, got 0.5"),
        (dict(epochs=0), "TrainRequest.epochs must be a whole number from 1 to 100000, got 0"),
        (dict(epochs=True), "TrainRequest.epochs must be a whole number from 1 to 100000, got True"),
        (dict(epochs="10"), "TrainRequest.epochs must be a whole number from 1 to 100000, got '10'"),
        (dict(head_epochs=-1), "TrainRequest.head_epochs must be a whole number from 0 to 100000, got -1"),
        (dict(batch_size=0), "TrainRequest.batch_size must be a whole number from 1 to 4096, got 0"),
        (dict(heads=()), "TrainRequest.heads must be a non-empty list of names, got ()"),
        (dict(heads=("loc", "box")), "TrainRequest.heads holds 'box'; the choices are loc, grid, seg"),
        (dict(heads=("loc", "loc")), "TrainRequest.heads names something twice: ['loc', 'loc']"),
        (dict(seed=-1), "TrainRequest.seed must be a whole number from 0 to 4294967295, got -1"),
        (
            dict(strategy="tpu"),
            "TrainRequest.strategy must be one of default, mirrored, multi-worker, got 'tpu'",
        ),
        (dict(learning_rate=0), "TrainRequest.learning_rate must be a number in (0, 10], got 0"),
        (dict(learning_rate=float("nan")), "TrainRequest.learning_rate must be a number in (0, 10], got nan"),
        (
            dict(fine_tune_lr_factor=-0.1),
            "TrainRequest.fine_tune_lr_factor must be a number in (0, 10], got -0.1",
        ),
        (dict(val_fraction=1.0), "TrainRequest.val_fraction must be a number in [0, 1), got 1.0"),
        (dict(patience=-2), "TrainRequest.patience must be a whole number from 0 to 100000, got -2"),
        (dict(box_loss="l2"), "TrainRequest.box_loss must be one of giou, mse, got 'l2'"),
        (
            dict(lr_schedule="step"),
            "TrainRequest.lr_schedule must be one of auto, cosine, plateau, got 'step'",
        ),
        (dict(augment=1), "TrainRequest.augment must be true or false, got 1"),
        (dict(class_names=("a", "")), "TrainRequest.class_names holds '', which is not a name"),
        (dict(class_names=("a", "a")), "TrainRequest.class_names names something twice"),
        (dict(head_options={"box": {}}), "TrainRequest.head_options holds 'box': {}"),
        (
            dict(head_options={"grid": {"x": float("inf")}}),
            "TrainRequest.head_options must be plain JSON values",
        ),
        (dict(fine_tune_from=""), "TrainRequest.fine_tune_from must be a non-empty string, got ''"),
        (dict(max_minutes=0), "TrainRequest.max_minutes must be a number in (0, 525600], got 0"),
    ],
)
def test_each_bad_setting_is_refused_naming_the_field_and_quoting_the_value(changes, words):
    values = dict(data_dir="d", out_path="m.keras", backbone="mobilenetv2") | changes
    with pytest.raises(ValueError) as info:
        TrainRequest(**values)
    assert words in str(info.value)
    # the same value arriving over the pipe is a MessageError carrying the same sentence
    message = TrainRequest("d", "m.keras", backbone="mobilenetv2").to_message() | changes
    with pytest.raises(MessageError) as info:
        TrainRequest.from_message(message)
    assert words in str(info.value)


@pytest.mark.parametrize(
    "message, words",
    [
        ([1, 2], "a train request must be a JSON object, got list"),
        (None, "a train request must be a JSON object, got NoneType"),
        ({"data_dir": "d"}, "a train request without out_path"),
        ({"data_dir": "d", "out_path": "m.keras", "config": {}}, "unknown field(s) 'config'"),
        ({"data_dir": "d", "out_path": "m.keras", "verified_only": True}, "unknown field(s) 'verified_only'"),
    ],
)
def test_garbled_requests_are_message_errors(message, words):
    with pytest.raises(MessageError) as info:
        TrainRequest.from_message(message)
    assert words in str(info.value)
    assert isinstance(info.value, ProtocolError)  # the pipe's one error family


def test_a_progress_event_crosses_a_frame_with_its_figures_including_a_diverged_loss():
    event = ProgressEvent(
        "epoch",
        "fine_tune",
        3,
        20,
        12,
        12,
        losses={"loss": 0.5, "val_loss": float("nan")},
        metrics={"val_box_iou": 0.7},
        eta_s=61.5,
        message="x",
    )
    decoded = ProgressEvent.from_message(_through_a_frame(event.to_message()))
    assert decoded.losses["loss"] == 0.5 and math.isnan(decoded.losses["val_loss"])
    assert dataclasses.replace(decoded, losses={}) == dataclasses.replace(event, losses={})


@pytest.mark.parametrize(
    "message, words",
    [
        (
            {"kind": "epochs"},
            "ProgressEvent.kind must be one of phase, epoch, batch, log, done, got 'epochs'",
        ),
        ({"phase": "full"}, "a progress event without kind"),
        (
            {"kind": "batch", "batch": -1},
            "ProgressEvent.batch must be a whole number from 0 to 2147483648, got -1",
        ),
        ({"kind": "batch", "batch": 1.5}, "got 1.5"),
        (
            {"kind": "epoch", "losses": [1]},
            "ProgressEvent.losses must be a mapping of names to numbers, got [1]",
        ),
        ({"kind": "epoch", "metrics": {"iou": "high"}}, "ProgressEvent.metrics holds 'iou': 'high'"),
        ({"kind": "epoch", "metrics": {"iou": None}}, "ProgressEvent.metrics holds 'iou': None"),
        ({"kind": "batch", "eta_s": -3}, "ProgressEvent.eta_s must be a number in [0, 1e+09], got -3"),
        ({"kind": "batch", "eta_s": "soon"}, "got 'soon'"),
        ({"kind": "log", "message": 5}, "ProgressEvent.message must be a string, got 5"),
        ({"kind": "log", "extra": 1}, "unknown field(s) 'extra'"),
        ("epoch", "a progress event must be a JSON object, got str 'epoch'"),
    ],
)
def test_garbled_progress_events_are_message_errors(message, words):
    with pytest.raises(MessageError) as info:
        ProgressEvent.from_message(message)
    assert words in str(info.value)


def test_an_outcome_round_trips_and_refuses_an_unknown_status():
    outcome = TrainOutcome(
        "early stop",
        "/r/model.keras",
        {"val_box_iou": 0.8},
        160,
        40,
        ("raccoon",),
        ("a.xml: bad",),
        12.5,
        "",
    )
    assert TrainOutcome.from_message(_through_a_frame(outcome.to_message())) == outcome
    with pytest.raises(MessageError, match="TrainOutcome.status must be one of .* got 'exploded'"):
        TrainOutcome.from_message({"status": "exploded"})
    with pytest.raises(MessageError, match="TrainOutcome.n_train must be a whole number"):
        TrainOutcome.from_message({"status": "finished", "n_train": "200"})


# ---------------------------------------------------------------- fuzz: decoders raise only MessageError

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)


def _field_names(cls) -> st.SearchStrategy[str]:
    return st.sampled_from([f.name for f in dataclasses.fields(cls)]) | st.text(max_size=6)


@pytest.mark.parametrize("cls", [TrainRequest, ProgressEvent, TrainOutcome])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_any_json_object_decodes_or_raises_message_error(cls, data):
    message = data.draw(_json | st.dictionaries(_field_names(cls), _json, max_size=8))
    try:
        decoded = cls.from_message(message)
    except MessageError:
        return
    assert isinstance(decoded, cls)
    again = cls.from_message(decoded.to_message())  # what decodes re-encodes to the same thing
    assert again.to_message().keys() == decoded.to_message().keys()


_VALID = {
    TrainRequest: _full_request().to_message(),
    ProgressEvent: ProgressEvent("batch", "full", 1, 2, 3, 4, {"loss": 1.0}, {}, 5.0, "m").to_message(),
    TrainOutcome: TrainOutcome("finished", "m.keras", {"iou": 0.5}, 3, 1, ("a",), (), 1.0).to_message(),
}


@pytest.mark.parametrize("cls", [TrainRequest, ProgressEvent, TrainOutcome])
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_a_valid_message_with_fields_replaced_or_dropped(cls, data):
    message = dict(_VALID[cls])
    for name in data.draw(st.lists(st.sampled_from(sorted(message)), max_size=3, unique=True)):
        if data.draw(st.booleans()):
            message[name] = data.draw(_json)
        else:
            del message[name]
    try:
        decoded = cls.from_message(message)
    except MessageError as exc:
        assert str(exc)  # a sentence, never empty
        return
    assert cls.from_message(decoded.to_message()).to_message().keys() == decoded.to_message().keys()
