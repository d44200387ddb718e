"""Pure geometry for canvas interactions, in continuous image pixels (xyxy), no widgets involved."""

from __future__ import annotations

XYXY = tuple[float, float, float, float]

MIN_BOX_SIDE = 1.0
"""Smallest box side in image pixels a drag may produce; smaller drags create nothing."""


def clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def snap(value: float, limit: float) -> float:
    """Round to a whole pixel edge inside ``[0, limit]`` (VOC stores whole pixels, so what you see is saved)."""
    return float(clamp(round(value), 0, limit))


def rect_from_drag(
    x0: float, y0: float, x1: float, y1: float, width: float, height: float, *, square: bool = False
) -> XYXY | None:
    """The box spanned by a drag from ``(x0, y0)`` to ``(x1, y1)`` clamped to the image and snapped to pixels.

    Args:
        x0, y0, x1, y1: drag start and end in image pixels (may lie outside the image).
        width, height: the image size.
        square: keep the box square (Shift held); the side is the smaller of the two drag extents.

    Returns:
        xyxy, or ``None`` when the box would be thinner than `MIN_BOX_SIDE` (a click or a zero-size drag).
    """
    x0, y0 = clamp(x0, 0, width), clamp(y0, 0, height)
    x1, y1 = clamp(x1, 0, width), clamp(y1, 0, height)
    if square:
        side = min(abs(x1 - x0), abs(y1 - y0))
        x1 = x0 + side if x1 >= x0 else x0 - side
        y1 = y0 + side if y1 >= y0 else y0 - side
    xmin, xmax = sorted((snap(x0, width), snap(x1, width)))
    ymin, ymax = sorted((snap(y0, height), snap(y1, height)))
    if xmax - xmin < MIN_BOX_SIDE or ymax - ymin < MIN_BOX_SIDE:
        return None
    return (xmin, ymin, xmax, ymax)


def moved(box: XYXY, dx: float, dy: float, width: float, height: float) -> XYXY:
    """``box`` shifted by ``(dx, dy)`` image pixels, kept whole inside the image."""
    xmin, ymin, xmax, ymax = box
    dx = clamp(dx, -xmin, width - xmax)
    dy = clamp(dy, -ymin, height - ymax)
    return (xmin + dx, ymin + dy, xmax + dx, ymax + dy)


# Which edges each of the eight handles drags: (moves xmin, moves ymin, moves xmax, moves ymax).
# Handle order: top-left, top, top-right, right, bottom-right, bottom, bottom-left, left.
HANDLE_EDGES: tuple[tuple[bool, bool, bool, bool], ...] = (
    (True, True, False, False),
    (False, True, False, False),
    (False, True, True, False),
    (False, False, True, False),
    (False, False, True, True),
    (False, False, False, True),
    (True, False, False, True),
    (True, False, False, False),
)


def resized(box: XYXY, handle: int, x: float, y: float, width: float, height: float) -> XYXY:
    """``box`` with the edges of ``handle`` dragged to ``(x, y)`` (image pixels), snapped and clamped.

    Dragging an edge past the opposite one flips the box rather than inverting it; the result is never
    thinner than `MIN_BOX_SIDE`.
    """
    mx0, my0, mx1, my1 = HANDLE_EDGES[handle]
    xmin, ymin, xmax, ymax = box
    x, y = snap(x, width), snap(y, height)
    if mx0:
        xmin = x
    if mx1:
        xmax = x
    if my0:
        ymin = y
    if my1:
        ymax = y
    xmin, xmax = sorted((xmin, xmax))
    ymin, ymax = sorted((ymin, ymax))
    if xmax - xmin < MIN_BOX_SIDE:
        xmax = min(width, xmin + MIN_BOX_SIDE)
        xmin = xmax - MIN_BOX_SIDE
    if ymax - ymin < MIN_BOX_SIDE:
        ymax = min(height, ymin + MIN_BOX_SIDE)
        ymin = ymax - MIN_BOX_SIDE
    return (xmin, ymin, xmax, ymax)


def box_at(boxes: list[XYXY], x: float, y: float) -> int | None:
    """Index of the smallest box containing image point ``(x, y)``, or ``None`` (small boxes win so that a
    box drawn inside a bigger one can still be picked)."""
    best: int | None = None
    best_area = float("inf")
    for i, (xmin, ymin, xmax, ymax) in enumerate(boxes):
        if xmin <= x <= xmax and ymin <= y <= ymax:
            area = (xmax - xmin) * (ymax - ymin)
            if area < best_area:
                best, best_area = i, area
    return best
