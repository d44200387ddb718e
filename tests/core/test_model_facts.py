"""`annotator.core.model_facts`: the one TensorFlow-free home of what the window must know about models
(backbone names, widths, default input sizes and widths, ImageNet file names, Keras' cache folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.core import model_facts as facts


def test_backbones_and_widths():
    assert facts.BACKBONES == ("mobilenetv2", "resnet34", "xception")
    assert facts.WIDTHS == {"mobilenetv2": (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)}
    assert set(facts.WIDTHS) <= set(facts.BACKBONES)


@pytest.mark.parametrize(
    ("backbone", "weights", "size", "width"),
    [
        ("mobilenetv2", None, 192, 0.5),
        ("mobilenetv2", "none", 192, 0.5),
        ("mobilenetv2", "NONE", 192, 0.5),
        ("mobilenetv2", "imagenet", 224, 1.0),
        ("mobilenetv2", "/some/file.h5", 224, 1.0),
        ("resnet34", None, 128, 1.0),
        ("resnet34", "/some/file.h5", 224, 1.0),
        ("xception", "none", 128, 1.0),
        ("xception", "imagenet", 224, 1.0),
    ],
)
def test_defaults_training_picks(backbone, weights, size, width):
    assert facts.from_scratch(weights) == (weights is None or weights.lower() == "none")
    assert facts.default_input_size(backbone, weights) == size
    assert facts.default_width(backbone, weights) == width


def test_imagenet_file_names():
    assert facts.imagenet_file_name("xception", 299) == "xception_weights_tf_dim_ordering_tf_kernels_notop.h5"
    assert (
        facts.imagenet_file_name("mobilenetv2", 192, 0.5)
        == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.5_192_no_top.h5"
    )
    # a side Keras publishes no file for loads the 224 px one; an int width is written as Keras does (1.0)
    assert (
        facts.imagenet_file_name("mobilenetv2", 256, 1)
        == "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5"
    )
    assert facts.imagenet_file_name("resnet34", 224) is None
    assert facts.imagenet_file_name("no-such-backbone", 224) is None


def test_keras_cache_dir_follows_keras_home(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert facts.keras_cache_dir() == tmp_path / "kh" / "models"
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert facts.keras_cache_dir() == tmp_path / ".keras" / "models"


def test_importing_it_loads_no_numpy_qt_or_tensorflow():
    code = (
        "import sys, annotator.core.model_facts; "
        "print(sorted(m for m in ('numpy', 'PySide6', 'tensorflow', 'keras') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root, check=True)
    assert out.stdout.strip() == "[]"
