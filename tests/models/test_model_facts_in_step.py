"""The facts about models the window needs without TensorFlow (`annotator.core.training_runs`) say what the
models themselves do: ImageNet file names per backbone, size and width, the widths, the default width."""

from __future__ import annotations

import pytest

from annotator.core import training_runs
from models import backbones
from models.backbones.weights import WeightsError, imagenet_file
from models.training import default_width


def test_widths_are_those_the_backbones_build():
    assert training_runs.WIDTHS == backbones.WIDTHS


@pytest.mark.parametrize("backbone", training_runs.BACKBONES)
@pytest.mark.parametrize("size", [64, 96, 128, 160, 192, 224, 256])
def test_imagenet_file_names_match_the_models(backbone, size):
    for width in training_runs.WIDTHS.get(backbone, (1.0,)):
        name = training_runs.imagenet_file_name(backbone, size, width)
        try:
            expected = imagenet_file(backbone, size, width).file_name
        except WeightsError:
            expected = None
        assert name == expected


@pytest.mark.parametrize("backbone", training_runs.BACKBONES)
@pytest.mark.parametrize("weights", [None, "none", "imagenet", "/some/file.h5"])
def test_default_width_matches_training(backbone, weights):
    assert training_runs.default_width(backbone, weights) == default_width(weights, backbone)
