"""Model files: round trip with metadata, atomic replacement, and safe loading (no code runs)."""

from __future__ import annotations

import zipfile

import keras
import numpy as np
import pytest

from models.builder import build_model
from models.modelfile import INFO_ENTRY, ModelFileError, ModelInfo, load_model, read_info, save_model


@pytest.fixture(scope="module")
def small_model():
    return build_model(["daisy", "roses"], backbone="resnet34", weights=None, image_size=32)


def test_round_trip_keeps_outputs_and_metadata(tmp_path, small_model):
    info = ModelInfo(["daisy", "roses"], 32, "resnet34", ["loc"], metrics={"val_box_iou": 0.5})
    path = save_model(small_model, tmp_path / "m.keras", info)
    model, loaded = load_model(path)
    assert loaded.class_names == ["daisy", "roses"] and loaded.image_size == 32 and loaded.heads == ["loc"]
    assert loaded.metrics == {"val_box_iou": 0.5}
    x = np.random.default_rng(0).uniform(0, 255, (2, 32, 32, 3)).astype(np.float32)
    for key in ("cls", "box"):
        np.testing.assert_allclose(np.asarray(model(x)[key]), np.asarray(small_model(x)[key]), atol=1e-6)
    assert not [p for p in tmp_path.iterdir() if p.name != "m.keras"]  # no temp file left behind


def test_lambda_layer_is_refused(tmp_path):
    inp = keras.Input((4,))
    out = keras.layers.Lambda(lambda t: t * 2)(inp)
    path = save_model(
        keras.Model(inp, out), tmp_path / "evil.keras", ModelInfo(["a"], 32, "resnet34", ["loc"])
    )
    with pytest.raises(ModelFileError, match="safe_mode"):
        load_model(path)


def test_broken_and_foreign_files_are_clear_errors(tmp_path, small_model):
    with pytest.raises(ModelFileError, match="not found"):
        load_model(tmp_path / "missing.keras")
    junk = tmp_path / "junk.keras"
    junk.write_bytes(b"not a zip")
    with pytest.raises(ModelFileError, match="junk.keras"):
        load_model(junk)
    plain = tmp_path / "plain.keras"
    small_model.save(plain)  # a Keras file without our metadata
    with pytest.raises(ModelFileError, match=INFO_ENTRY):
        read_info(plain)
    with pytest.raises(ModelFileError, match=".keras"):
        save_model(small_model, tmp_path / "m.h5", ModelInfo(["a"], 32, "resnet34", ["loc"]))


def test_failed_save_keeps_the_previous_file(tmp_path, small_model):
    info = ModelInfo(["daisy", "roses"], 32, "resnet34", ["loc"])
    path = save_model(small_model, tmp_path / "m.keras", info)
    before = path.read_bytes()

    class Broken(keras.Model):
        def save(self, *args, **kwargs):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        save_model(Broken(), path, info)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]
    with zipfile.ZipFile(path) as z:
        assert INFO_ENTRY in z.namelist()
