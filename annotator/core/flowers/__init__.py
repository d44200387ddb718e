"""Procedural drawing of the synthetic flower photos used by `annotator.core.sample_data`.

- `canvas`: one flower's drawing surface in its local frame (premultiplied colour, coverage, labelled head).
- `species`: the five classes (daisy, dandelion, roses, sunflowers, tulips), each with its own shape and colours.
- `backgrounds`: grass, foliage, soil, sky, horizon, bokeh and plain backdrops; foreground leaves.
- `scene`: layout, depth order, occlusion, shadows, camera effects, and the exact boxes from the instance map.

numpy + OpenCV only (no Qt, no TensorFlow); every random choice comes from the `numpy.random.Generator` passed in.
"""
