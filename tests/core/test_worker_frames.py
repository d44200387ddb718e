"""The worker pipe's frame codec: round trips, every malformed frame refused with `ProtocolError`, limits, fuzz."""

from __future__ import annotations

import io
import json
import struct

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.core import worker_protocol as wp
from annotator.core.prediction import Prediction
from annotator.core.worker_protocol import ProtocolError, read_message, write_message


def _frame(header: object, payload: bytes = b"") -> io.BytesIO:
    body = json.dumps(header).encode()
    return io.BytesIO(struct.pack("<Q", len(body)) + body + payload)


def test_round_trip_of_header_and_arrays():
    buf = io.BytesIO()
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3), "m": np.zeros((0, 4), np.uint8)}
    write_message(buf, {"id": 3, "kind": "done", "x": [1, "two"]}, arrays)
    buf.seek(0)
    header, got = read_message(buf)
    assert header == {"id": 3, "kind": "done", "x": [1, "two"]}
    np.testing.assert_array_equal(got["a"], arrays["a"])
    assert got["m"].shape == (0, 4) and got["m"].dtype == np.uint8
    assert read_message(buf) is None  # clean end of stream


@pytest.mark.parametrize(
    "header, payload, words",
    [
        ([1, 2], b"", "not an object"),
        ("text", b"", "not an object"),
        ({"_arrays": [["a", "not-a-dtype", [2]]]}, b"", "unknown dtype"),
        ({"_arrays": [["a", "|O", [2]]]}, b"", "plain number"),
        ({"_arrays": [["a", "<U4", [2]]]}, b"", "plain number"),
        ({"_arrays": [["a", "<f4", [-1]]]}, b"", "shape"),
        ({"_arrays": [["a", "<f4", [1.5]]]}, b"", "shape"),
        ({"_arrays": [["a", "<f4", "12"]]}, b"", "shape"),
        ({"_arrays": [["a", "<f8", [1 << 20, 1 << 20]]]}, b"", "limit"),
        ({"_arrays": [["a", "<f4", [1] * 9]]}, b"", "shape"),
        ({"_arrays": [["a", "<f4"]]}, b"", "[name, dtype, shape]"),
        ({"_arrays": "nope"}, b"", "_arrays"),
        ({"_arrays": [[1, "<f4", [1]]]}, b"", "strings"),
        ({"_arrays": [["a", "<f4", [4]]]}, b"\0" * 8, "ended inside a frame"),
    ],
)
def test_malformed_frames_raise_protocol_error(header, payload, words):
    with pytest.raises(ProtocolError) as info:
        read_message(_frame(header, payload))
    assert words in str(info.value)


def test_truncated_and_oversized_headers():
    with pytest.raises(ProtocolError, match="inside a frame"):
        read_message(io.BytesIO(b"\x05\0\0"))
    with pytest.raises(ProtocolError, match="limit"):
        read_message(io.BytesIO(struct.pack("<Q", wp.MAX_HEADER_BYTES + 1)))
    with pytest.raises(ProtocolError, match="not JSON"):
        read_message(io.BytesIO(struct.pack("<Q", 3) + b"\xff\xfe{"))
    deep = b"[" * 100_000 + b"]" * 100_000
    with pytest.raises(ProtocolError):
        read_message(io.BytesIO(struct.pack("<Q", len(deep)) + deep))


def test_writer_refuses_what_the_reader_would_refuse():
    with pytest.raises(ProtocolError):
        write_message(io.BytesIO(), {}, {"a": np.array(["x"], dtype=object)})
    with pytest.raises(ProtocolError):
        write_message(io.BytesIO(), {}, {"a": np.array(["abc"])})
    with pytest.raises(ProtocolError):
        write_message(io.BytesIO(), {}, {f"a{i}": np.zeros(1) for i in range(wp.MAX_ARRAYS + 1)})


def test_prediction_from_a_frame_with_missing_or_wrong_fields():
    with pytest.raises(ProtocolError):
        wp.prediction_from_message({"kind": "prediction"}, {})
    with pytest.raises(ProtocolError):
        wp.prediction_from_message({"image_id": 5, "class_names": []}, {})
    header, arrays = wp.prediction_to_message(
        Prediction(image_id="a.jpg", width=4, height=3, class_names=["x"])
    )
    assert wp.prediction_from_message(header, arrays).image_id == "a.jpg"
    with pytest.raises(ProtocolError):  # a required field left out
        wp.prediction_from_message({k: v for k, v in header.items() if k != "width"}, arrays)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
_spec = st.lists(
    st.one_of(
        _json,
        st.tuples(
            st.text(max_size=4),
            st.sampled_from(["<f4", "|u1", "<i8", "|b1", "<c8", "|O", "V3", "<M8", "zz", "<f4,<f4"]),
            st.lists(st.integers(-3, 1 << 40), max_size=9),
        ).map(list),
    ),
    max_size=3,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    header=st.dictionaries(st.text(max_size=6), _json, max_size=4),
    specs=_spec,
    payload=st.binary(max_size=64),
)
def test_fuzz_structured_frames_raise_only_protocol_error(header, specs, payload):
    try:
        result = read_message(_frame({**header, "_arrays": specs}, payload))
    except ProtocolError:
        return
    assert result is not None and isinstance(result[0], dict)


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200))
def test_fuzz_raw_bytes_raise_only_protocol_error(data):
    try:
        read_message(io.BytesIO(data))
    except ProtocolError:
        pass
