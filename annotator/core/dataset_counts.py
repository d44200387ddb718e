"""What the Training dock says about a dataset before training: images, labelled, verified, boxes per class and
the train/validation split, kept up to date one image at a time. No Qt, no TensorFlow.

`summarize_dataset` counts a whole folder once (on a background thread: it reads every annotation). After that
`DatasetSummary.update_image` re-reads the one image the window just saved (or another program changed, or that
went to the trash), so the counts follow the labelling without a new scan. Images pair with their annotations
through `annotator.core.dataset.scan`, and each annotation is read the way the window and training read it
(`annotator.core.annotation_files.read_annotation`: VOC, else a YOLO / Create ML sidecar), so the dock counts
exactly the images a run would train on. The split is the one training would use
(`annotator.core.dataset.train_val_split` with the same seed and fraction, honouring the split files when written,
never writing them here).

Sentences for the user are English templates marked with `_n`; `DatasetSummary.describe` takes ``tr``, the
caller's translate function, so this module stays free of Qt.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from annotator.core import dataset
from annotator.core.annotation import ImageAnnotation
from annotator.core.training_runs import Translate, _n

MIN_TRAIN_IMAGES = 3
"""Fewer usable images than this cannot make a training and a validation split (two to train, one to check)."""
SPLIT_SEED = 0
SPLIT_VAL_FRACTION = 0.2
"""The split a run from the dock makes (`annotator.core.worker_messages.TrainRequest`'s defaults)."""
_TOO_FEW = {
    False: _n("Only {0} labelled image(s): label at least {1} (some go to validation) before training."),
    True: _n("Only {0} verified image(s): verify at least {1} (some go to validation) before training."),
}
_NO_VALIDATION = {
    False: _n(
        "No validation image: the split files in {0} put all {1} of these images in training, so the run "
        "trains without validation (no validation metrics; the model kept is the one with the lowest training "
        "loss). To validate, move a few lines of train.txt there to val.txt."
    ),
    True: _n(
        "No validation image: the split files in {0} put all {1} verified images in training, so the run "
        "trains without validation (no validation metrics; the model kept is the one with the lowest training "
        "loss). To validate, verify some images listed in val.txt there, or train on all labelled images."
    ),
}
_ONE_LINE = {
    # (what, singular): the parts of `DatasetSummary.one_line`
    ("labelled", True): _n("{0} labelled image"),
    ("labelled", False): _n("{0} labelled images"),
    ("verified", True): _n("{0} verified image"),
    ("verified", False): _n("{0} verified images"),
    ("boxes", True): _n("{0} box"),
    ("boxes", False): _n("{0} boxes"),
    ("classes", True): _n("{0} class"),
    ("classes", False): _n("{0} classes"),
}


@dataclass
class ImageFacts:
    """What one image adds to the counts.

    Attributes:
        image_id: `annotator.core.dataset.ImageEntry.image_id` (the id in the split files).
        annotation_path: where its annotation is (VOC path; a sidecar beside it is read when there is no VOC).
        labelled: it has at least one box. verified: the user marked it verified.
        classes: its boxes per class. problem: why its annotation could not be read, or ``""``.
    """

    image_id: str
    annotation_path: str
    labelled: bool = False
    verified: bool = False
    classes: Counter = field(default_factory=Counter)
    problem: str = ""


@dataclass
class DatasetSummary:
    """The counts of one dataset folder, per image, so one image can be counted again on its own.

    Attributes:
        root: the folder training reads (the split files live in ``root/ImageSets/Main``); None: no folder.
        facts: per image path, what it adds (see `ImageFacts`), in the scan's order.
    """

    root: Path | None = None
    facts: dict[str, ImageFacts] = field(default_factory=dict)
    _split: dict[bool, tuple[int, int]] = field(default_factory=dict, repr=False)

    # -- totals ------------------------------------------------------------------------------------------------
    @property
    def images(self) -> int:
        return len(self.facts)

    @property
    def labelled(self) -> int:
        return sum(f.labelled for f in self.facts.values())

    @property
    def verified(self) -> int:
        return sum(f.labelled and f.verified for f in self.facts.values())

    @property
    def problems(self) -> list[str]:
        return [f"{Path(f.annotation_path).name}: {f.problem}" for f in self.facts.values() if f.problem]

    def used_ids(self, verified_only: bool) -> list[str]:
        """The ids of the images a run would train and validate on."""
        return [f.image_id for f in self.facts.values() if f.labelled and (f.verified or not verified_only)]

    def usable(self, verified_only: bool) -> int:
        return len(self.used_ids(verified_only))

    def class_counts(self, verified_only: bool) -> Counter:
        """Boxes per class over the images a run would use."""
        total: Counter = Counter()
        for f in self.facts.values():
            if f.labelled and (f.verified or not verified_only):
                total.update(f.classes)
        return total

    # -- the split ---------------------------------------------------------------------------------------------
    @property
    def split_dir(self) -> Path | None:
        """Where the split files are (or will be written by the first run)."""
        return None if self.root is None else self.root / "ImageSets" / "Main"

    @property
    def split_written(self) -> bool:
        folder = self.split_dir
        return folder is not None and (folder / "train.txt").is_file() and (folder / "val.txt").is_file()

    def split(self, verified_only: bool) -> tuple[int, int]:
        """``(train, validation)`` image counts a run would use now: the split files' lists when written (new
        images dealt out as training will deal them), else the split the first run will write. Cached until
        `refresh_split` or a change of an image."""
        if verified_only not in self._split:
            self._split[verified_only] = self._compute_split(verified_only)
        return self._split[verified_only]

    def _compute_split(self, verified_only: bool) -> tuple[int, int]:
        ids = self.used_ids(verified_only)
        if self.root is None or not ids:
            return 0, 0
        try:
            train, val = dataset.train_val_split(
                self.root, ids, val_fraction=SPLIT_VAL_FRACTION, seed=SPLIT_SEED, write=False
            )
        except ValueError:  # DatasetError: an unreadable split file; an id with white space
            return len(ids), 0
        return len(train), len(val)

    def refresh_split(self) -> None:
        """Read the split files again (a run has just written them)."""
        self._split.clear()

    # -- one image ---------------------------------------------------------------------------------------------
    def update_image(self, image_path: str | os.PathLike[str]) -> bool:
        """Count ``image_path`` again from what is on disk now; an image no longer on disk (moved to the trash)
        leaves the counts. Returns False when the image is not part of this dataset."""
        key = os.fspath(image_path)
        facts = self.facts.get(key)
        if facts is None:
            return False
        if not os.path.isfile(key):
            del self.facts[key]
        else:
            self.facts[key] = read_facts(key, facts.annotation_path, facts.image_id)
        self._split.clear()
        return True

    # -- text --------------------------------------------------------------------------------------------------
    def too_few_message(self, verified_only: bool, tr: Translate = _n) -> str:
        """A sentence for the user (translated by ``tr``) when there are too few images to train on, else ``""``."""
        n = self.usable(verified_only)
        if n >= MIN_TRAIN_IMAGES:
            return ""
        return tr(_TOO_FEW[bool(verified_only)]).format(n, MIN_TRAIN_IMAGES)

    def no_validation_message(self, verified_only: bool, tr: Translate = _n) -> str:
        """A warning (translated by ``tr``) when a run would train with no validation image at all (the split
        files put every image it uses in training), else ``""``. Training still runs: it keeps the model with
        the lowest training loss, and reports no validation metrics."""
        n = self.usable(verified_only)
        if n < MIN_TRAIN_IMAGES or self.split(verified_only)[1] > 0:
            return ""
        return tr(_NO_VALIDATION[bool(verified_only)]).format(self.split_dir, n)

    def one_line(self, verified_only: bool, tr: Translate = _n) -> str:
        """What a run would use, in one line (translated by ``tr``): "200 labelled images, 217 boxes, 1 class"."""
        images = self.usable(verified_only)
        counts = self.class_counts(verified_only)
        boxes, classes = sum(counts.values()), len(counts)
        parts = (
            ("verified" if verified_only else "labelled", images),
            ("boxes", boxes),
            ("classes", classes),
        )
        return ", ".join(tr(_ONE_LINE[(what, value == 1)]).format(value) for what, value in parts)

    def describe(self, verified_only: bool, tr: Translate = _n) -> list[str]:
        """The dock's lines about this dataset (translated by ``tr``); a last one in ``<b>`` when there are too
        few images, or when a run would have no validation image."""
        counts = ", ".join(f"{name} {n}" for name, n in sorted(self.class_counts(verified_only).items()))
        train, val = self.split(verified_only)
        where = str(self.split_dir) if self.split_dir is not None else "ImageSets/Main"
        if self.split_written:
            split = tr(_n("Split: {0} train / {1} validation, from the split files in {2}")).format(
                train, val, where
            )
        else:
            split = tr(_n("Split: {0} train / {1} validation; the first run writes it to {2}")).format(
                train, val, where
            )
        lines = [
            tr(_n("{0} images, {1} labelled, {2} verified")).format(
                self.images, self.labelled, self.verified
            ),
            tr(_n("Boxes per class: {0}")).format(counts or tr(_n("none"))),
            split,
        ]
        if self.problems:
            lines.append(tr(_n("{0} annotation file(s) unreadable, skipped")).format(len(self.problems)))
        too_few = self.too_few_message(verified_only, tr)
        if too_few:
            lines.append(f"<b>{too_few}</b>")
        no_validation = self.no_validation_message(verified_only, tr)
        if no_validation:
            lines.append(f"<b>{no_validation}</b>")
        return lines


def read_facts(image_path: str, annotation_path: str, image_id: str) -> ImageFacts:
    """Read one image's annotation as the window and training read it, and count it."""
    from annotator.core.annotation_files import read_annotation

    annotation, error = read_annotation(image_path, annotation_path)
    return facts_of(annotation, annotation_path, image_id, error)


def facts_of(
    annotation: ImageAnnotation, annotation_path: str, image_id: str, problem: str = ""
) -> ImageFacts:
    if problem:
        return ImageFacts(image_id, annotation_path, problem=problem)
    classes = Counter(o.name for o in annotation.objects)
    return ImageFacts(image_id, annotation_path, bool(annotation.objects), bool(annotation.verified), classes)


def _has_sidecar(annotation_path: str) -> bool:
    stem = annotation_path[: -len(dataset.ANNOTATION_SUFFIX)]
    return os.path.isfile(stem + ".txt") or os.path.isfile(stem + ".json")


def summarize_dataset(
    data_dir: str | os.PathLike[str], *, save_dir: str | None = None, recursive: bool = False
) -> DatasetSummary:
    """Count a dataset folder as training would see it (`annotator.core.dataset.scan`: annotations beside the
    images, in a VOC devkit root, or in ``save_dir``). Reads annotations only, never decodes pixels; an image
    without a VOC file or a sidecar is not read at all.

    Raises:
        OSError / ValueError: the folder cannot be listed (`dataset.DatasetError`).
    """
    summary = DatasetSummary(root=Path(data_dir))
    for entry in dataset.scan(data_dir, save_dir=save_dir, recursive=recursive).entries:
        path, annotation = entry.image_file, entry.annotation_file
        if entry.status is dataset.ImageStatus.UNLABELLED and not _has_sidecar(annotation):
            summary.facts[path] = ImageFacts(entry.image_id, annotation)
        else:
            summary.facts[path] = read_facts(path, annotation, entry.image_id)
    return summary
