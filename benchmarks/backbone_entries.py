"""The ``--backbones`` entries the model benchmarks share: ``NAME`` or ``NAME:WIDTH@SIZE``."""

from __future__ import annotations

from typing import NamedTuple


class BackboneEntry(NamedTuple):
    """One entry as written (``label``): the backbone, its width and input size (None: training's defaults) and a
    file-name stem."""

    label: str
    name: str
    width: float | None
    size: int | None
    stem: str


def parse_entries(text: str) -> list[BackboneEntry]:
    """``"mobilenetv2,mobilenetv2:0.5@192"`` -> one `BackboneEntry` per comma-separated entry."""
    entries = []
    for entry in text.split(","):
        name, _, setting = entry.partition(":")
        width, _, size = setting.partition("@")
        stem = entry.replace(":", "_").replace("@", "_")
        entries.append(
            BackboneEntry(entry, name, float(width) if width else None, int(size) if size else None, stem)
        )
    return entries
