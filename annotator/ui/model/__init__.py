"""The model side of the window: the worker client, Model panel, Training dock, curves, overlays, review."""
