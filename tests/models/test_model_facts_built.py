"""`models` builds, loads and picks what `annotator.core.model_facts` (the one TensorFlow-free module the window
reads too) says: its backbones, every width, Keras' ImageNet file names, training's defaults."""

from __future__ import annotations

import inspect

import pytest

from annotator.core import model_facts as facts
from models import backbones
from models.backbones.weights import WeightsError, imagenet_file
from models.training import TrainConfig, resolve_defaults


def test_the_builders_are_the_backbones_the_facts_name():
    # tests may register more (conftest's tiny_test); every backbone the window offers has a builder
    assert set(facts.BACKBONES) <= set(backbones.BACKBONES)


def test_mobilenetv2_builds_at_every_width_the_facts_offer_and_nowhere_else():
    params = []
    for width in facts.WIDTHS["mobilenetv2"]:
        params.append(backbones.build_backbone("mobilenetv2", image_size=32, width=width).count_params())
    assert params == sorted(params) and len(set(params)) == len(
        params
    )  # wider is bigger, each width distinct
    for name in facts.BACKBONES:
        for width in (0.6, 2.0):
            with pytest.raises(ValueError, match=str(width)):
                backbones.check_backbone_args(name, 96, width)
        if name not in facts.WIDTHS:
            with pytest.raises(ValueError, match="only mobilenetv2"):
                backbones.check_backbone_args(name, 96, 0.5)


@pytest.mark.parametrize("backbone", facts.BACKBONES)
@pytest.mark.parametrize("size", [64, 96, 128, 160, 192, 224, 256])
def test_weights_loader_asks_keras_for_the_file_the_facts_name(backbone, size):
    for width in facts.WIDTHS.get(backbone, (1.0,)):
        name = facts.imagenet_file_name(backbone, size, width)
        if name is None:
            with pytest.raises(WeightsError, match=backbone):
                imagenet_file(backbone, size, width)
        else:
            spec = imagenet_file(backbone, size, width)
            assert spec.file_name == name and spec.url.endswith("/" + name)


def test_keras_names_its_imagenet_files_as_the_facts_say():
    from keras.src.applications import mobilenet_v2, xception

    assert facts.IMAGENET_FILES["xception"] in inspect.getsource(xception)
    source = inspect.getsource(mobilenet_v2)
    prefix, _, suffix = facts.IMAGENET_FILES["mobilenetv2"].partition("{width}_{rows}")
    assert prefix in source and f'{{float(alpha)}}_{{rows}}{suffix}"' in source
    assert str(list(facts.MOBILENETV2_IMAGENET_SIZES)) in source


@pytest.mark.parametrize("backbone", facts.BACKBONES)
@pytest.mark.parametrize("weights", [None, "none", "imagenet", "/some/file.h5"])
def test_training_picks_the_defaults_the_dock_shows(backbone, weights):
    picked = resolve_defaults(TrainConfig("d", "m.keras", backbone=backbone, weights=weights))
    assert picked.image_size == facts.default_input_size(backbone, weights)
    assert picked.width == facts.default_width(backbone, weights)
