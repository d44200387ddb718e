"""The evaluate request and the evaluation frame between the window and the worker; the image lists built from an
evaluation's per-image counts."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.core.evaluation import EvaluationData, ImageResult
from annotator.core.evaluation_lists import images_shown, sort_keys
from annotator.core.evaluation_messages import (
    EvaluateRequest,
    EvaluationResult,
    evaluation_from_message,
    evaluation_to_message,
)
from annotator.core.worker_protocol import ProtocolError, read_message, write_message

NAMES = ["daisy", "rose"]


def _data() -> EvaluationData:
    return EvaluationData(
        [
            # a match and a miss
            ImageResult(
                "a", [[0, 0, 10, 10], [20, 20, 30, 30]], [0, 1], [[0, 0, 10, 10]], [0.9], [0], "/d/a.jpg"
            ),
            # a false alarm only
            ImageResult("b", np.zeros((0, 4)), [], [[5, 5, 9, 9]], [0.8], [1], image_path="/d/b.jpg"),
            # a wrong class, two misses
            ImageResult(
                "c",
                [[0, 0, 10, 10], [50, 50, 60, 60], [70, 70, 80, 80]],
                [0, 0, 1],
                [[0, 0, 10, 10]],
                [0.7],
                [1],
                "/d/c.jpg",
            ),
            # nothing at all
            ImageResult("d", np.zeros((0, 4)), [], image_path="/d/d.jpg"),
        ],
        NAMES,
    )


def test_request_round_trips_and_refuses_bad_values_by_name():
    request = EvaluateRequest("/m/model.keras", "/data", save_dir="/ann", split="val", nms_iou=0.5)
    assert EvaluateRequest.from_message({"id": 3, "kind": "evaluate", **request.to_message()}) == request
    with pytest.raises(ValueError, match="split.*'test'"):
        EvaluateRequest("/m", "/d", split="test")
    with pytest.raises(ValueError, match="nms_iou.*1.5"):
        EvaluateRequest("/m", "/d", nms_iou=1.5)
    with pytest.raises(ValueError, match="data_dir.*''"):
        EvaluateRequest("/m", "")
    with pytest.raises(ValueError, match="without model"):
        EvaluateRequest.from_message({"data_dir": "/d"})


def test_evaluation_frame_round_trips_through_the_pipe():
    data = _data()
    header, arrays = evaluation_to_message(
        EvaluationResult(data, {"n_images": 4, "mean_iou": float("nan")}, "val")
    )
    buf = io.BytesIO()
    write_message(buf, {"id": 9, "kind": "evaluation", **header}, arrays)
    buf.seek(0)
    back = evaluation_from_message(*read_message(buf))
    assert back.split == "val" and back.figures == {"n_images": 4, "mean_iou": None}
    assert back.image_paths == ["/d/a.jpg", "/d/b.jpg", "/d/c.jpg", "/d/d.jpg"]
    a, b = data.views(0.3, 0.5), back.data.views(0.3, 0.5)
    assert a.to_json() == b.to_json()
    np.testing.assert_array_equal(a.confusion, b.confusion)


def test_inconsistent_frames_raise_protocol_errors():
    header, arrays = evaluation_to_message(EvaluationResult(_data()))
    bad = dict(arrays, det_counts=arrays["det_counts"] + 1)
    with pytest.raises(ProtocolError, match="det_boxes"):
        evaluation_from_message(header, bad)
    with pytest.raises(ProtocolError, match="class index"):
        evaluation_from_message(dict(header, class_names=["daisy"]), arrays)
    with pytest.raises(ProtocolError, match="image_paths"):
        evaluation_from_message(dict(header, image_paths=None), arrays)
    with pytest.raises(ProtocolError, match="without arrays"):
        evaluation_from_message(header, {})


_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None)
@given(
    header=st.dictionaries(
        st.sampled_from(["image_ids", "image_paths", "class_names", "figures", "split"]), _values, max_size=5
    ),
    counts=st.lists(st.integers(-2, 3), max_size=4),
    n=st.integers(0, 6),
)
def test_any_garbled_frame_raises_only_protocol_error(header, counts, n):
    arrays = {
        "gt_boxes": np.zeros((n, 4)),
        "gt_classes": np.zeros(n, np.int64),
        "gt_counts": np.asarray(counts, np.int64),
        "det_boxes": np.zeros((n, 4)),
        "det_scores": np.zeros(n),
        "det_classes": np.zeros(n, np.int64),
        "det_counts": np.asarray(counts, np.int64),
    }
    try:
        evaluation_from_message(header, arrays)
    except ProtocolError:
        pass


def test_image_lists_filter_and_sort_by_the_counts():
    views = _data().views(0.3, 0.5)
    counts = {c.image_id: (c.matches, c.misses, c.false_alarms, c.wrong_classes) for c in views.images}
    assert counts == {"a": (1, 1, 0, 0), "b": (0, 0, 1, 0), "c": (0, 2, 0, 1), "d": (0, 0, 0, 0)}
    assert images_shown(views, "all") is None
    assert images_shown(views, "evaluated") == ["a", "b", "c", "d"]
    assert images_shown(views, "misses") == ["a", "c"]
    assert images_shown(views, "false_alarms") == ["b"]
    assert images_shown(views, "wrong_classes") == ["c"]
    assert images_shown(views, "cell", ["c", "a", "c"]) == ["c", "a"]
    keys = sort_keys(views, "misses")
    assert sorted(keys, key=lambda i: (keys[i], i)) == ["c", "a", "b", "d"]
    iou = sort_keys(views, "mean_iou")
    assert iou["a"] == 1.0 and iou["b"] > 1.0  # images without a match after those with one
    assert sort_keys(views, "folder") is None
    with pytest.raises(ValueError, match="'best'"):
        sort_keys(views, "best")
