"""GUI responsiveness while the model worker trains and while predictions stream in.

Measures the Qt event loop of the real window (MainWindow + install_model_features) with a 5 ms timer: each tick's
lateness is the event loop's delay. Figures: max stall and p99 lateness, idle (baseline, same run) vs during a real
training run vs while predictions for every shown image stream in (navigating every 150 ms). Also the
prediction overhead: time from request to `prediction_ready` minus the model's own latency (warm worker).

Targets (issue 6): stall < 100 ms, p99 < 20 ms, overhead < 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_responsiveness.py [--images 40] [--epochs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QElapsedTimer, QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

TICK_MS = 5


class DriftMeter:
    """Records how late each tick of a 5 ms timer fires (ms)."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.lateness: list[float] = []
        self.times: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._last = 0.0

    def start(self) -> None:
        self.lateness = []
        self.times: list[float] = []
        self.clock.start()
        self._last = 0.0
        self.timer.start()

    def _tick(self) -> None:
        now = self.clock.nsecsElapsed() / 1e6
        if self._last:
            self.lateness.append(max(0.0, now - self._last - TICK_MS))
            self.times.append(now)
        self._last = now

    def stall_times(self, threshold_ms: float) -> list[float]:
        """Seconds since `start` at which ticks came more than ``threshold_ms`` late."""
        return [t / 1000 for t, late in zip(self.times, self.lateness, strict=True) if late > threshold_ms]

    def stop(self) -> dict[str, float]:
        self.timer.stop()
        v = sorted(self.lateness) or [0.0]
        return {
            "ticks": len(v),
            "max_ms": v[-1],
            "p99_ms": v[min(len(v) - 1, int(0.99 * len(v)))],
            "mean_ms": statistics.fmean(v),
        }


def spin(app: QApplication, seconds: float, until=None) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        if until is not None and until():
            return
        time.sleep(0.001)


def row(name: str, d: dict[str, float]) -> str:
    return f"{name:<34} {d['ticks']:>7} {d['max_ms']:>9.1f} {d['p99_ms']:>8.1f} {d['mean_ms']:>8.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--image-size", type=int, default=64)
    parser.add_argument("--backbone", default="mobilenetv2")
    args = parser.parse_args()

    from annotator.core import sample_data
    from annotator.ui.main_window import MainWindow
    from annotator.ui.model.features import install_model_features
    from annotator.ui.settings import Settings

    app = QApplication.instance() or QApplication([])
    tmp = Path(tempfile.mkdtemp(prefix="bench_resp_"))
    data = tmp / "data"
    sample_data.generate(data, count=args.images, seed=0, max_flowers=2, image_size=(160, 120))
    settings = Settings(QSettings(str(tmp / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(settings=settings)
    window.resize(1200, 800)
    window.show()
    window.open_path(str(data))
    f = install_model_features(window)
    dock = f.training_dock
    spin(app, 60, until=lambda: "labelled" in dock.dataset_label.text())
    dock.backbone.setCurrentText(args.backbone)
    dock.image_size.setValue(args.image_size)
    dock.epochs.setValue(args.epochs)
    dock.batch_size.setValue(8)
    for name, box in dock.head_boxes.items():
        box.setChecked(name in ("loc", "grid", "seg"))
    meter = DriftMeter()

    print(
        f"responsiveness: {args.images} generated images, {args.backbone} {args.image_size}px, {args.epochs} epochs"
    )
    print(f"{'phase':<34} {'ticks':>7} {'max ms':>9} {'p99 ms':>8} {'mean ms':>8}")
    meter.start()
    spin(app, 3.0)
    print(row("idle window (baseline)", meter.stop()))

    nav = QTimer()
    nav.setInterval(150)
    nav.timeout.connect(window.next_image)
    meter.start()
    nav.start()
    spin(app, 0.15 * (args.images - 2))
    nav.stop()
    print(row("navigation, no model (baseline)", meter.stop()))
    window.open_path(str(data / "flower_00000.jpg"))

    done: list[object] = []
    failed: list[str] = []
    f.client.training_finished.connect(done.append)
    f.client.training_failed.connect(failed.append)
    epochs_seen: list[object] = []
    f.client.progress.connect(lambda e: epochs_seen.append(e) if e.kind == "epoch" else None)
    progress_ms: list[float] = []
    orig_progress = dock._on_progress

    def timed_progress(event) -> None:
        t = time.perf_counter()
        orig_progress(event)
        progress_ms.append((time.perf_counter() - t) * 1000)

    f.client.progress.disconnect(dock._on_progress)
    f.client.progress.connect(timed_progress)
    t0 = time.monotonic()
    meter.start()
    t_start = time.perf_counter()
    if not dock.start():
        print("cannot start:", dock.problem())
        return 1
    start_ms = (time.perf_counter() - t_start) * 1000
    spin(app, 900, until=lambda: done or failed)
    train_stats = meter.stop()
    print(row("training (worker + live curves)", train_stats))
    if failed:
        print("training failed:", failed[0])
        return 1
    print(f"  training took {time.monotonic() - t0:.1f} s, {len(epochs_seen)} epoch events")
    print(
        f"  GUI-thread cost: Start (worker spawn) {start_ms:.1f} ms; per progress event median "
        f"{statistics.median(progress_ms):.2f} ms, max {max(progress_ms):.1f} ms over {len(progress_ms)} events; "
        f"stalls > 50 ms at {', '.join(f'{t:.1f}s' for t in meter.stall_times(50))}"
    )
    model = done[0].get("model_path") or str(dock.run_dir / "model.keras")

    latencies: list[tuple[float, float]] = []
    sent: dict[str, float] = {}
    f.client.prediction_ready.connect(
        lambda p: latencies.append(
            ((time.perf_counter() - sent.get(p.image_id, t_load)) * 1000, p.latency_ms)
        )
    )
    loaded: list[str] = []
    f.client.model_loaded.connect(lambda path, info: loaded.append(path))
    t_load = time.perf_counter()
    f.prediction.load_model(model)
    spin(app, 120, until=lambda: loaded)
    # warm: one prediction settles graph tracing before measuring
    sent[window.current_path] = time.perf_counter()
    f.client.predict(window.current_path)
    spin(app, 60, until=lambda: latencies)
    latencies.clear()

    def next_image() -> None:
        if window.next_image():
            sent[window.current_path] = time.perf_counter()

    orig = f.client.predict

    def timed_predict(path: str):
        sent[path] = time.perf_counter()
        return orig(path)

    f.client.predict = timed_predict
    handler_ms: list[float] = []
    orig_handler = f.prediction.on_prediction

    def timed_handler(p) -> None:
        t = time.perf_counter()
        orig_handler(p)
        window.canvas.repaint()  # include the overlay painting in the handler's cost
        handler_ms.append((time.perf_counter() - t) * 1000)

    f.client.prediction_ready.disconnect(f.prediction.on_prediction)
    f.client.prediction_ready.connect(timed_handler)
    f.scene.visible.update({"predictions", "iou", "grid", "mask"})
    nav = QTimer()
    nav.setInterval(150)
    nav.timeout.connect(next_image)  # noqa: F811
    meter.start()
    nav.start()
    spin(app, 0.15 * (args.images - 2))
    nav.stop()
    spin(app, 5.0)
    print(row("predictions streaming (150 ms nav)", meter.stop()))
    if handler_ms:
        print(
            f"  GUI-thread cost per prediction (scene update + panel + 4 overlays painted): "
            f"median {statistics.median(handler_ms):.1f} ms, max {max(handler_ms):.1f} ms"
        )
    # Paced requests (one at a time, waiting for each): request -> signal vs model latency.
    paced: list[float] = []
    model_ms: list[float] = []
    for _ in range(10):
        latencies.clear()
        window.prev_image()
        spin(app, 30, until=lambda: latencies)
        if latencies:
            total, model_latency = latencies[0]
            paced.append(total - model_latency)
            model_ms.append(model_latency)
    if paced:
        print(
            f"prediction overhead beyond model latency: median {statistics.median(paced):.1f} ms, "
            f"max {max(paced):.1f} ms (model latency median {statistics.median(model_ms):.1f} ms; "
            f"stale results dropped during fast navigation: {f.client.stale_dropped})"
        )
    f.client.shutdown()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
