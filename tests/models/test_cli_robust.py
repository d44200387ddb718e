"""The model commands with hostile or unlucky input, run as a user would (real subprocesses): bad option values,
an existing --out, corrupt model metadata; and the model file's own rules (umask, stale temp files, class count)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="3")
    return subprocess.run(
        [sys.executable, "-c", "import sys; from annotator.cli import main; sys.exit(main())", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


@pytest.mark.parametrize(
    "args, option, value",
    [
        (["train", "d", "--out", "m.keras", "--batch-size", "0"], "--batch-size", "0"),
        (["train", "d", "--out", "m.keras", "--epochs", "0"], "--epochs", "0"),
        (["train", "d", "--out", "m.keras", "--epochs", "1e9"], "--epochs", "1e9"),
        (["train", "d", "--out", "m.keras", "--head-epochs", "-1"], "--head-epochs", "-1"),
        (["train", "d", "--out", "m.keras", "--image-size", "-32"], "--image-size", "-32"),
        (["train", "d", "--out", "m.keras", "--image-size", "99999"], "--image-size", "99999"),
        (["train", "d", "--out", "m.keras", "--width", "0"], "--width", "0"),
        (["train", "d", "--out", "m.keras", "--lr", "nan"], "--lr", "nan"),
        (["train", "d", "--out", "m.keras", "--lr", "-1"], "--lr", "-1"),
        (["train", "d", "--out", "m.keras", "--patience", "-2"], "--patience", "-2"),
        (["train", "d", "--out", "m.keras", "--seed", "-1"], "--seed", "-1"),
        (["train", "d", "--out", "m.keras", "--val-fraction", "1"], "--val-fraction", "1"),
        (["train", "d", "--out", "m.keras", "--max-minutes", "0"], "--max-minutes", "0"),
        (["train", "d", "--out", "m.keras", "--max-minutes", "inf"], "--max-minutes", "inf"),
        (["train", "d", "--out", "m.keras", "--heads", "loc,box"], "--heads", "loc,box"),
        (["train", "d", "--out", "m.keras", "--heads", ","], "--heads", ","),
        (
            ["predict", "m.keras", "x.jpg", "--out", "o", "--score-threshold", "1.5"],
            "--score-threshold",
            "1.5",
        ),
        (["predict", "m.keras", "x.jpg", "--out", "o", "--nms-iou", "-0.1"], "--nms-iou", "-0.1"),
        (["evaluate", "m.keras", "d", "--batch-size", "0"], "--batch-size", "0"),
        (["evaluate", "m.keras", "d", "--score-threshold", "2"], "--score-threshold", "2"),
        (["evaluate", "m.keras", "d", "--iou-threshold", "x"], "--iou-threshold", "x"),
        (["classify", "x.jpg", "--top", "0"], "--top", "0"),
        (["classify", "x.jpg", "--top", "many"], "--top", "many"),
    ],
)
def test_a_bad_option_value_is_one_line_naming_it_exit_2(args, option, value, tmp_path):
    result = subprocess_in(tmp_path, args)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and option in lines[0] and repr(value) in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def subprocess_in(folder: Path, args: list[str]) -> subprocess.CompletedProcess:
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        return _cli(*args)
    finally:
        os.chdir(cwd)


def test_train_refuses_to_replace_an_existing_model_without_overwrite(tmp_path):
    model = tmp_path / "m.keras"
    model.write_bytes(b"weeks of training")
    result = _cli("train", str(tmp_path), "--out", str(model))
    assert result.returncode == 2
    assert str(model) in result.stderr and "--overwrite" in result.stderr
    assert model.read_bytes() == b"weeks of training"


def test_predict_with_an_out_folder_it_cannot_create_says_so_in_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    (tmp_path / "x.jpg").write_bytes(b"")
    result = _cli("predict", str(tmp_path / "m.keras"), str(tmp_path / "x.jpg"), "--out", str(blocker / "o"))
    assert result.returncode == 2 and "--out" in result.stderr and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert len(errors) == 1 and "Not a directory" in errors[0], result.stderr  # TensorFlow's own log aside


def _fake_model(path: Path, info: object) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", "{}")
        archive.writestr("flower_annotator.json", info if isinstance(info, str) else json.dumps(info))
    return path


_GOOD = {"class_names": ["a", "b"], "image_size": 32, "backbone": "resnet34", "heads": ["loc"]}


@pytest.mark.parametrize(
    "info, words",
    [
        ({**_GOOD, "class_names": "ab"}, "class_names"),
        ({**_GOOD, "class_names": ["a", "a"]}, "distinct"),
        ({**_GOOD, "image_size": "32"}, "image_size"),
        ({**_GOOD, "image_size": 10**9}, "image_size"),
        ({**_GOOD, "heads": "loc"}, "heads"),
        ({**_GOOD, "anchors": [[1, "x"]]}, "anchors"),
        ('{"class_names": ["a"], "image_size": NaN}', "NaN"),
        ("[" * 5000 + "]" * 5000, "flower_annotator.json"),
        ("[1, 2]", "not an object"),
    ],
)
def test_corrupt_metadata_is_refused_in_one_line(tmp_path, info, words):
    from models.modelfile import ModelFileError, read_info

    model = _fake_model(tmp_path / "m.keras", info)
    with pytest.raises(ModelFileError) as exc:
        read_info(model)
    assert words in str(exc.value) and str(model) in str(exc.value)
    assert "\n" not in str(exc.value)


def test_huge_metadata_is_refused_before_it_is_read(tmp_path):
    from models.modelfile import MAX_INFO_BYTES, ModelFileError, read_info

    model = _fake_model(tmp_path / "m.keras", " " * (MAX_INFO_BYTES + 10))
    with pytest.raises(ModelFileError, match="limit"):
        read_info(model)


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_commands_refuse_a_model_with_corrupt_metadata_in_one_line(tmp_path, command):
    model = _fake_model(tmp_path / "m.keras", {**_GOOD, "class_names": []})
    (tmp_path / "x.jpg").write_bytes(b"")
    args = [str(model), str(tmp_path / "x.jpg"), "--out", str(tmp_path / "o")]
    if command == "evaluate":
        args = [str(model), str(tmp_path)]
    result = _cli(command, *args)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("error")]
    assert lines and "class_names" in lines[0] and "Traceback" not in result.stderr


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)


@settings(max_examples=150, deadline=None)
@given(
    data=st.one_of(
        st.fixed_dictionaries(
            {}, optional={k: _json for k in (*_GOOD, "width", "anchors", "metrics", "train")}
        ),
        _json,
    ),
)
def test_fuzz_metadata_reader_raises_only_model_file_error(data):
    from models.modelfile import ModelFileError, ModelInfo

    try:
        text = json.dumps(data)
    except ValueError:
        return
    try:
        info = ModelInfo.from_json(text, "fuzz")
    except ModelFileError:
        return
    assert info.class_names and isinstance(info.image_size, int)


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=120))
def test_fuzz_metadata_bytes(raw):
    from models.modelfile import ModelFileError, ModelInfo

    try:
        ModelInfo.from_json(raw, "fuzz")
    except ModelFileError:
        pass


def _tiny_keras(classes: int):
    import keras

    inputs = keras.Input((8, 8, 3))
    x = keras.layers.GlobalAveragePooling2D()(inputs)
    return keras.Model(inputs, {"cls": keras.layers.Dense(classes, name="cls")(x)})


def test_saved_model_keeps_the_umask_and_stale_temps_are_cleaned(tmp_path):
    from models.modelfile import ModelInfo, save_model

    stale = tmp_path / ".m.abcdefgh.tmp.keras"
    stale.write_bytes(b"left by a killed training")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = tmp_path / ".m.ijklmnop.tmp.keras"
    fresh.write_bytes(b"a save running now")
    info = ModelInfo(class_names=["a", "b"], image_size=32, backbone="x", heads=["loc"])
    previous = os.umask(0o027)
    try:
        path = save_model(_tiny_keras(2), tmp_path / "m.keras", info)
    finally:
        os.umask(previous)
    assert oct(path.stat().st_mode & 0o777) == oct(0o640)
    assert not stale.exists() and fresh.exists()


def test_a_model_whose_metadata_lists_other_classes_is_refused(tmp_path):
    from models.modelfile import ModelFileError, ModelInfo, load_model, save_model

    info = ModelInfo(class_names=["a", "b"], image_size=32, backbone="x", heads=["loc"])
    path = save_model(_tiny_keras(3), tmp_path / "m.keras", info)
    with pytest.raises(ModelFileError, match="2 classes but"):
        load_model(path)
