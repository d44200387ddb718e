"""Composing one synthetic photo: background, flowers in depth order, shadows, occluding leaves, camera effects.

The result carries an instance map (which flower owns each pixel after occlusion), from which the class mask and
the exact boxes are derived: a box is the tight xyxy box of its flower's visible pixels, in continuous image
pixels (column ``i`` spans ``[i, i + 1)``, see `annotator.core.annotation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from annotator.core.flowers.backgrounds import background, leaf_patch, value_noise
from annotator.core.flowers.canvas import FlowerCanvas, FlowerPatch
from annotator.core.flowers.species import SPECIES

# A flower must keep this much of its in-image area visible after occlusion, and this much of its full area
# inside the image, or the scene is re-laid out without it (never a visible but unlabelled flower).
MIN_VISIBLE_FRACTION = 0.45
MIN_INSIDE_FRACTION = 0.4
MIN_VISIBLE_PIXELS = 25
MIN_BOX_SIDE = 4


@dataclass
class Placement:
    """Where and how one flower is drawn: class name, centre (scene pixels), radius (pixels), angle, tilt, and
    whether the species' side view is used."""

    name: str
    cx: float
    cy: float
    radius: float
    angle: float
    tilt: float
    side: bool = False


@dataclass
class SceneObject:
    """A labelled flower of a rendered scene: class name, xyxy box (continuous pixels), truncated flag.

    ``truncated`` is true when the drawn flower head reaches past the image edge or its visible box touches it.
    """

    name: str
    box: tuple[float, float, float, float]
    truncated: bool


@dataclass
class Scene:
    """A rendered photo: ``image`` (H, W, 3) uint8 RGB, ``instances`` (H, W) int16 (0 = none, i+1 = objects[i])."""

    image: np.ndarray
    instances: np.ndarray
    objects: list[SceneObject]

    def class_mask(self, class_names: list[str]) -> np.ndarray:
        """(H, W) uint8 VOC class indices: 0 background, k+1 for ``class_names[k]``."""
        lut = np.zeros(len(self.objects) + 1, dtype=np.uint8)
        for i, obj in enumerate(self.objects):
            lut[i + 1] = class_names.index(obj.name) + 1
        return lut[self.instances]


def _layout(rng: np.random.Generator, width: int, height: int, names: list[str]) -> list[Placement]:
    """Sizes and positions for the given classes, drawn back (small) to front (large)."""
    side = float(min(width, height))
    top = {1: 1.15, 2: 0.8, 3: 0.62}.get(len(names), 0.5)
    # Mostly medium to large flowers, a third of them small (down to 8% of the short side).
    small = rng.random(len(names)) < 0.33
    lo = np.where(small, np.log(0.08), np.log(min(0.25, top * 0.5)))
    hi = np.where(small, np.log(0.3), np.log(top))
    diameters = np.exp(rng.uniform(lo, hi)) * side
    order = np.argsort(diameters)
    placed: list[Placement] = []
    for k in order.tolist():
        name = names[k]
        spec = SPECIES[name]
        radius = max(4.0, diameters[k] * rng.uniform(*spec.size) / 2.0)
        side = spec.side_draw is not None and rng.random() < spec.side_share
        radial = spec.radial and not side
        angle = rng.uniform(0.0, 2.0 * np.pi) if radial else rng.normal(0.0, 0.22)
        tilt = 1.0 if (not radial or rng.random() < 0.45) else rng.uniform(0.5, 1.0)
        for _ in range(30):
            cut = rng.uniform(0.0, 0.7) if rng.random() < 0.25 else 0.0
            lo_x, hi_x = radius * (1.0 - cut), width - radius * (1.0 - cut)
            lo_y, hi_y = radius * (1.0 - cut), height - radius * (1.0 - cut)
            cx = rng.uniform(lo_x, hi_x) if hi_x > lo_x else width / 2.0 + rng.normal(0, 0.1) * width
            cy = rng.uniform(lo_y, hi_y) if hi_y > lo_y else height / 2.0 + rng.normal(0, 0.1) * height
            ok = True
            for other in placed:  # the new flower is in front: it must not hide much of one behind it
                d = np.hypot(cx - other.cx, cy - other.cy)
                if d < other.radius * 0.6 + radius * 0.75:
                    ok = False
                    break
            if ok:
                placed.append(Placement(name, cx, cy, radius, angle, tilt, side))
                break
    return placed


def _paste(img: np.ndarray, patch: FlowerPatch, dx: int = 0, dy: int = 0) -> tuple | None:
    """Image and patch slices where the patch (shifted by dx, dy) overlaps the image, or None."""
    h, w = patch.alpha.shape
    x0, y0 = patch.x0 + dx, patch.y0 + dy
    ix0, iy0 = max(x0, 0), max(y0, 0)
    ix1, iy1 = min(x0 + w, img.shape[1]), min(y0 + h, img.shape[0])
    if ix1 <= ix0 or iy1 <= iy0:
        return None
    return (slice(iy0, iy1), slice(ix0, ix1)), (slice(iy0 - y0, iy1 - y0), slice(ix0 - x0, ix1 - x0))


def _composite(img: np.ndarray, inst: np.ndarray, patch: FlowerPatch, label: int) -> tuple[int, int]:
    """Draw ``patch`` over the image; its head pixels become ``label`` and its other ink hides what is behind.

    Returns:
        (head pixels inside the image, head pixels in total) at the 0.5 coverage threshold.
    """
    head_total = int(np.count_nonzero(patch.head >= 0.5))
    where = _paste(img, patch)
    if where is None:
        return 0, head_total
    (isl, psl) = where
    a = patch.alpha[psl][..., None]
    region = img[isl]
    region *= 1.0 - a
    region += patch.color[psl]
    head = patch.head[psl] >= 0.5
    inst_region = inst[isl]
    inst_region[patch.alpha[psl] >= 0.5] = 0
    if label:
        inst_region[head] = label
    return int(np.count_nonzero(head)), head_total


def _shadow(
    img: np.ndarray, patch: FlowerPatch, radius: float, light: tuple[float, float], strength: float
) -> None:
    """A soft drop shadow cast away from the light."""
    sigma = max(1.0, radius * 0.12)
    soft = cv2.GaussianBlur(patch.alpha, (0, 0), sigma)
    shadow = FlowerPatch(patch.x0, patch.y0, soft, soft, soft)
    where = _paste(img, shadow, int(round(-light[0] * radius * 0.2)), int(round(-light[1] * radius * 0.2)))
    if where is not None:
        isl, psl = where
        img[isl] *= (1.0 - strength * soft[psl])[..., None]


def _draw_flower(
    rng: np.random.Generator,
    p: Placement,
    clip: tuple[int, int, int, int],
    light: tuple[float, float],
    defocus: float,
) -> FlowerPatch:
    """The flower's patch with surface mottling and lens softness (``defocus``: extra blur sigma, pixels).

    Blur applies to colour, coverage and head alike, so the mask follows the softened outline.
    """
    spec = SPECIES[p.name]
    draw, extent = (
        (spec.side_draw, spec.side_extent) if p.side and spec.side_draw else (spec.draw, spec.extent)
    )
    cv = FlowerCanvas((p.cx, p.cy), p.radius, p.angle, p.tilt, extent, clip)
    shade = draw(cv, rng, light)
    h, w = cv.alpha.shape
    texture = 1.0 + rng.uniform(0.04, 0.12) * value_noise(rng, h, w, max(2.0, p.radius * 0.12), 2)
    patch = cv.finish(shade * texture)
    sigma = rng.uniform(0.3, 0.7) + defocus
    if sigma > 0.4:
        for layer in (patch.color, patch.alpha, patch.head):
            cv2.GaussianBlur(layer, (0, 0), sigma, dst=layer)
    return patch


def _render(
    rng: np.random.Generator, width: int, height: int, layout: list[Placement]
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int]], list[bool]]:
    """Background + flowers + leaves; returns image (float RGB), instances, (inside, total) head pixels, truncated."""
    img = background(rng, width, height)
    inst = np.zeros((height, width), dtype=np.int16)
    a = rng.uniform(0, 2 * np.pi)
    light = (float(np.cos(a)), float(np.sin(a)))
    shadow_strength = rng.uniform(0.0, 0.35) if rng.random() < 0.6 else 0.0
    counts: list[tuple[int, int]] = []
    truncated: list[bool] = []
    for i, p in enumerate(layout):
        margin = int(3.0 * p.radius) + 4
        clip = (-margin, -margin, width + margin, height + margin)
        behind = i < len(layout) - 1 and p.radius < 0.6 * layout[-1].radius
        defocus = rng.uniform(0.8, 2.0) if behind and rng.random() < 0.3 else 0.0
        patch = _draw_flower(rng, p, clip, light, defocus)
        if shadow_strength > 0.05:
            _shadow(img, patch, p.radius, light, shadow_strength)
        inside, total = _composite(img, inst, patch, i + 1)
        counts.append((inside, total))
        truncated.append(inside < total)
    if layout and rng.random() < 0.35:
        for _ in range(int(rng.integers(1, 3))):
            target = layout[int(rng.integers(len(layout)))]
            a = rng.uniform(0, 2 * np.pi)
            dist = target.radius * rng.uniform(0.9, 1.5)
            base = (target.cx + dist * np.cos(a), target.cy + dist * np.sin(a))
            pointing = a + np.pi + rng.normal(0.0, 0.5)
            length = target.radius * rng.uniform(0.6, 1.3)
            margin = int(length) + 4
            leaf = leaf_patch(
                rng, base, length, pointing, (-margin, -margin, width + margin, height + margin)
            )
            _composite(img, inst, leaf, 0)
    return img, inst, counts, truncated


def _camera(rng: np.random.Generator, img: np.ndarray) -> np.ndarray:
    """Exposure, white balance, lens blur, vignette and sensor noise; returns uint8 RGB."""
    h, w = img.shape[:2]
    gain = rng.uniform(0.92, 1.08, size=3)
    contrast, bright = rng.uniform(0.8, 1.15), rng.uniform(-20, 20)
    img *= (gain * contrast).astype(np.float32)  # the render's own array: changed in place
    img += np.float32(128.0 * (1.0 - contrast) + bright + 0.5)  # + 0.5: round, not truncate, below
    if rng.random() < 0.3:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.9))
    if rng.random() < 0.4:
        xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
        ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
        img *= (1.0 - np.float32(rng.uniform(0.1, 0.35)) * (xs * xs + ys * ys) / 2.0)[..., None]
    img += rng.standard_normal(img.shape, dtype=np.float32) * np.float32(rng.uniform(1.0, 6.0))
    np.clip(img, 0, 255, out=img)
    return img.astype(np.uint8)


def _box(inst: np.ndarray, label: int) -> tuple[float, float, float, float] | None:
    mask = inst == label
    cols = np.flatnonzero(mask.any(axis=0))
    if cols.size == 0:
        return None
    rows = np.flatnonzero(mask.any(axis=1))
    return (float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1))


def _touches_edge(box: tuple[float, float, float, float], width: int, height: int) -> bool:
    return box[0] <= 0 or box[1] <= 0 or box[2] >= width or box[3] >= height


def render_scene(rng: np.random.Generator, width: int, height: int, names: list[str]) -> Scene:
    """Render a photo with one flower of each class in ``names`` (some may be dropped to keep labels honest).

    Flowers that would end up mostly hidden (by other flowers or leaves) or mostly outside the frame are removed
    and the scene is drawn again, so every visible flower is labelled. At least one flower always remains.
    """
    layout = _layout(rng, width, height, names)
    for _attempt in range(6):
        if not layout:
            layout = _layout(rng, width, height, names[:1])
            continue
        img, inst, counts, truncated = _render(rng, width, height, layout)
        keep: list[int] = []
        for i, (inside, total) in enumerate(counts):
            visible = int(np.count_nonzero(inst == i + 1))
            box = _box(inst, i + 1)
            if (
                box is not None
                and min(box[2] - box[0], box[3] - box[1]) >= MIN_BOX_SIDE
                and visible >= MIN_VISIBLE_PIXELS
                and visible >= MIN_VISIBLE_FRACTION * max(inside, 1)
                and inside >= MIN_INSIDE_FRACTION * max(total, 1)
            ):
                keep.append(i)
        if len(keep) == len(layout):
            objects = []
            for i, p in enumerate(layout):
                box = _box(inst, i + 1)
                assert box is not None  # guaranteed by the visibility check above
                objects.append(SceneObject(p.name, box, truncated[i] or _touches_edge(box, width, height)))
            return Scene(_camera(rng, img), inst, objects)
        layout = [layout[i] for i in keep]
    # Fall back to one whole flower in the middle, which always passes.
    p = Placement(names[0], width / 2.0, height / 2.0, min(width, height) * 0.25, 0.0, 1.0)
    img, inst, counts, truncated = _render(rng, width, height, [p])
    box = _box(inst, 1)
    assert box is not None
    return Scene(
        _camera(rng, img), inst, [SceneObject(p.name, box, truncated[0] or _touches_edge(box, width, height))]
    )
