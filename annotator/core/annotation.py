"""The annotation document: one image's boxes, as plain dataclasses.

Coordinate space (the whole project uses it unless a name says otherwise): continuous image pixels in the
displayed frame (EXIF orientation already applied), origin at the top-left corner of the top-left pixel,
x to the right, y down. A box is xyxy edges: pixel column ``i`` (0-based) spans ``[i, i + 1)``, so a box that
covers columns 0..9 has ``xmin = 0.0`` and ``xmax = 10.0``.

Pascal VOC files store 1-based inclusive pixel indices; `annotator.core.voc` converts
(``xmin_voc = xmin + 1``, ``xmax_voc = xmax``) so that a read-then-write keeps every number exactly.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class BoxObject:
    """One labelled box.

    Attributes:
        name: the class label, any Unicode.
        xmin, ymin, xmax, ymax: xyxy edges in continuous image pixels (see module docstring).
        difficult, truncated: as the file or the user said; never recomputed.
        pose: free text, "Unspecified" by default (what LabelImg writes).
        extra_elements: serialized XML of child elements of ``<object>`` this tool does not know, kept verbatim
            so a re-write loses nothing (e.g. ``"<score>0.93</score>"``, ``"<occluded>0</occluded>"``).
        score: a model's confidence for predicted boxes, ``None`` for human labels.
    """

    name: str
    xmin: float
    ymin: float
    xmax: float
    ymax: float
    difficult: bool = False
    truncated: bool = False
    pose: str = "Unspecified"
    extra_elements: list[str] = field(default_factory=list)
    score: float | None = None

    @property
    def width(self) -> float:
        return self.xmax - self.xmin

    @property
    def height(self) -> float:
        return self.ymax - self.ymin

    def xyxy(self) -> tuple[float, float, float, float]:
        """The box as ``(xmin, ymin, xmax, ymax)`` in continuous image pixels."""
        return (self.xmin, self.ymin, self.xmax, self.ymax)

    def copy(self) -> BoxObject:
        return dataclasses.replace(self, extra_elements=list(self.extra_elements))


@dataclass
class ImageAnnotation:
    """All the labels of one image, the document that the editor's undo commands change.

    Attributes:
        filename, folder, path: what the VOC file says (``path`` is the image's path as written there).
        width, height, depth: image size in the displayed frame; ``0`` when unknown.
        verified: the user marked this image as checked (LabelImg's ``verified="yes"``).
        objects: the boxes, in file order.
        extra_elements: serialized XML of unknown child elements of ``<annotation>``, kept verbatim.
        segmented: the VOC ``<segmented>`` flag.
        database: the ``<source><database>`` text.
        source_extra_elements: serialized XML of other ``<source>`` children (e.g. VOC2007's
            ``<annotation>``, ``<image>``, ``<flickrid>``), kept verbatim.
    """

    filename: str = ""
    folder: str = ""
    path: str = ""
    width: int = 0
    height: int = 0
    depth: int = 3
    verified: bool = False
    objects: list[BoxObject] = field(default_factory=list)
    extra_elements: list[str] = field(default_factory=list)
    segmented: bool = False
    database: str = "Unknown"
    source_extra_elements: list[str] = field(default_factory=list)

    def copy(self) -> ImageAnnotation:
        return dataclasses.replace(
            self,
            objects=[o.copy() for o in self.objects],
            extra_elements=list(self.extra_elements),
            source_extra_elements=list(self.source_extra_elements),
        )

    def class_names(self) -> list[str]:
        """The distinct labels in first-seen order."""
        return list(dict.fromkeys(o.name for o in self.objects))
