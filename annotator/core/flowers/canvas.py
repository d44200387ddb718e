"""Drawing one flower into its own small patch, in the flower's local frame.

Local frame: the flower's centre at ``(0, 0)``, one unit = the flower's radius ``R`` in pixels, x to the right and
y down before the in-plane rotation; ``tilt`` (0..1] squashes y to show a flower seen at an angle. A local point
``p`` lands at scene pixel ``centre + R * Rot(angle) @ diag(1, tilt) @ p`` (continuous image pixels, see
`annotator.core.annotation`).

A patch holds three layers at scene resolution, drawn with anti-aliased OpenCV primitives:
``color`` (premultiplied RGB: drawn over black with the same coverage as ``alpha``), ``alpha`` (coverage of all
ink, stem and leaves included) and ``head`` (coverage of the part that is labelled as the flower).
"""

from __future__ import annotations

import colorsys
from dataclasses import dataclass

import cv2
import numpy as np

_SHIFT = 4  # OpenCV fixed-point bits: sub-pixel accurate vertices
_SCALE = float(1 << _SHIFT)


@dataclass
class FlowerPatch:
    """A rendered flower, ready to composite.

    Attributes:
        x0, y0: scene pixel of the patch's top-left pixel (may be negative or beyond the image).
        color: (h, w, 3) float32 premultiplied RGB, 0..255.
        alpha: (h, w) float32 coverage 0..1 of everything drawn.
        head: (h, w) float32 coverage 0..1 of the labelled flower head.
    """

    x0: int
    y0: int
    color: np.ndarray
    alpha: np.ndarray
    head: np.ndarray


def hsv(h: float, s: float, v: float) -> tuple[float, float, float]:
    """RGB 0..255 from hue (wrapped to 0..1), saturation and value in 0..1."""
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, min(max(s, 0.0), 1.0), min(max(v, 0.0), 1.0))
    return (r * 255.0, g * 255.0, b * 255.0)


def scale_color(color: tuple[float, float, float], k: float) -> tuple[float, float, float]:
    """``color`` times ``k``, clipped to 0..255."""
    return tuple(min(255.0, max(0.0, c * k)) for c in color)  # type: ignore[return-value]


def mix(a: tuple[float, float, float], b: tuple[float, float, float], t: float) -> tuple[float, float, float]:
    """Linear blend ``a*(1-t) + b*t``."""
    return tuple(x * (1.0 - t) + y * t for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def petal_outline(
    base: float,
    length: float,
    width: float,
    angle: float,
    profile: str = "strap",
    bend: float = 0.0,
    n: int = 14,
) -> np.ndarray:
    """A petal polygon in local units, pointing outwards along ``angle`` (radians).

    Args:
        base: distance of the petal's base from the flower centre.
        length: base-to-tip length; width: widest extent.
        profile: ``strap`` (narrow base, near constant width, round tip: daisy), ``pointed`` (widest near a
            third, sharp tip: sunflower), ``round`` (broad, blunt: rose), ``egg`` (widest below the
            middle, blunt point: tulip), ``spoon`` (widest near the tip).
        bend: sideways curl of the tip, in units of ``length``.

    Returns:
        (2n, 2) float array of polygon vertices (x, y).
    """
    s = np.linspace(0.0, 1.0, n)
    if profile == "strap":
        half = np.sqrt(np.clip(s * 3.0, 0.0, 1.0)) * np.sqrt(np.clip(1.0 - s**6, 0.0, 1.0))
    elif profile == "pointed":
        half = np.sin(np.pi * s**0.8) ** 0.9
    elif profile == "round":
        half = np.sqrt(np.clip(np.sin(np.pi * (0.08 + 0.92 * s)), 0.0, 1.0))
    elif profile == "egg":
        half = np.sin(np.pi * s**0.8) ** 0.7
    elif profile == "spoon":
        half = np.sqrt(np.clip(np.sin(np.pi * (0.25 + 0.75 * s) ** 1.4), 0.0, 1.0))
    else:
        raise ValueError(f"unknown petal profile {profile!r}")
    half = half * (width / 2.0)
    x = base + s * length
    y_mid = bend * length * s**2
    xs = np.concatenate([x, x[::-1]])
    ys = np.concatenate([y_mid + half, (y_mid - half)[::-1]])
    c, si = np.cos(angle), np.sin(angle)
    return np.stack([xs * c - ys * si, xs * si + ys * c], axis=1)


class FlowerCanvas:
    """The drawing surface for one flower; see the module docstring for frames and layers."""

    def __init__(
        self,
        centre: tuple[float, float],
        radius: float,
        angle: float,
        tilt: float,
        extent: tuple[float, float, float, float],
        clip: tuple[int, int, int, int],
    ) -> None:
        """Args:
        centre: flower centre in scene pixels (x, y).
        radius: R, pixels per local unit.
        angle: in-plane rotation, radians; tilt: y squash (0, 1].
        extent: (xmin, ymin, xmax, ymax) in local units that everything drawn stays within.
        clip: (x0, y0, x1, y1) scene pixel bounds the patch never exceeds (the image plus a margin).
        """
        self.radius = float(radius)
        self.centre = np.array(centre, dtype=np.float64)
        c, s = np.cos(angle), np.sin(angle)
        self.matrix = self.radius * np.array([[c, -s], [s, c]]) @ np.diag([1.0, tilt])
        ex0, ey0, ex1, ey1 = extent
        corners = np.array([[ex0, ey0], [ex1, ey0], [ex1, ey1], [ex0, ey1]], dtype=np.float64)
        scene = corners @ self.matrix.T + self.centre
        x0 = max(int(np.floor(scene[:, 0].min())) - 2, clip[0])
        y0 = max(int(np.floor(scene[:, 1].min())) - 2, clip[1])
        x1 = min(int(np.ceil(scene[:, 0].max())) + 2, clip[2])
        y1 = min(int(np.ceil(scene[:, 1].max())) + 2, clip[3])
        self.x0, self.y0 = x0, y0
        h, w = max(y1 - y0, 1), max(x1 - x0, 1)
        self.color = np.zeros((h, w, 3), dtype=np.uint8)
        self.alpha = np.zeros((h, w), dtype=np.uint8)
        self.head = np.zeros((h, w), dtype=np.uint8)

    # -- coordinates -------------------------------------------------------------------------------------
    def to_fixed(self, pts: np.ndarray) -> np.ndarray:
        """Local points (N, 2) -> OpenCV fixed-point patch coordinates (pixel centres at integers)."""
        scene = np.asarray(pts, dtype=np.float64) @ self.matrix.T + self.centre
        patch = scene - (self.x0 + 0.5, self.y0 + 0.5)
        return np.round(patch * _SCALE).astype(np.int32)

    def px(self, local_length: float) -> int:
        """A local length as a whole number of pixels, at least 1 (for line thickness)."""
        return max(1, int(round(local_length * self.radius)))

    def local_grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Local (u, v) coordinates of every patch pixel centre, float32 (h, w) each."""
        h, w = self.alpha.shape
        xs = np.arange(w, dtype=np.float32) + (self.x0 + 0.5 - self.centre[0])
        ys = np.arange(h, dtype=np.float32) + (self.y0 + 0.5 - self.centre[1])
        inv = np.linalg.inv(self.matrix).astype(np.float32)
        u = inv[0, 0] * xs[None, :] + inv[0, 1] * ys[:, None]
        v = inv[1, 0] * xs[None, :] + inv[1, 1] * ys[:, None]
        return u, v

    # -- primitives ----------------------------------------------------------------------------------------
    def fill(
        self, pts: np.ndarray, color: tuple[float, float, float], head: bool = True, opacity: float = 1.0
    ) -> None:
        """Fill a local polygon; ``opacity`` < 1 draws a translucent layer (over nothing but black)."""
        p = [self.to_fixed(pts)]
        cv2.fillPoly(self.color, p, scale_color(color, opacity), cv2.LINE_AA, _SHIFT)
        cv2.fillPoly(self.alpha, p, int(round(255 * opacity)), cv2.LINE_AA, _SHIFT)
        if head:
            cv2.fillPoly(self.head, p, 255, cv2.LINE_AA, _SHIFT)

    def stroke(
        self,
        pts: np.ndarray,
        color: tuple[float, float, float],
        thickness: float,
        head: bool = True,
        closed: bool = False,
        ink: bool = True,
    ) -> None:
        """Draw a local polyline ``thickness`` local units wide (at least one pixel).

        ``ink=False`` only recolours (veins, outlines inside a filled shape) without adding coverage.
        """
        p = [self.to_fixed(pts)]
        t = self.px(thickness)
        cv2.polylines(self.color, p, closed, color, t, cv2.LINE_AA, _SHIFT)
        if ink:
            cv2.polylines(self.alpha, p, closed, 255, t, cv2.LINE_AA, _SHIFT)
            if head:
                cv2.polylines(self.head, p, closed, 255, t, cv2.LINE_AA, _SHIFT)

    def disk(
        self, centre: tuple[float, float], radius: float, color: tuple[float, float, float], head: bool = True
    ) -> None:
        """A filled circle in local units (an ellipse on screen when tilted or rotated)."""
        t = np.linspace(0.0, 2.0 * np.pi, max(12, min(64, int(self.radius * radius * 1.5))), endpoint=False)
        pts = np.stack([centre[0] + radius * np.cos(t), centre[1] + radius * np.sin(t)], axis=1)
        self.fill(pts, color, head)

    def dots(
        self,
        centres: np.ndarray,
        radius_px: int,
        colors: np.ndarray,
    ) -> None:
        """Small recolouring dots (seeds, pollen) at local ``centres`` (N, 2); adds no coverage."""
        fixed = self.to_fixed(centres)
        r = max(1, int(radius_px)) << _SHIFT
        for (x, y), col in zip(fixed.tolist(), colors.tolist(), strict=True):
            cv2.circle(self.color, (x, y), r, col, -1, cv2.LINE_AA, _SHIFT)

    def head_region(self, pts: np.ndarray) -> None:
        """Mark a local polygon as labelled flower without drawing colour (e.g. a translucent seed puff)."""
        cv2.fillPoly(self.head, [self.to_fixed(pts)], 255, cv2.LINE_AA, _SHIFT)

    def finish(self, shade: np.ndarray | None = None) -> FlowerPatch:
        """Convert to float layers; ``shade`` (h, w) multiplies the colour (lighting over the flower)."""
        color = self.color.astype(np.float32)
        if shade is not None:
            color *= shade[..., None]
        alpha = self.alpha.astype(np.float32) * (1.0 / 255.0)
        head = self.head.astype(np.float32) * (1.0 / 255.0)
        # The colour was drawn over black with the same anti-aliasing as alpha, so it is premultiplied already;
        # a head region marked without ink (seed puff) keeps its own alpha.
        np.minimum(color, 255.0 * alpha[..., None] + 0.5, out=color)
        return FlowerPatch(self.x0, self.y0, color, alpha, head)
