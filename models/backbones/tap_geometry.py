"""Where each cell of a feature tap looks: the centres of its receptive fields in input pixels.

A stride-32 map is not centred on its 32-pixel blocks. Keras' ``same`` padding on an even-sized input pads one
pixel on the right and bottom only, so every k x k convolution or pooling of stride 2 (k odd) moves its output half
an input step right and down: after five of them a cell of the stride-32 tap is centred 15.5 pixels right of and
below the middle of its block, half a cell. A heat map drawn on the blocks would sit up-left of what the model
looked at (a 50-pixel miss on a 640-pixel photo seen at 192 px), so `tap_centres` follows the backbone's own layers
(receptive-field arithmetic: kernel, stride, dilation, padding) from the input to the tap.

Coordinates: continuous input pixels of the stretched ``image_size`` frame; pixel ``i`` spans ``[i, i + 1)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np
from keras import layers

from models.backbones import STRIDES, tap_name

_WINDOWED = (
    layers.Conv2D,
    layers.DepthwiseConv2D,
    layers.SeparableConv2D,
    layers.MaxPooling2D,
    layers.AveragePooling2D,
)


class TapGeometryError(ValueError):
    """A layer on the way to the tap changes the map's size in a way the arithmetic does not know."""


@dataclass(frozen=True)
class Axis:
    """One axis of a feature map: cell ``i`` is centred at ``start + i * jump`` input pixels; ``size`` cells."""

    start: float
    jump: float
    size: int

    def centres(self) -> np.ndarray:
        return self.start + self.jump * np.arange(self.size, dtype=np.float64)


def _window(op: layers.Layer, axis: int) -> tuple[int, int, str]:
    """(effective kernel, stride, padding) of a convolution or pooling layer along axis 0 (rows) or 1 (cols)."""
    if isinstance(op, (layers.MaxPooling2D, layers.AveragePooling2D)):
        kernel, dilation = op.pool_size[axis], 1
    else:
        kernel, dilation = op.kernel_size[axis], op.dilation_rate[axis]
    return dilation * (kernel - 1) + 1, op.strides[axis], op.padding


def _through(op: layers.Layer, axis_in: Axis, axis: int) -> Axis:
    """The geometry after one layer, from the geometry of its (first spatial) input along ``axis``."""
    if isinstance(op, _WINDOWED):
        kernel, stride, padding = _window(op, axis)
        n = axis_in.size
        if padding == "valid":
            out, pad_before = (n - kernel) // stride + 1, 0
        else:
            out = -(-n // stride)
            pad_before = max((out - 1) * stride + kernel - n, 0) // 2
        start = axis_in.start + ((kernel - 1) / 2 - pad_before) * axis_in.jump
        return Axis(start, axis_in.jump * stride, out)
    if isinstance(op, layers.ZeroPadding2D):
        before, after = op.padding[axis]
        return Axis(axis_in.start - before * axis_in.jump, axis_in.jump, axis_in.size + before + after)
    if isinstance(op, layers.Cropping2D):
        before, after = op.cropping[axis]
        return Axis(axis_in.start + before * axis_in.jump, axis_in.jump, axis_in.size - before - after)
    main = getattr(op, "main_layers", None)  # a residual unit (models.backbones.resnet34): its main path
    if main is not None:
        for layer in main:
            axis_in = _through(layer, axis_in, axis)
        return axis_in
    if isinstance(op, keras.Model):
        return _tensor_axis(op.outputs[0], axis, {}, {id(op.inputs[0]): axis_in})
    return axis_in


def _tensor_axis(tensor, axis: int, memo: dict[int, Axis], known: dict[int, Axis]) -> Axis:
    """Geometry of a KerasTensor of a functional graph, walking back to a tensor of ``known`` geometry."""
    key = id(tensor)
    if key in known:
        return known[key]
    if key in memo:
        return memo[key]
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        raise TapGeometryError(f"tensor {getattr(tensor, 'name', tensor)!r} has no layer history")
    op = history.operation
    node = op._inbound_nodes[history.node_index]
    inputs = [t for t in node.input_tensors if len(t.shape) == 4]
    if not inputs:
        raise TapGeometryError(f"layer {op.name!r} has no image-shaped input")
    # Branches of an Add / Concatenate meet at the same size; the first one names the geometry.
    result = _through(op, _tensor_axis(inputs[0], axis, memo, known), axis)
    expected = tensor.shape[1 + axis]
    if expected is not None and result.size != expected:
        raise TapGeometryError(
            f"layer {op.name!r} ({type(op).__name__}) outputs {expected} cells along axis {axis}, "
            f"the arithmetic says {result.size}"
        )
    memo[key] = result
    return result


def tap_centres(backbone: keras.Model, stride: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """Receptive-field centres of the cells of the backbone's ``tap_stride{stride}`` output.

    Args:
        backbone: a backbone from `models.backbones.build_backbone` (or the ``backbone`` layer of a full model).
        stride: 8, 16 or 32.

    Returns:
        ``(centres_y, centres_x)``: float64 arrays of the tap's rows and columns, in input pixels.

    Raises:
        TapGeometryError: a layer on the path changes the size in a way not covered here.
    """
    output = backbone.outputs[STRIDES.index(stride)]
    if output._keras_history.operation.name != tap_name(stride):
        raise TapGeometryError(f"output {STRIDES.index(stride)} of the backbone is not {tap_name(stride)}")
    size = backbone.inputs[0].shape[1:3]
    image = id(backbone.inputs[0])
    rows = _tensor_axis(output, 0, {}, {image: Axis(0.5, 1.0, int(size[0]))})
    cols = _tensor_axis(output, 1, {}, {image: Axis(0.5, 1.0, int(size[1]))})
    return rows.centres(), cols.centres()
