"""How often each label is used in an open folder: what the label dialog offers first.

The counts start from the annotation files `annotator.core.dataset.scan` paired with the images (beside them, a
save folder, a VOC root; YOLO / Create ML sidecars too), read once, on first use. The window then puts its open
documents in their files' place (`FolderLabels.sync`), so a label typed a moment ago counts before it is saved,
and a file another program rewrote is read again (`FolderLabels.reread`).

Reading is cheap: a plain UTF-8 VOC file's object names are taken with one regular expression (about 6 us a
file, 15x less than parsing it); anything unusual (comments, entities, CDATA, another encoding, a count that does
not add up) goes through `annotator.core.voc.read`, so both ways give the same names. Unreadable files count
nothing here: the window reports them when their image is shown.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from annotator.core import voc
from annotator.core.dataset import ImageStatus
from annotator.core.natsort import natural_key

__all__ = ["FolderLabels", "object_names"]

_OBJECT = re.compile(rb"<object[\s>/]")
_OBJECT_NAME = re.compile(rb"<object[\s>].*?<name>([^<]*)</name>", re.S)
_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
# Constructs the one-expression reading would get wrong: the parser reads those files.
_UNUSUAL = (b"&", b"<!--", b"<![CDATA[", b"<!DOCTYPE", b"<!ENTITY", b"\x00")
_MAX_BYTES = voc.MAX_FILE_BYTES


def object_names(annotation_path: str | os.PathLike[str]) -> list[str]:
    """The ``<name>`` of every ``<object>`` of a VOC file, in file order (``[]`` when it cannot be read).

    Equal to ``[o.name for o in voc.read(path).objects]`` for every file `voc.read` accepts.
    """
    try:
        with open(annotation_path, "rb") as f:
            data = f.read(_MAX_BYTES + 1)
    except OSError:
        return []
    fast = _fast_names(data)
    if fast is not None:
        return fast
    try:
        return [o.name for o in voc.loads(data, os.fspath(annotation_path)).objects]
    except voc.VocError:
        return []


def _fast_names(data: bytes) -> list[str] | None:
    """Names by one regular expression for plain UTF-8 files, None when the parser must decide."""
    if len(data) > _MAX_BYTES or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return None
    data = data.removeprefix(b"\xef\xbb\xbf")
    declared = _ENCODING.match(data)
    if declared and declared.group(1).lower().replace(b"_", b"-") not in (b"utf-8", b"utf8", b"us-ascii"):
        return None
    if any(token in data for token in _UNUSUAL):
        return None
    raw = _OBJECT_NAME.findall(data)
    if len(raw) != len(_OBJECT.findall(data)):
        return None
    try:
        names = [r.decode("utf-8").strip() for r in raw]
    except UnicodeDecodeError:
        return None
    return names if all(names) else None


class FolderLabels:
    """Label counts of one opened folder.

    Args:
        entries: ``(image_path, annotation_path, status)`` of each image, as `annotator.core.dataset.scan`
            paired them (the window keeps them from opening the folder). Nothing is read until `counts`.
    """

    def __init__(self, entries: Iterable[tuple[str, str, ImageStatus]]) -> None:
        self._entries = {os.fspath(i): (os.fspath(a), s) for i, a, s in entries}
        self._per_image: dict[str, Counter[str]] | None = None
        self._total: Counter[str] = Counter()
        self._from_documents: set[str] = set()

    def _read_all(self) -> dict[str, Counter[str]]:
        if self._per_image is None:
            per_image: dict[str, Counter[str]] = {}
            sidecar_dirs: dict[str, frozenset[str]] = {}
            for image, (annotation, status) in self._entries.items():
                if status is not ImageStatus.UNLABELLED:
                    names = object_names(annotation)
                else:
                    names = _sidecar_names(image, annotation, sidecar_dirs)
                if names:
                    per_image[image] = Counter(names)
                    self._total.update(names)
            self._per_image = per_image
        return self._per_image

    def _put(self, image_path: str, names: Sequence[str]) -> None:
        per_image = self._read_all()
        old = per_image.pop(image_path, None)
        if old:
            self._total.subtract(old)
        if names:
            per_image[image_path] = Counter(names)
            self._total.update(names)

    def reread(self, image_path: str) -> None:
        """Count ``image_path``'s annotation file again (it changed on disk; a deleted file counts nothing)."""
        entry = self._entries.get(image_path)
        self._from_documents.discard(image_path)
        if entry is None or self._per_image is None:
            return
        annotation = entry[0]
        if os.path.exists(annotation):
            names = object_names(annotation)
        else:
            names = _sidecar_names(image_path, annotation, {})
        self._put(image_path, names)

    def sync(self, documents: Mapping[str, Sequence[str]]) -> None:
        """Count the window's open documents (image path -> the names of its boxes) instead of their files.

        An image that was counted from a document before and is no longer given (its edits were discarded) is
        read from its file again.
        """
        self._read_all()
        for image_path in self._from_documents - documents.keys():
            self.reread(image_path)
        for image_path, names in documents.items():
            self._put(image_path, names)
            self._from_documents.add(image_path)

    def counts(self) -> dict[str, int]:
        """Label -> number of boxes, most used first (ties in natural order); labels no longer used left out."""
        self._read_all()
        used = [(name, n) for name, n in self._total.items() if n > 0]
        used.sort(key=lambda item: (-item[1], natural_key(item[0])))
        return dict(used)

    def most_used(self) -> list[str]:
        """The labels of `counts`, most used first."""
        return list(self.counts())


def _sidecar_names(image: str, annotation: str, listing: dict[str, frozenset[str]]) -> list[str]:
    """Names from a YOLO (``NAME.txt``) or Create ML (``NAME.json``) file next to where the VOC file would be."""
    folder, xml_name = os.path.split(annotation)
    names = listing.get(folder)
    if names is None:
        try:
            with os.scandir(folder) as it:
                names = frozenset(e.name for e in it if e.name.endswith((".txt", ".json")))
        except OSError:
            names = frozenset()
        listing[folder] = names
    stem = os.path.splitext(xml_name)[0]
    if stem + ".txt" not in names and stem + ".json" not in names:
        return []
    from annotator.core.annotation_files import read_annotation

    found, error = read_annotation(image, annotation)
    return [] if error else [o.name for o in found.objects]
