"""Shared by the model UI tests: one tiny trained model per test session (trained by the dock test when it runs
first, else by `tiny_model` itself) so the suite pays for TensorFlow compilation as few times as possible."""

from __future__ import annotations

from pathlib import Path

from annotator.core import sample_data
from annotator.core.worker_messages import TrainRequest
from annotator.core.worker_protocol import WorkerProcess

TRAINED: dict[str, Path] = {}
"""``{"data": folder, "model": model file}`` once a test has trained the session's tiny model."""


def tiny_request(data: Path, model: Path, epochs: int = 1) -> TrainRequest:
    return TrainRequest(
        data_dir=str(data),
        out_path=str(model),
        backbone="mobilenetv2",
        weights=None,
        image_size=32,
        epochs=epochs,
        batch_size=8,
        heads=("loc", "grid", "seg"),
    )


def tiny_model(root: Path) -> tuple[Path, Path]:
    """(data folder, model): the session's model, trained here through a real worker if no test did yet."""
    if "model" in TRAINED and TRAINED["model"].is_file():
        return TRAINED["data"], TRAINED["model"]
    data = root / "flowers"
    sample_data.generate(data, count=10, seed=2, max_flowers=2, image_size=(96, 72))
    model = root / "run" / "model.keras"
    model.parent.mkdir()
    worker = WorkerProcess()
    try:
        rid = worker.send("train", request=tiny_request(data, model).to_message())
        while True:
            header, _ = worker.next_event(300)
            if header["id"] == rid and header["kind"] in ("done", "error"):
                assert header["kind"] == "done", header
                break
    finally:
        worker.stop()
    TRAINED.update(data=data, model=model)
    return data, model
