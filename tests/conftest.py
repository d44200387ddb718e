"""Shared test set-up: headless Qt, quiet TensorFlow, QSettings kept out of the user's home."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
