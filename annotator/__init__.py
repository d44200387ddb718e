"""Flower Annotator: label flower photos in Pascal VOC and train Keras models on them."""

from __future__ import annotations

__version__ = "0.1.0"
