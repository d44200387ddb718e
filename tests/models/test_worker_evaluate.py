"""The worker's ``evaluate`` request, through a real worker process and a tiny trained model: progress, one
``evaluation`` frame equal to what ``flower-annotator evaluate`` computes, the validation split, cancel, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.core.evaluation_messages import EvaluateRequest, evaluation_from_message
from annotator.core.worker_protocol import WorkerProcess
from tests.ui.model_helpers import tiny_model


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    return tiny_model(tmp_path_factory.mktemp("worker_evaluate"))


@pytest.fixture(scope="module")
def worker():
    process = WorkerProcess()
    yield process
    process.stop()


def _answer(worker: WorkerProcess, rid: int) -> tuple[list[dict], list, dict]:
    """(progress events, evaluation frames, the closing done/error header) of request ``rid``."""
    progress, frames = [], []
    while True:
        header, arrays = worker.next_event(300)
        if header["id"] != rid:
            continue
        if header["kind"] == "progress":
            progress.append(header["event"])
        elif header["kind"] == "evaluation":
            frames.append((header, arrays))
        elif header["kind"] in ("done", "error"):
            return progress, frames, header


def test_evaluate_returns_the_stored_predictions_evaluate_computes(trained, worker):
    data, model = trained
    request = EvaluateRequest(model=str(model), data_dir=str(data), split="all")
    rid = worker.send("evaluate", **request.to_message())
    progress, frames, end = _answer(worker, rid)
    assert end["kind"] == "done" and end["result"]["cancelled"] is False, end
    assert len(frames) == 1
    result = evaluation_from_message(*frames[0])
    assert len(result.data) == 10 == result.figures["n_images"]
    assert {e["phase"] for e in progress} <= {"loading", "predicting"}
    assert progress[-1] == {"kind": "evaluate", "phase": "predicting", "done": 10, "total": 10}
    assert all(p and (data / p.split("/")[-1]).is_file() for p in result.image_paths)

    from models.evaluate import evaluate_detailed

    figures, expected = evaluate_detailed(model, data, split="all")
    assert result.figures["mean_iou"] == pytest.approx(figures["mean_iou"])
    for got, want in zip(result.data.images, expected.images, strict=True):
        assert got.image_id == want.image_id
        np.testing.assert_allclose(got.gt_boxes, want.gt_boxes)
        np.testing.assert_allclose(got.det_boxes, want.det_boxes, atol=1e-4)
        np.testing.assert_allclose(got.det_scores, want.det_scores, atol=1e-5)
    views = result.data.views(0.3, 0.5)
    assert views.to_json()["per_class"] == expected.views(0.3, 0.5).to_json()["per_class"]


def test_evaluate_the_validation_split_training_wrote(trained, worker):
    data, model = trained
    val = (data / "ImageSets" / "Main" / "val.txt").read_text().split()
    rid = worker.send("evaluate", **EvaluateRequest(str(model), str(data), split="val").to_message())
    _, frames, end = _answer(worker, rid)
    assert end["kind"] == "done"
    result = evaluation_from_message(*frames[0])
    assert [img.image_id for img in result.data.images] == val and result.split == "val"


def test_cancel_stops_an_evaluation_and_bad_requests_are_answered(trained, worker):
    data, model = trained
    rid = worker.send("evaluate", **EvaluateRequest(str(model), str(data)).to_message())
    worker.send("cancel", target=rid)
    _, frames, end = _answer(worker, rid)
    assert end["kind"] == "done" and end["result"] == {"cancelled": True} and frames == []
    rid = worker.send("evaluate", model=str(model), data_dir=str(data), split="test")
    _, _, end = _answer(worker, rid)
    assert end["kind"] == "error" and "'test'" in end["message"]
    rid = worker.send("evaluate", **EvaluateRequest(str(model), str(data / "nowhere")).to_message())
    _, _, end = _answer(worker, rid)
    assert end["kind"] == "error" and "nowhere" in end["message"]
    # the worker still predicts afterwards
    rid = worker.send("predict", model=str(model), image=str(sorted(data.glob("*.jpg"))[0]))
    header, _ = worker.next_event(120)
    while header["id"] != rid:
        header, _ = worker.next_event(120)
    assert header["kind"] == "prediction"
