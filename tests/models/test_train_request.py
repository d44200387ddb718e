"""The window's `TrainRequest` and training's `TrainConfig` say the same thing: every setting crosses over, the
defaults agree, and the real worker refuses a garbled request with a sentence naming the field, then goes on.
The dock's counts name the very images training reads, in both layouts."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from annotator.core import voc, worker_messages
from annotator.core.dataset_counts import summarize_dataset
from annotator.core.worker_messages import TrainRequest
from annotator.core.worker_protocol import WorkerProcess
from models import data
from models.builder import HEAD_MODULES
from models.training import LR_SCHEDULES, NOT_IN_REQUESTS, TrainConfig, config_from_request
from tests.core.test_dataset_counts import _beside, _save_folder_layout
from tests.core.test_worker_messages import _full_request


def test_every_training_setting_is_a_request_field_with_the_same_default():
    config_fields = {f.name: f for f in dataclasses.fields(TrainConfig)}
    request_fields = {f.name: f for f in dataclasses.fields(TrainRequest)}
    assert set(config_fields) - set(NOT_IN_REQUESTS) == set(request_fields) - {"images"}
    config_default = TrainConfig("d", "m.keras")
    request_default = TrainRequest("d", "m.keras")
    for name in set(config_fields) - set(NOT_IN_REQUESTS):
        assert getattr(request_default, name) == getattr(config_default, name), name
    assert request_default.verified_only is config_default.verified_only is False


def test_a_request_becomes_the_config_with_every_value_carried_over():
    request = _full_request()
    config = config_from_request(request)
    assert config.verified_only is True and config.heads == ("loc", "grid")
    assert config.class_names == ["raccoon", "dog"]
    for f in dataclasses.fields(TrainConfig):
        if f.name not in (*NOT_IN_REQUESTS, "class_names"):
            assert getattr(config, f.name) == getattr(request, f.name), f.name
    config.head_options["grid"]["cells"] = 1  # training may fill in options: the request stays as sent
    assert request.head_options["grid"]["cells"] == 7


def test_the_choices_a_request_checks_are_those_training_knows():
    assert worker_messages.HEAD_NAMES == tuple(HEAD_MODULES)
    assert worker_messages.LR_SCHEDULES == LR_SCHEDULES


def test_the_worker_answers_a_garbled_train_request_with_the_field_and_goes_on():
    worker = WorkerProcess()
    try:
        header, _ = worker.next_event(60)
        assert header["kind"] == "ready"
        good = TrainRequest("/nowhere", "/nowhere/m.keras").to_message()
        rid = worker.send("train", request=good | {"epochs": "ten"})
        header, _ = worker.next_event(30)
        assert header["id"] == rid and header["kind"] == "error"
        assert header["message"].startswith("bad train request:")
        assert "TrainRequest.epochs must be a whole number from 1 to 100000, got 'ten'" in header["message"]
        rid = worker.send("train", config={"data_dir": "/nowhere"})  # the old loose dict
        header, _ = worker.next_event(30)
        assert header["kind"] == "error" and "a train request must be a JSON object" in header["message"]
        rid = worker.send("train", request=good)  # a well-formed request still runs (and fails on the folder)
        while True:
            header, _ = worker.next_event(120)
            if header["id"] == rid and header["kind"] in ("done", "error"):
                break
        assert header["kind"] == "error" and "dataset folder not found: /nowhere" in header["message"]
        assert worker.alive()
    finally:
        worker.stop()


@pytest.mark.parametrize("layout", ["beside", "save folder"])
def test_the_dock_counts_the_images_training_reads(tmp_path, layout):
    """Three verified, one annotation with its boxes deleted: the dock's images are the ones training loads."""
    if layout == "beside":
        images, save_dir, recursive = _beside(tmp_path, 8), None, False
        shutil.rmtree(images / "SegmentationClass")  # a LabelImg folder has no masks
    else:
        images, annotations = _save_folder_layout(tmp_path, 8)
        save_dir, recursive = str(annotations), True
    xmls = sorted(Path(save_dir or images).rglob("*.xml"))
    for xml in xmls[:4]:
        annotation = voc.read(xml)
        annotation.verified = xml != xmls[3]
        if xml == xmls[3]:
            annotation.objects.clear()
        voc.write(annotation, xml)
    summary = summarize_dataset(images, save_dir=save_dir, recursive=recursive)
    assert (summary.labelled, summary.verified) == (7, 3)
    for verified_only in (False, True):
        listing = data.labelled_images(images, save_dir, recursive=recursive, verified_only=verified_only)
        loaded = data.load_samples(
            images, image_size=32, ids=[i for i, _, _ in listing], save_dir=save_dir, recursive=recursive
        )
        assert sorted(summary.used_ids(verified_only)) == sorted(loaded.ids)
