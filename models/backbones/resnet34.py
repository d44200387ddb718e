"""The classic ResNet-34 built from a registered, serializable `ResidualUnit` layer.

A 7x7/2 convolution and a 3x3/2 max-pool, then residual units stacked 3-4-6-3 with 64-128-256-512 filters;
the first unit of each new width halves the resolution and its skip path is a strided 1x1 convolution + BN.
"""

from __future__ import annotations

import keras
from keras import layers

STAGES: tuple[tuple[int, int], ...] = ((64, 3), (128, 4), (256, 6), (512, 3))


@keras.saving.register_keras_serializable(package="flower_annotator")
class ResidualUnit(layers.Layer):
    """Two 3x3 convolutions with batch normalization plus a skip connection.

    Args:
        filters: output channels.
        strides: 1, or 2 to halve the height and width (the skip path then uses a 1x1 convolution of stride 2).
        activation: the activation after each block, ``"relu"`` by default.
    """

    def __init__(self, filters: int, strides: int = 1, activation: str = "relu", **kwargs) -> None:
        super().__init__(**kwargs)
        if strides not in (1, 2):
            raise ValueError(f"ResidualUnit strides must be 1 or 2, got {strides!r}")
        self.filters = int(filters)
        self.strides = int(strides)
        self.activation = keras.activations.get(activation)
        self._activation_name = activation
        self.main_layers = [
            layers.Conv2D(filters, 3, strides=strides, padding="same", use_bias=False, name="conv1"),
            layers.BatchNormalization(name="bn1"),
            layers.Activation(activation, name="act1"),
            layers.Conv2D(filters, 3, strides=1, padding="same", use_bias=False, name="conv2"),
            layers.BatchNormalization(name="bn2"),
        ]
        self.skip_layers: list[layers.Layer] = []
        if strides > 1:
            self.skip_layers = [
                layers.Conv2D(filters, 1, strides=strides, padding="same", use_bias=False, name="skip_conv"),
                layers.BatchNormalization(name="skip_bn"),
            ]

    def build(self, input_shape) -> None:
        shape = tuple(input_shape)
        for layer in self.main_layers:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        shape = tuple(input_shape)
        for layer in self.skip_layers:
            layer.build(shape)
            shape = layer.compute_output_shape(shape)
        self.built = True

    def call(self, inputs, training=None):
        z = inputs
        for layer in self.main_layers:
            z = layer(z, training=training)
        skip = inputs
        for layer in self.skip_layers:
            skip = layer(skip, training=training)
        return self.activation(z + skip)

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        for layer in self.main_layers:
            shape = layer.compute_output_shape(shape)
        return shape

    def get_config(self) -> dict:
        config = super().get_config()
        config.update(filters=self.filters, strides=self.strides, activation=self._activation_name)
        return config


def resnet34(inputs: keras.KerasTensor) -> tuple[keras.KerasTensor, dict[int, keras.KerasTensor]]:
    """Connect ResNet-34 (without its classifier) to ``inputs``, already scaled to [-1, 1].

    Returns:
        The stride-32 output and the feature taps ``{8: ..., 16: ..., 32: ...}`` (ends of the 128, 256 and
        512 stages).
    """
    x = layers.Conv2D(64, 7, strides=2, padding="same", use_bias=False, name="conv1")(inputs)
    x = layers.BatchNormalization(name="conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    taps: dict[int, keras.KerasTensor] = {}
    stride = 4
    prev_filters = 64
    for stage, (filters, units) in enumerate(STAGES, start=1):
        for unit in range(units):
            strides = 2 if filters != prev_filters and unit == 0 else 1
            x = ResidualUnit(filters, strides=strides, name=f"stage{stage}_unit{unit + 1}")(x)
        if filters != prev_filters:
            stride *= 2
        prev_filters = filters
        if stride >= 8:
            taps[stride] = x
    return x, taps
