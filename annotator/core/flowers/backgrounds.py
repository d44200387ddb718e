"""Scene backgrounds and foreground leaves for the synthetic flower photos.

All arrays are RGB float32 in 0..255, shape (H, W, 3), in image pixels. Nothing here is labelled: it is the
"background" class (0) of the segmentation masks.
"""

from __future__ import annotations

import cv2
import numpy as np

from annotator.core.flowers.canvas import FlowerCanvas, FlowerPatch, hsv, petal_outline, scale_color


def value_noise(rng: np.random.Generator, h: int, w: int, cell: float, octaves: int = 3) -> np.ndarray:
    """Smooth random field in about -1..1, features about ``cell`` pixels wide (float32 (h, w))."""
    out = np.zeros((h, w), dtype=np.float32)
    amp, total = 1.0, 0.0
    for _ in range(octaves):
        gh, gw = max(2, int(h / cell) + 2), max(2, int(w / cell) + 2)
        grid = rng.uniform(-1.0, 1.0, size=(gh, gw)).astype(np.float32)
        out += amp * cv2.resize(grid, (w, h), interpolation=cv2.INTER_CUBIC)
        total += amp
        amp *= 0.5
        cell = max(cell / 2.0, 1.5)
    return out / total


def _tinted(rng: np.random.Generator, h: int, w: int, a: tuple, b: tuple, cell: float) -> np.ndarray:
    """A field blending colours ``a`` and ``b`` with value noise."""
    t = np.clip(0.5 + 0.7 * value_noise(rng, h, w, cell), 0.0, 1.0)[..., None]
    return (np.array(a, np.float32) * (1.0 - t) + np.array(b, np.float32) * t).astype(np.float32)


def _grass(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    hue = rng.uniform(0.17, 0.3)
    dark = hsv(hue, rng.uniform(0.5, 0.8), rng.uniform(0.15, 0.3))
    light = hsv(hue - 0.03, rng.uniform(0.4, 0.7), rng.uniform(0.45, 0.7))
    img = np.clip(_tinted(rng, h, w, dark, light, rng.uniform(20, 60)), 0, 255).astype(np.uint8)
    # Blades scale with the image; past ~8000 they get thicker instead of more numerous (speed).
    n_wanted = h * w / rng.uniform(40, 90)
    n = int(min(n_wanted, 8000))
    thick = max(1, int(round(np.sqrt(n_wanted / n))))
    x = rng.uniform(0, w, n)
    y = rng.uniform(0, h, n)
    length = rng.uniform(0.03, 0.1, n) * h
    ang = -np.pi / 2 + rng.normal(0.0, 0.35, n)
    tone = rng.uniform(0.5, 1.4, n)
    xe = x + length * np.cos(ang)
    ye = y + length * np.sin(ang)
    colours = np.clip(np.array(light, np.float64)[None, :] * tone[:, None], 0, 255).tolist()
    starts = (np.stack([x, y], axis=1) * 16).astype(np.int32).tolist()
    ends = (np.stack([xe, ye], axis=1) * 16).astype(np.int32).tolist()
    for p0, p1, col in zip(starts, ends, colours, strict=True):
        cv2.line(img, p0, p1, col, thick, cv2.LINE_AA, 4)
    return img.astype(np.float32)


def _foliage(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    hue = rng.uniform(0.18, 0.36)
    img = np.clip(
        _tinted(rng, h, w, hsv(hue, 0.7, 0.12), hsv(hue, 0.6, 0.35), rng.uniform(30, 80)), 0, 255
    ).astype(np.uint8)
    n = int(rng.integers(40, 110))
    side = min(h, w)
    for _ in range(n):
        cx, cy = rng.uniform(-0.1, 1.1) * w, rng.uniform(-0.1, 1.1) * h
        length = rng.uniform(0.06, 0.3) * side
        a = rng.uniform(0, 2 * np.pi)
        pts = petal_outline(0.0, length, length * rng.uniform(0.3, 0.6), a, "pointed", rng.normal(0, 0.15))
        col = hsv(hue + rng.normal(0, 0.04), rng.uniform(0.4, 0.85), rng.uniform(0.15, 0.7))
        cv2.fillPoly(img, [np.round((pts + (cx, cy)) * 16).astype(np.int32)], col, cv2.LINE_AA, 4)
    return img.astype(np.float32)


def _soil(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    hue = rng.uniform(0.04, 0.1)
    img = _tinted(rng, h, w, hsv(hue, 0.6, 0.18), hsv(hue, 0.45, 0.5), rng.uniform(8, 30))
    img += rng.normal(0.0, 10.0, size=(h, w, 1)).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    for _ in range(int(h * w / 900)):
        c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        axes = (int(rng.integers(1, 5)), int(rng.integers(1, 4)))
        col = hsv(hue + rng.normal(0, 0.03), rng.uniform(0.1, 0.5), rng.uniform(0.2, 0.75))
        cv2.ellipse(out, c, axes, float(rng.uniform(0, 180)), 0, 360, col, -1, cv2.LINE_AA)
    return out.astype(np.float32)


def _sky(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    top = np.array(hsv(rng.uniform(0.55, 0.62), rng.uniform(0.45, 0.8), rng.uniform(0.6, 0.9)), np.float32)
    low = np.array(hsv(rng.uniform(0.52, 0.6), rng.uniform(0.1, 0.3), rng.uniform(0.85, 1.0)), np.float32)
    t = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None, None]
    img = np.broadcast_to(top * (1 - t) + low * t, (h, w, 3)).copy()
    clouds = np.clip(value_noise(rng, h, w, rng.uniform(40, 120)) * 1.6 - rng.uniform(-0.2, 0.6), 0, 1)
    img += (245.0 - img) * clouds[..., None] * rng.uniform(0.4, 0.9)
    return img


def _plain(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """A studio-like backdrop, wall or table: one colour with a soft gradient."""
    col = np.array(hsv(rng.uniform(0, 1), rng.uniform(0.0, 0.35), rng.uniform(0.3, 0.95)), np.float32)
    gx, gy = rng.normal(0, 0.25, 2)
    xs = np.linspace(-1, 1, w, dtype=np.float32)[None, :]
    ys = np.linspace(-1, 1, h, dtype=np.float32)[:, None]
    grad = 1.0 + gx * xs + gy * ys + 0.05 * value_noise(rng, h, w, 40)
    return col[None, None, :] * grad[..., None]


def _bokeh(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    img = _foliage(rng, h, w)
    side = min(h, w)
    for _ in range(int(rng.integers(3, 15))):
        c = (int(rng.uniform(0, w)), int(rng.uniform(0, h)))
        r = int(rng.uniform(0.03, 0.12) * side) + 1
        col = hsv(rng.uniform(0.12, 0.35), rng.uniform(0.1, 0.4), rng.uniform(0.6, 1.0))
        overlay = img.copy()
        cv2.circle(overlay, c, r, col, -1, cv2.LINE_AA)
        img = cv2.addWeighted(img, 0.6, overlay, 0.4, 0.0)
    return img


def _horizon(rng: np.random.Generator, h: int, w: int) -> np.ndarray:
    """Sky above, grass or foliage below a wavy horizon."""
    sky = _sky(rng, h, w)
    ground = _grass(rng, h, w) if rng.random() < 0.5 else _foliage(rng, h, w)
    line = h * rng.uniform(0.3, 0.75) + h * 0.08 * value_noise(rng, 1, w, 30, 2)[0]
    rows = np.arange(h, dtype=np.float32)[:, None]
    t = np.clip((rows - line[None, :]) / 2.0 + 0.5, 0, 1)[..., None]
    return sky * (1 - t) + ground * t


BACKGROUNDS = {
    "grass": _grass,
    "foliage": _foliage,
    "soil": _soil,
    "sky": _sky,
    "horizon": _horizon,
    "bokeh": _bokeh,
    "plain": _plain,
}
_WEIGHTS = {
    "grass": 0.22,
    "foliage": 0.22,
    "soil": 0.1,
    "sky": 0.08,
    "horizon": 0.16,
    "bokeh": 0.1,
    "plain": 0.12,
}


def background(rng: np.random.Generator, width: int, height: int) -> np.ndarray:
    """A random background: texture, depth-of-field blur, a lighting gradient and a colour cast."""
    names = list(_WEIGHTS)
    probs = np.array([_WEIGHTS[n] for n in names])
    name = names[int(rng.choice(len(names), p=probs / probs.sum()))]
    img = BACKGROUNDS[name](rng, height, width)
    sigma = rng.choice([0.0, rng.uniform(0.6, 1.5), rng.uniform(1.5, 5.0)], p=[0.2, 0.3, 0.5])
    if sigma > 0:
        img = cv2.GaussianBlur(img, (0, 0), float(sigma))
    xs = np.linspace(-1, 1, width, dtype=np.float32)[None, :]
    ys = np.linspace(-1, 1, height, dtype=np.float32)[:, None]
    gx, gy = rng.normal(0.0, 0.15, 2)
    img = img * (1.0 + gx * xs + gy * ys)[..., None]
    return np.clip(img, 0, 255).astype(np.float32)


def leaf_patch(
    rng: np.random.Generator,
    centre: tuple[float, float],
    length: float,
    angle: float,
    clip: tuple[int, int, int, int],
) -> FlowerPatch:
    """A foreground leaf (an occluder, labelled background) about ``length`` pixels long, base at ``centre``."""
    cv = FlowerCanvas(centre, length, angle, 1.0, (-0.05, -0.4, 1.05, 0.4), clip)
    green = hsv(rng.uniform(0.2, 0.33), rng.uniform(0.45, 0.85), rng.uniform(0.3, 0.65))
    pts = petal_outline(0.0, 1.0, rng.uniform(0.3, 0.5), 0.0, "pointed", rng.normal(0, 0.12))
    cv.fill(pts, green, head=False)
    mid = pts[:14] * 0.5 + pts[14:][::-1] * 0.5
    cv.stroke(mid, scale_color(green, 1.25), 0.015, head=False, ink=False)
    u, v = cv.local_grid()
    shade = (1.0 - 0.3 * np.abs(v) / 0.25 + 0.1 * u).astype(np.float32)
    return cv.finish(np.clip(shade, 0.5, 1.2))
