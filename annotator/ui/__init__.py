"""The PySide6 user interface. Never imports TensorFlow or keras: it talks to the model worker process."""

from annotator.ui.pyside_guard import install as _install_pyside_guard

_install_pyside_guard()
