"""The five flower classes, each drawn procedurally with its own shape, colours, centre and size.

Every ``draw_*`` function paints one flower on a `FlowerCanvas` in the flower's local frame (centre at the
origin, unit = radius; see `annotator.core.flowers.canvas`) and returns a lighting map for `FlowerCanvas.finish`.
Colour ranges overlap on purpose (yellow tulips and dandelions, white roses and daisies, orange tulips and
sunflowers) so that a model has to learn the shapes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from annotator.core.flowers.canvas import FlowerCanvas, hsv, mix, petal_outline, scale_color

Color = tuple[float, float, float]
TWO_PI = 2.0 * np.pi


def _smoothstep(a: float, b: float, x: np.ndarray) -> np.ndarray:
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def _light(u: np.ndarray, v: np.ndarray, light: tuple[float, float], strength: float) -> np.ndarray:
    """Directional lighting across the flower: brighter on the side the light comes from."""
    return 1.0 + strength * (u * light[0] + v * light[1])


def _pick(rng: np.random.Generator, options: list[tuple[float, Callable[[], Color]]]) -> Color:
    weights = np.array([w for w, _ in options], dtype=np.float64)
    index = int(rng.choice(len(options), p=weights / weights.sum()))
    return options[index][1]()


def _phyllotaxis(n: int, radius: float, rng: np.random.Generator) -> np.ndarray:
    """Seed positions of a composite flower head (golden-angle spiral), local units."""
    k = np.arange(n, dtype=np.float64) + 0.5
    r = radius * np.sqrt(k / n)
    theta = k * 2.399963 + rng.uniform(0, TWO_PI)
    return np.stack([r * np.cos(theta), r * np.sin(theta)], axis=1)


def _radial_shade(
    cv: FlowerCanvas, light: tuple[float, float], inner: float, outer: float, depth: float, gloss: float
) -> np.ndarray:
    """Petals darker towards their base (inside the flower), lit from one side, with soft mottling."""
    u, v = cv.local_grid()
    d = np.sqrt(u * u + v * v)
    shade = (1.0 - depth) + depth * _smoothstep(inner, outer, d)
    shade *= _light(u, v, light, gloss)
    return shade.astype(np.float32)


# ---------------------------------------------------------------------------------------------- daisy
def draw_daisy(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """Many thin white/cream strap petals (often two rows) around a small raised golden disk."""
    tint = rng.random()
    if tint < 0.7:
        petal = hsv(rng.uniform(0.1, 0.18), rng.uniform(0.0, 0.08), rng.uniform(0.92, 1.0))
    elif tint < 0.85:
        petal = hsv(rng.uniform(0.12, 0.16), rng.uniform(0.12, 0.25), rng.uniform(0.9, 1.0))  # cream
    else:
        petal = hsv(rng.uniform(0.9, 0.98), rng.uniform(0.1, 0.3), rng.uniform(0.9, 1.0))  # pink-tipped
    n = int(rng.integers(18, 35))
    centre_r = rng.uniform(0.16, 0.25)
    width = rng.uniform(0.075, 0.12) * np.sqrt(26.0 / n)
    reach = rng.uniform(0.9, 1.0)
    fine = cv.radius > 22
    for layer, (darken, off) in enumerate(((0.84, np.pi / n), (1.0, 0.0))):
        if layer == 0 and rng.random() < 0.3:
            continue
        for i in range(n):
            a = TWO_PI * i / n + off + rng.normal(0.0, 0.05)
            length = (reach - centre_r * 0.5) * rng.uniform(0.82, 1.05)
            if rng.random() < 0.06:
                length *= rng.uniform(0.5, 0.8)  # a short or broken petal
            col = scale_color(petal, darken * rng.uniform(0.93, 1.03))
            pts = petal_outline(
                centre_r * 0.5, length, width * rng.uniform(0.8, 1.2), a, "strap", rng.normal(0, 0.1)
            )
            cv.fill(pts, col)
            if fine:
                cv.stroke(pts, scale_color(col, 0.82), 0.006, closed=True, ink=False)
                rib = np.array([[np.cos(a), np.sin(a)]]) * np.array([[centre_r], [centre_r + length * 0.7]])
                cv.stroke(rib, scale_color(col, 0.9), 0.008, ink=False)
                _veins(cv, pts, col, 2, 0.93)
    disk = hsv(rng.uniform(0.11, 0.15), rng.uniform(0.8, 1.0), rng.uniform(0.8, 1.0))
    cv.disk((0.0, 0.0), centre_r, disk)
    if fine:
        n_dots = int(np.clip((centre_r * cv.radius) ** 2 * 0.6, 20, 400))
        seeds = _phyllotaxis(n_dots, centre_r * 0.92, rng)
        shades = rng.uniform(0.65, 1.15, size=(n_dots, 1)) * np.array(disk)[None, :]
        cv.dots(seeds, max(1, int(cv.radius * 0.012)), np.clip(shades, 0, 255))
        cv.stroke(_circle(centre_r), scale_color(disk, 0.7), 0.012, closed=True, ink=False)
    u, v = cv.local_grid()
    d = np.sqrt(u * u + v * v)
    shade = 0.8 + 0.2 * _smoothstep(centre_r, centre_r + 0.35, d)
    dome = 1.0 + 0.35 * (1.0 - d / centre_r) * (u * light[0] + v * light[1]) / max(centre_r, 1e-3)
    shade = np.where(d < centre_r, np.clip(dome, 0.6, 1.3), shade)
    return (shade * _light(u, v, light, 0.1)).astype(np.float32)


def _veins(cv: FlowerCanvas, pts: np.ndarray, col: Color, count: int, darken: float = 0.88) -> None:
    """Fine longitudinal veins inside a petal outline from `petal_outline` (large flowers only)."""
    if cv.radius < 40:
        return
    n = len(pts) // 2
    left, right = pts[:n], pts[n:][::-1]
    for f in np.linspace(0.0, 1.0, count + 2)[1:-1]:
        line = left * (1.0 - f) + right * f
        cv.stroke(line[1 : n - 1], scale_color(col, darken), 0.5 / cv.radius, ink=False)


def _circle(r: float, n: int = 40) -> np.ndarray:
    t = np.linspace(0.0, TWO_PI, n, endpoint=False)
    return np.stack([r * np.cos(t), r * np.sin(t)], axis=1)


# ---------------------------------------------------------------------------------------------- dandelion
def draw_dandelion(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """A dense, ragged ball of fine yellow florets; sometimes a translucent white seed clock instead."""
    if rng.random() < 0.18:
        return _draw_seed_clock(cv, rng, light)
    hue = rng.uniform(0.115, 0.155)
    cv.disk((0.0, 0.0), rng.uniform(0.5, 0.62), scale_color(hsv(hue - 0.015, 1.0, 0.9), 0.9))
    n = int(np.clip(cv.radius * 7, 70, 520))
    thick = max(0.02, 1.2 / cv.radius)
    r_out = np.concatenate(
        [rng.uniform(0.72, 1.0, n), rng.uniform(0.4, 0.75, n // 2), rng.uniform(0.15, 0.45, n // 3)]
    )
    angles = rng.uniform(0, TWO_PI, len(r_out))
    order = np.argsort(-r_out)  # long outer florets first, short inner ones on top
    for k in order.tolist():
        a, r = angles[k], r_out[k]
        inner = r < 0.5
        col = hsv(
            hue - (0.02 if inner else 0.0) + rng.normal(0, 0.006),
            rng.uniform(0.8, 1.0),
            rng.uniform(0.78, 1.0),
        )
        bend = rng.normal(0.0, 0.08)
        pts = np.array(
            [
                [r * 0.15 * np.cos(a), r * 0.15 * np.sin(a)],
                [r * 0.6 * np.cos(a + bend), r * 0.6 * np.sin(a + bend)],
                [r * np.cos(a + 1.5 * bend), r * np.sin(a + 1.5 * bend)],
            ]
        )
        cv.stroke(pts, col, thick * rng.uniform(0.8, 1.6))
    return _radial_shade(cv, light, 0.0, 0.8, 0.3, 0.18)


def _draw_seed_clock(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """A dandelion gone to seed: a translucent, ragged ball of white pappus hairs, brightest at its rim."""
    grey = rng.uniform(215.0, 250.0)
    radius = rng.uniform(0.85, 1.0)
    u, v = cv.local_grid()
    d = np.sqrt(u * u + v * v) / radius
    bins = 720
    index = ((np.arctan2(v, u) + np.pi) * (bins / TWO_PI)).astype(np.int32) % bins
    fine = rng.uniform(0.0, 1.0, bins).astype(np.float32)
    coarse = np.repeat(rng.uniform(0.0, 1.0, bins // 24).astype(np.float32), 24)
    edge = 1.0 - 0.1 * coarse[index] - 0.04 * fine[index]
    streak = fine[index]
    rim = _smoothstep(0.5, 0.9, d) * (1.0 - _smoothstep(edge - 0.06, edge, d))
    body = (d < edge).astype(np.float32)
    a = np.clip(body * (0.14 + 0.18 * streak) + rim * (0.35 + 0.5 * streak), 0.0, 0.92)
    cv.alpha[...] = np.maximum(cv.alpha, (a * 255.0).astype(np.uint8))
    cv.color[...] = np.maximum(
        cv.color, (a[..., None] * np.array([grey, grey, grey * 0.97])).astype(np.uint8)
    )
    if cv.radius > 20:
        n = int(np.clip(cv.radius * 1.5, 20, 150))
        for ang, r in zip(rng.uniform(0, TWO_PI, n).tolist(), rng.uniform(0.5, 0.9, n).tolist(), strict=True):
            tip = np.array([np.cos(ang), np.sin(ang)]) * r * radius
            cv.stroke(
                np.array([tip * 0.15, tip]), (grey * 0.8, grey * 0.8, grey * 0.75), 0.5 / cv.radius, ink=False
            )
    cv.disk((0.0, 0.0), 0.07, hsv(0.08, 0.35, 0.5))
    cv.head_region(_circle(radius * 0.95, 64))
    return _radial_shade(cv, light, 0.0, 0.5, 0.1, 0.12)


# ---------------------------------------------------------------------------------------------- roses
def _rose_colour(rng: np.random.Generator) -> Color:
    return _pick(
        rng,
        [
            (0.35, lambda: hsv(rng.uniform(-0.03, 0.01), rng.uniform(0.75, 0.95), rng.uniform(0.5, 0.85))),
            (0.25, lambda: hsv(rng.uniform(0.91, 0.98), rng.uniform(0.35, 0.7), rng.uniform(0.85, 1.0))),
            (0.15, lambda: hsv(rng.uniform(0.08, 0.16), rng.uniform(0.04, 0.18), rng.uniform(0.9, 1.0))),
            (0.12, lambda: hsv(rng.uniform(0.11, 0.15), rng.uniform(0.5, 0.85), rng.uniform(0.85, 1.0))),
            (0.13, lambda: hsv(rng.uniform(0.03, 0.08), rng.uniform(0.35, 0.7), rng.uniform(0.85, 1.0))),
        ],
    )


def draw_rose(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """Rings of broad cupped petals, each ring smaller and rotated, curling into a tight dark spiral."""
    base = _rose_colour(rng)
    fine = cv.radius > 14
    edge = 0.012 if cv.radius > 30 else 0.02
    rings = [  # (petals, base distance, length, width, darken)
        (int(rng.integers(5, 8)), 0.12, 0.86, rng.uniform(0.85, 1.05), 0.78),
        (int(rng.integers(5, 7)), 0.06, 0.68, rng.uniform(0.75, 0.9), 0.86),
        (int(rng.integers(4, 6)), 0.03, 0.5, rng.uniform(0.6, 0.75), 0.92),
        (int(rng.integers(3, 5)), 0.02, 0.34, rng.uniform(0.45, 0.6), 0.85),
    ]
    phase = rng.uniform(0, TWO_PI)
    for n, base_r, length, width, darken in rings:
        phase += np.pi / n + rng.normal(0, 0.2)
        for i in range(n):
            a = phase + TWO_PI * i / n + rng.normal(0.0, 0.12)
            col = scale_color(base, darken * rng.uniform(0.92, 1.06))
            pts = petal_outline(
                base_r, length * rng.uniform(0.9, 1.08), width, a, "round", rng.normal(0, 0.05)
            )
            cv.fill(pts, col)
            if fine:
                # The rolled rim of a cupped petal: a light edge with a shadow line just inside it.
                cv.stroke(pts, scale_color(col, 0.72), edge * 1.2, closed=True, ink=False)
                rim = pts[len(pts) // 2 - 5 : len(pts) // 2 + 5]
                cv.stroke(rim * 0.96, scale_color(col, 1.18), edge, ink=False)
    theta = np.linspace(0.0, rng.uniform(2.5, 4.0) * np.pi, 50)
    spiral_r = 0.01 + rng.uniform(0.08, 0.14) * theta / theta[-1]
    spiral = np.stack([spiral_r * np.cos(theta + phase), spiral_r * np.sin(theta + phase)], axis=1)
    cv.stroke(spiral, scale_color(base, 0.55), max(0.012, 0.7 / cv.radius), ink=False)
    shade = _radial_shade(cv, light, 0.0, 0.75, 0.45, 0.2)
    return shade


def draw_rose_side(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """A rose seen from the side: a round cup of broad petals whose rims curl outwards, layered petals in the
    opening on top, green sepals and a stem below (not labelled)."""
    base = _rose_colour(rng)
    green = hsv(rng.uniform(0.22, 0.33), rng.uniform(0.5, 0.8), rng.uniform(0.25, 0.45))
    t = np.linspace(0.0, 1.0, 10)
    stem_len = rng.uniform(0.8, 1.7)  # within the side extent
    cv.stroke(np.stack([rng.normal(0.0, 0.15) * t**2, 0.5 + stem_len * t], axis=1), green, 0.08, head=False)
    for k in range(int(rng.integers(3, 6))):  # sepals hanging below the cup
        a = np.pi / 2 + rng.uniform(-1.1, 1.1)
        sepal = petal_outline(0.0, rng.uniform(0.35, 0.6), 0.12, a, "pointed", rng.normal(0.0, 0.2))
        cv.fill(
            sepal + np.array([rng.uniform(-0.25, 0.25), 0.5]), scale_color(green, 1.0 + 0.1 * k), head=False
        )
    edge = 0.015 if cv.radius > 30 else 0.025
    width_top = rng.uniform(0.5, 0.65)

    def petal_row(top: float, spread: float, darken: float) -> None:
        n = int(rng.integers(2, 4))
        for i in range(n):
            slot = (i + 0.5) / n - 0.5
            lean = slot * spread * rng.uniform(0.9, 1.3)
            length = 0.55 - top + rng.uniform(-0.05, 0.05)
            pts = petal_outline(0.0, length, rng.uniform(0.8, 1.05), -np.pi / 2 + lean, "spoon", 0.0, n=16)
            pts = pts + np.array([slot * 0.35, 0.55])
            col = scale_color(base, darken * rng.uniform(0.93, 1.05))
            cv.fill(pts, col)
            if cv.radius > 12:
                cv.stroke(pts, scale_color(col, 0.72), edge, closed=True, ink=False)
                rim = pts[12:20]  # around the tip: the petal's edge rolled back towards the light
                cv.stroke(rim, scale_color(col, 1.2), edge * 1.6, ink=False)

    petal_row(-0.72, 0.5, 0.7)
    # The opening: a dark well of tightly wrapped inner petals, seen between the back and the front petals.
    cv.fill(_circle(1.0, 40) * np.array([width_top, 0.22]) + np.array([0.0, -0.52]), scale_color(base, 0.6))
    for k in range(int(rng.integers(3, 6))):
        r = width_top * (0.9 - 0.17 * k)
        a0 = rng.uniform(0.0, TWO_PI)
        arc = np.linspace(a0, a0 + rng.uniform(2.0, 3.5), 16)
        inner = np.stack([r * np.cos(arc), -0.52 + 0.22 * r / width_top * np.sin(arc)], axis=1)
        cv.stroke(inner, scale_color(base, 0.95 - 0.07 * k), 0.03, ink=False)
    petal_row(-0.42, 0.9, 0.86)
    petal_row(-0.22, 1.1, 1.0)
    u, v = cv.local_grid()
    shade = (0.75 + 0.3 * np.clip((0.6 - v) / 1.3, 0.0, 1.0)) * (1.0 - 0.3 * np.clip(u / 0.9, -1, 1) ** 2)
    return (shade * _light(u, v, light, 0.15)).astype(np.float32)


# ---------------------------------------------------------------------------------------------- sunflowers
def draw_sunflower(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """A big dark brown seed disk (golden-angle seeds) ringed by broad pointed golden petals."""
    petal = hsv(rng.uniform(0.095, 0.14), rng.uniform(0.85, 1.0), rng.uniform(0.85, 1.0))
    disk_r = rng.uniform(0.36, 0.5)
    n = int(rng.integers(18, 32))
    width = TWO_PI * disk_r / n * rng.uniform(1.4, 2.0)
    fine = cv.radius > 16
    for darken, off in ((0.78, np.pi / n), (1.0, 0.0)):
        for i in range(n):
            a = TWO_PI * i / n + off + rng.normal(0.0, 0.06)
            length = (1.0 - disk_r * 0.85) * rng.uniform(0.78, 1.02)
            col = scale_color(petal, darken * rng.uniform(0.9, 1.05))
            pts = petal_outline(
                disk_r * 0.85, length, width * rng.uniform(0.85, 1.15), a, "pointed", rng.normal(0, 0.12)
            )
            cv.fill(pts, col)
            if fine:
                mid = pts[: len(pts) // 2] * 0.5 + pts[len(pts) // 2 :][::-1] * 0.5
                cv.stroke(mid, scale_color(col, 0.8), 0.008, ink=False)
                cv.stroke(pts, scale_color(col, 0.85), 0.006, closed=True, ink=False)
                _veins(cv, pts, col, 4, 0.9)
    brown = hsv(rng.uniform(0.05, 0.09), rng.uniform(0.6, 0.9), rng.uniform(0.16, 0.32))
    cv.disk((0.0, 0.0), disk_r, brown)
    florets = mix(brown, petal, rng.uniform(0.15, 0.35))
    ring = _circle(disk_r * 0.88, 60)
    cv.stroke(ring, florets, disk_r * 0.16, ink=False)
    if rng.random() < 0.4:
        cv.disk((0.0, 0.0), disk_r * rng.uniform(0.2, 0.4), mix(brown, (90.0, 100.0, 40.0), 0.5))
    n_seeds = int(np.clip((disk_r * cv.radius) ** 2 * 0.5, 30, 900))
    seeds = _phyllotaxis(n_seeds, disk_r * 0.8, rng)
    tones = rng.uniform(0.55, 1.6, size=(n_seeds, 1)) * np.array(brown)[None, :]
    cv.dots(seeds, max(1, int(cv.radius * disk_r * 0.03)), np.clip(tones, 0, 255))
    u, v = cv.local_grid()
    d = np.sqrt(u * u + v * v)
    shade = np.where(
        d < disk_r, 1.0 - 0.25 * (d / disk_r) ** 2, 0.82 + 0.18 * _smoothstep(disk_r, disk_r + 0.3, d)
    )
    return (shade * _light(u, v, light, 0.15)).astype(np.float32)


# ---------------------------------------------------------------------------------------------- tulips
def _tulip_colour(rng: np.random.Generator) -> Color:
    return _pick(
        rng,
        [
            (0.3, lambda: hsv(rng.uniform(-0.02, 0.02), rng.uniform(0.8, 1.0), rng.uniform(0.7, 0.95))),
            (0.2, lambda: hsv(rng.uniform(0.92, 0.97), rng.uniform(0.45, 0.8), rng.uniform(0.85, 1.0))),
            (0.2, lambda: hsv(rng.uniform(0.125, 0.16), rng.uniform(0.8, 1.0), rng.uniform(0.88, 1.0))),
            (0.15, lambda: hsv(rng.uniform(0.76, 0.85), rng.uniform(0.45, 0.8), rng.uniform(0.45, 0.75))),
            (0.1, lambda: hsv(rng.uniform(0.04, 0.08), rng.uniform(0.8, 1.0), rng.uniform(0.9, 1.0))),
            (0.05, lambda: hsv(rng.uniform(0.1, 0.15), rng.uniform(0.03, 0.12), rng.uniform(0.92, 1.0))),
        ],
    )


def draw_tulip(cv: FlowerCanvas, rng: np.random.Generator, light: tuple[float, float]) -> np.ndarray:
    """A goblet of 3-6 overlapping rounded petals seen from the side, on a green stem (not labelled)."""
    base = _tulip_colour(rng)
    green = hsv(rng.uniform(0.22, 0.32), rng.uniform(0.45, 0.8), rng.uniform(0.35, 0.6))
    stem_len = rng.uniform(1.5, 3.8)  # within Species.extent
    sway = rng.normal(0.0, 0.25)
    t = np.linspace(0.0, 1.0, 12)
    stem = np.stack([sway * t**2, 0.55 + stem_len * t], axis=1)
    if rng.random() < 0.6:
        side = rng.choice([-1.0, 1.0])
        start = stem[int(rng.integers(6, 11))]
        leaf = petal_outline(
            0.0,
            stem_len * rng.uniform(0.5, 0.9),
            rng.uniform(0.25, 0.4),
            -np.pi / 2 + side * rng.uniform(0.25, 0.6),
            "pointed",
            side * rng.uniform(0.0, 0.2),
        )
        cv.fill(leaf + start, scale_color(green, 1.1), head=False)
        cv.stroke(
            leaf[:14] * 0.5 + leaf[14:][::-1] * 0.5 + start,
            scale_color(green, 0.8),
            0.02,
            head=False,
            ink=False,
        )
    cv.stroke(stem, green, rng.uniform(0.08, 0.13), head=False)
    n = int(rng.integers(3, 7))
    height = rng.uniform(1.6, 1.8)
    open_ = rng.uniform(0.0, 0.3)  # how far the side petals lean outwards
    base_y = 0.72
    # (x offset at the base, lean from vertical, length, width, darken): back petals, the two sides, the front one.
    petals = [
        (rng.uniform(-0.15, 0.15), rng.normal(0.0, 0.12), height * 1.04, rng.uniform(0.6, 0.8), 0.66)
        for _ in range(n - 3)
    ]
    for side in (-1.0, 1.0):
        petals.append(
            (side * rng.uniform(0.1, 0.2), side * (0.15 + open_), height * 0.97, rng.uniform(0.7, 0.85), 0.84)
        )
    petals.append((rng.normal(0.0, 0.04), rng.normal(0.0, 0.05), height * 0.94, rng.uniform(0.85, 1.0), 1.0))
    for x, lean, length, width, darken in petals:
        col = scale_color(base, darken * rng.uniform(0.94, 1.05))
        pts = petal_outline(0.0, length, width, -np.pi / 2 + lean, "egg", rng.normal(0.0, 0.03), n=18)
        pts = pts + np.array([x, base_y])
        cv.fill(pts, col)
        if cv.radius > 12:
            cv.stroke(pts, scale_color(col, 0.68), 0.014, closed=True, ink=False)
            axis = pts[:18] * 0.5 + pts[18:][::-1] * 0.5
            cv.stroke(axis[4:15], scale_color(col, 1.15), 0.025, ink=False)
            _veins(cv, pts, col, 6, 0.92)
    u, v = cv.local_grid()
    shade = (0.72 + 0.32 * np.clip((0.8 - v) / 1.8, 0.0, 1.0)) * (1.0 - 0.35 * np.clip(u / 0.9, -1, 1) ** 2)
    return (shade * _light(u, v, light, 0.15)).astype(np.float32)


@dataclass(frozen=True)
class Species:
    """How one class is drawn and sized.

    Attributes:
        draw: paints the flower on a canvas and returns its lighting map.
        extent: (xmin, ymin, xmax, ymax) local units that the head, stem and leaves stay within.
        size: relative size range of this class (multiplies the sampled scene scale).
        radial: seen from above (any rotation, may be tilted) rather than from the side.
        side_draw, side_extent, side_share: an optional side view (drawn upright) used for this share of flowers.
    """

    draw: Callable[[FlowerCanvas, np.random.Generator, tuple[float, float]], np.ndarray]
    extent: tuple[float, float, float, float]
    size: tuple[float, float]
    radial: bool = True
    side_draw: Callable[[FlowerCanvas, np.random.Generator, tuple[float, float]], np.ndarray] | None = None
    side_extent: tuple[float, float, float, float] = (-1.1, -1.1, 1.1, 1.1)
    side_share: float = 0.0


SPECIES: dict[str, Species] = {
    "daisy": Species(draw_daisy, (-1.15, -1.15, 1.15, 1.15), (0.75, 1.0)),
    "dandelion": Species(draw_dandelion, (-1.1, -1.1, 1.1, 1.1), (0.65, 0.95)),
    "roses": Species(
        draw_rose,
        (-1.1, -1.1, 1.1, 1.1),
        (0.75, 1.0),
        side_draw=draw_rose_side,
        side_extent=(-1.2, -1.0, 1.2, 2.4),
        side_share=0.3,
    ),
    "sunflowers": Species(draw_sunflower, (-1.15, -1.15, 1.15, 1.15), (0.85, 1.1)),
    "tulips": Species(draw_tulip, (-1.7, -1.3, 1.7, 4.6), (0.8, 1.05), radial=False),
}
