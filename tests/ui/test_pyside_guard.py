"""The PySide6 refcount guard: a long session's worth of void calls and signal emits must not abort."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_many_void_calls_and_emits_do_not_abort_the_interpreter():
    code = textwrap.dedent(
        """
        import annotator.ui  # installs the guard when the binding needs it
        from PySide6.QtCore import QObject, QPointF, Signal

        class Probe(QObject):
            fired = Signal(bool)

        probe, point = Probe(), QPointF()
        for _ in range(50_000):  # about ten times what kills an unguarded Python 3.11 process
            point.setX(1.0)
            probe.fired.emit(True)
            probe.fired.emit(False)
        print("alive")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "alive"
