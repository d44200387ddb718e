"""The model file: a Keras ``.keras`` zip plus ``flower_annotator.json`` (a `ModelInfo`) inside it.

Saving is atomic (temp file in the same folder, fsync, ``os.replace``): a reader sees the old model or the new
one, never a torn file, and a crash mid-save leaves the previous best model in place. Loading always uses
``safe_mode=True``: a file holding a ``Lambda`` layer (code) is refused.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import stat
import tempfile
import time
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
    def from_json(cls, text: str | bytes, source: str = "<json>") -> ModelInfo:
        """Parse and check the metadata (sizes, depth, types, value ranges).

        Raises:
            ModelFileError: anything else than metadata this app writes (one line naming ``source``).
        """
        if len(text) > MAX_INFO_BYTES:
            raise ModelFileError(f"{source}: {INFO_ENTRY} is over {MAX_INFO_BYTES} bytes; not model metadata")
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            raise ModelFileError(f"{source}: {INFO_ENTRY} is nested too deeply") from None
        except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN/Infinity
            raise ModelFileError(f"{source}: {INFO_ENTRY} is not valid JSON ({exc})") from None
        if not isinstance(data, dict):
            raise ModelFileError(f"{source}: {INFO_ENTRY} is a JSON {type(data).__name__}, not an object")
        if _depth(data) > _MAX_DEPTH:
            raise ModelFileError(f"{source}: {INFO_ENTRY} is nested deeper than {_MAX_DEPTH} levels")
        problem = _info_problem(data)
        if problem:
            raise ModelFileError(f"{source}: {INFO_ENTRY} is not valid model metadata: {problem}")
        known = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


MAX_INFO_BYTES = 4 * 1024 * 1024
_MAX_DEPTH = 32
_MAX_CLASSES = 10_000


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _depth(value: object, level: int = 0) -> int:
    if level > _MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level + 1)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level + 1)
    return level


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _info_problem(data: dict) -> str | None:
    """What is wrong with a metadata object, in a few words; None when it can be used."""
    names = data.get("class_names")
    if not isinstance(names, list) or not names or len(names) > _MAX_CLASSES:
        return f"class_names must be a list of 1 to {_MAX_CLASSES} names"
    if not all(isinstance(n, str) and n.strip() for n in names) or len(set(names)) != len(names):
        return "class_names must be distinct non-empty strings"
    size = data.get("image_size")
    if not _is_int(size) or not 32 <= size <= 4096:
        return f"image_size must be a whole number from 32 to 4096, got {size!r:.40}"
    if not isinstance(data.get("backbone"), str):
        return "backbone must be a name"
    heads = data.get("heads")
    if not isinstance(heads, list) or not heads or not all(isinstance(h, str) for h in heads):
        return "heads must be a list of head names"
    width = data.get("width", 1.0)
    if not _is_number(width) or not 0 < width <= 4:
        return f"width must be a number in (0, 4], got {width!r:.40}"
    for key in ("head_options", "metrics", "train"):
        if not isinstance(data.get(key, {}), dict):
            return f"{key} must be an object"
    anchors = data.get("anchors")
    if anchors is not None and not (
        isinstance(anchors, list)
        and all(
            isinstance(a, list) and len(a) == 2 and all(_is_number(v) and v > 0 for v in a) for a in anchors
        )
    ):
        return "anchors must be a list of [width, height] pairs of positive numbers"
    if not _is_int(data.get("version", 1)):
        return "version must be a whole number"
    if not isinstance(data.get("preprocessing", PREPROCESSING), str):
        return "preprocessing must be a string"
    return None


def save_model(model: keras.Model, path: str | os.PathLike, info: ModelInfo) -> Path:
    """Write ``model`` and ``info`` to ``path`` (``.keras``) atomically; returns the path.

    Raises:
        ModelFileError: the name does not end with ``.keras``.
    """
    path = Path(path)
    if path.suffix != ".keras":
        raise ModelFileError(f"{path}: a model file name must end with .keras")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(path)
    mode = _new_file_mode(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=_TEMP_SUFFIX, dir=path.parent)
    os.close(fd)
    try:
        model.save(tmp, overwrite=True)
        with zipfile.ZipFile(tmp, "a") as archive:
            archive.writestr(INFO_ENTRY, info.to_json())
        os.chmod(tmp, mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


_TEMP_SUFFIX = ".tmp.keras"
_STALE_TEMP_S = 120.0


def _new_file_mode(path: Path) -> int:
    """The permission bits a save gives: the existing file's, else ``0o666`` minus the umask (like ``open``)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def remove_stale_temps(path: str | os.PathLike) -> list[Path]:
    """Remove temp files of earlier saves of ``path`` (``.STEM.XXXXXXXX.tmp.keras``, left by a killed training)
    untouched for over two minutes; returns what was removed. A save running now is left alone."""
    path = Path(path)
    removed = []
    now = time.time()
    prefix = f".{path.stem}."
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        name = entry.name
        if not (name.startswith(prefix) and name.endswith(_TEMP_SUFFIX)):
            continue
        if len(name) != len(prefix) + 8 + len(_TEMP_SUFFIX):  # mkstemp's 8 random characters
            continue
        try:
            if entry.is_file() and not entry.is_symlink() and now - entry.stat().st_mtime > _STALE_TEMP_S:
                entry.unlink()
                removed.append(entry)
        except OSError:
            continue
    return removed


def read_info(path: str | os.PathLike) -> ModelInfo:
    """The `ModelInfo` of a model file, without loading TensorFlow weights."""
    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: model file not found")
    try:
        with zipfile.ZipFile(path) as archive:
            entry = archive.getinfo(INFO_ENTRY)
            if entry.file_size > MAX_INFO_BYTES:
                raise ModelFileError(
                    f"{path}: {INFO_ENTRY} is {entry.file_size} bytes, over the {MAX_INFO_BYTES}-byte limit"
                )
            with archive.open(entry) as fh:
                text = fh.read(MAX_INFO_BYTES + 1)
    except KeyError:
        raise ModelFileError(f"{path}: no {INFO_ENTRY} inside; not a Flower Annotator model") from None
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        OSError,
        EOFError,
        RuntimeError,
        NotImplementedError,
    ) as exc:
        raise ModelFileError(f"{path}: not a .keras model file ({type(exc).__name__}: {exc})") from None
    except ValueError as exc:  # zipfile raises it for some corrupt headers
        if isinstance(exc, ModelFileError):
            raise
        raise ModelFileError(f"{path}: not a .keras model file ({exc})") from None
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
    _check_class_count(model, info, path)
    return model, info


def _check_class_count(model: keras.Model, info: ModelInfo, path: str | os.PathLike) -> None:
    """Refuse a file whose metadata lists another number of classes than its ``cls`` output has."""
    try:
        outputs = dict(zip(model.output_names, model.outputs, strict=False))
    except (AttributeError, TypeError):
        return
    for name, tensor in outputs.items():
        if name.split("/")[0] in ("cls", "loc_cls") and tensor.shape and tensor.shape[-1] is not None:
            if int(tensor.shape[-1]) != len(info.class_names):
                raise ModelFileError(
                    f"{path}: the metadata lists {len(info.class_names)} classes but the model's {name!r} output "
                    f"has {int(tensor.shape[-1])}; the file is inconsistent"
                )
