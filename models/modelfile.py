"""The model file: a Keras ``.keras`` zip plus ``flower_annotator.json`` (a `ModelInfo`) inside it.

Saving is atomic (temp file in the same folder, fsync, ``os.replace``): a reader sees the old model or the new
one, never a torn file, and a crash mid-save leaves the previous best model in place. Loading always uses
``safe_mode=True``: a file holding a ``Lambda`` layer (code) is refused.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import keras

INFO_ENTRY = "flower_annotator.json"
PREPROCESSING = "rgb_0_255_resized_to_square_rescaled_in_model"


class ModelFileError(ValueError):
    """A model file is missing, not a Keras model, unsafe, or lacks this app's metadata; names the file."""


@dataclass
class ModelInfo:
    """What is needed to use a model file.

    Attributes:
        class_names: classes in the order of the ``cls`` output (mask index k+1 is class k).
        image_size: square input side in pixels; images are stretched to it.
        backbone: ``xception``, ``resnet34`` or ``mobilenetv2``.
        width: the backbone's width multiplier (MobileNetV2's ``alpha``; 1.0 for the others and for files
            written before it was recorded).
        heads: head names, e.g. ``["loc"]``.
        preprocessing: how to feed the model: float32 RGB 0..255 (EXIF frame), resized (stretched) to
            ``image_size``; the model rescales internally.
        head_options: per head options fitted at training (e.g. ``{"grid": {"anchors": [[w, h], ...]}}``).
        anchors: the grid head's anchors, (w, h) normalized to the input side, or None.
        metrics: best validation figures.
        train: the training settings (TrainConfig as a dict).
        version: format version of this metadata.
    """

    class_names: list[str]
    image_size: int
    backbone: str
    heads: list[str]
    preprocessing: str = PREPROCESSING
    head_options: dict[str, dict] = field(default_factory=dict)
    anchors: list[list[float]] | None = None
    metrics: dict[str, float] = field(default_factory=dict)
    train: dict = field(default_factory=dict)
    version: int = 1
    width: float = 1.0

    def to_json(self) -> str:
        return json.dumps(dataclasses.asdict(self), indent=1, default=str)

    @classmethod
    def from_json(cls, text: str, source: str = "<json>") -> ModelInfo:
        try:
            data = json.loads(text)
            known = {f.name for f in dataclasses.fields(cls)}
            return cls(**{k: v for k, v in data.items() if k in known})
        except (json.JSONDecodeError, TypeError) as exc:
            raise ModelFileError(f"{source}: {INFO_ENTRY} is not valid model metadata ({exc})") from exc


def save_model(model: keras.Model, path: str | os.PathLike, info: ModelInfo) -> Path:
    """Write ``model`` and ``info`` to ``path`` (``.keras``) atomically; returns the path.

    Raises:
        ModelFileError: the name does not end with ``.keras``.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"{path}: a model file name must end with .keras")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=".tmp.keras", dir=path.parent)
    os.close(fd)
    try:
        model.save(tmp, overwrite=True)
        with zipfile.ZipFile(tmp, "a") as archive:
            archive.writestr(INFO_ENTRY, info.to_json())
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_info(path: str | os.PathLike) -> ModelInfo:
    """The `ModelInfo` of a model file, without loading TensorFlow weights."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            text = archive.read(INFO_ENTRY).decode("utf-8")
    except zipfile.BadZipFile as exc:
        raise ModelFileError(f"{path}: not a .keras model file ({exc})") from exc
    except KeyError as exc:
        raise ModelFileError(f"{path}: no {INFO_ENTRY} inside; not a Flower Annotator model") from exc
    return ModelInfo.from_json(text, str(path))


def load_model(path: str | os.PathLike) -> tuple[keras.Model, ModelInfo]:
    """Load a model file with ``safe_mode=True`` (and without compiling); returns ``(model, info)``.

    Raises:
        ModelFileError: missing file, not a model, metadata missing, or unsafe content (e.g. a Lambda layer).
    """
    # Importing the layer modules registers their serializable classes before deserialization.
    import models.backbones.resnet34  # noqa: F401
    import models.heads.loc.head  # noqa: F401
    import models.metrics  # noqa: F401

    info = read_info(path)
    for head in info.heads:
        from models.builder import get_head

        try:
            get_head(head)
        except ValueError as exc:
            raise ModelFileError(f"{path}: {exc}") from exc
    try:
        model = keras.saving.load_model(str(path), safe_mode=True, compile=False)
    except Exception as exc:
        text = str(exc)
        if "safe_mode" in text or "Lambda" in text or "unsafe" in text.lower():
            raise ModelFileError(
                f"{path}: refused, the file holds code (a Lambda layer or similar) and models load with "
                f"safe_mode=True ({text.splitlines()[0][:200]})"
            ) from exc
        raise ModelFileError(f"{path}: cannot load the model ({type(exc).__name__}: {text[:300]})") from exc
    return model, info
