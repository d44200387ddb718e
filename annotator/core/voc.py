"""Pascal VOC XML, read tolerantly, checked strictly, written the way LabelImg writes it, atomically.

Coordinates: a VOC file stores 1-based inclusive pixel indices; `ImageAnnotation` holds continuous xyxy pixel
edges (see `annotator.core.annotation`). Reading converts ``xmin = xmin_voc - 1``, ``xmax = xmax_voc`` (floats
in the file are kept as floats). Writing converts back with round-half-up (``floor(v + 0.5)``, never truncation,
never banker's rounding), clamps to ``[1, width]`` / ``[1, height]`` when the size is known (``>= 1`` always)
and guarantees ``xmin_voc < xmax_voc`` and ``ymin_voc < ymax_voc``. Reading then re-writing a file this module
wrote gives the same bytes.

Layout written (LabelImg's element order and tab indentation, UTF-8, with an XML declaration)::

    <annotation verified="yes">          (the attribute only when verified)
        folder, filename, path (only when non-empty), source/database (+ unknown source children),
        size/width,height,depth, segmented, unknown <annotation> children,
        object*: name, pose, truncated, difficult, bndbox/xmin,ymin,xmax,ymax, score (predictions only),
                 unknown <object> children

Tolerated: float coordinates, ``<difficult/>``, flags written as 1/0/true/false/yes/no, missing pose, truncated,
difficult or size, a BOM, CRLF line ends, unknown elements (kept verbatim), any Unicode.
Refused with `VocError` (naming the file, the object counted from 1, and the field): broken XML, a root other
than ``<annotation>``, an object without name or bndbox, a missing, non-numeric or non-finite coordinate, an
inverted box, any DTD / entity declaration / external reference (refused by defusedxml's parser while it
reads the prolog, see `_check_prolog`), and files over 10 MB.
"""

from __future__ import annotations

import math
import os
import re
import stat
import xml.etree.ElementTree as ET

import defusedxml
import defusedxml.ElementTree as SafeET

from annotator.core.annotation import BoxObject, ImageAnnotation
from annotator.core.atomic import atomic_write_bytes

MAX_FILE_BYTES = 10 * 1024 * 1024
# Levels an unknown element may nest (CVAT/LabelImg extras use 2 or 3); deeper ones would exhaust the recursion
# of ElementTree's serializer, so they are refused with a VocError instead.
MAX_UNKNOWN_NESTING = 32
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

_TRUE = frozenset({"1", "true", "yes", "y", "t", "on"})
_FALSE = frozenset({"", "0", "false", "no", "n", "f", "off"})
_COORDS = ("xmin", "ymin", "xmax", "ymax")
# Characters XML 1.0 cannot hold at all (a file containing them could never be read back).
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class VocError(ValueError):
    """A VOC file (or an annotation about to be written) is broken or unsafe.

    Attributes:
        source: the file path (or the name given to `loads`).
        object_index: 0-based index of the offending ``<object>``, ``None`` when not about one object.
        field: the element path, e.g. ``"bndbox/xmin"``, ``None`` when not about one field.
    """

    def __init__(
        self, source: str, detail: str, *, object_index: int | None = None, field: str | None = None
    ) -> None:
        self.source = source
        self.object_index = object_index
        self.field = field
        where = source
        if object_index is not None:
            where += f": object #{object_index + 1}"
        if field is not None:
            where += f": <{field}>"
        super().__init__(f"{where}: {detail}")


# ---------------------------------------------------------------------------------------------- reading


def read(path: str | os.PathLike[str]) -> ImageAnnotation:
    """Read a VOC XML file into an `ImageAnnotation` (coordinates converted to continuous xyxy pixels).

    Raises:
        VocError: the file is broken, unsafe, over 10 MB, or would lose a box (see the module docstring).
        OSError: the file cannot be opened (missing, no permission).
    """
    source = os.fspath(path)
    if not stat.S_ISREG(os.stat(source).st_mode):  # before opening: opening a FIFO would block
        raise VocError(source, "not a regular file (a folder, FIFO or device)")
    with open(source, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size > MAX_FILE_BYTES:
            raise VocError(source, f"file is {size:,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
        data = f.read(MAX_FILE_BYTES + 1)
    return loads(data, source)


def loads(data: bytes, source: str = "<bytes>") -> ImageAnnotation:
    """Parse VOC XML bytes; ``source`` names the file in error messages. See `read`."""
    if len(data) > MAX_FILE_BYTES:
        raise VocError(source, f"file is {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    try:
        _check_prolog(data)
        root = ET.fromstring(data)
    except defusedxml.DTDForbidden:
        raise VocError(source, "contains a <!DOCTYPE> (DTD), refused for safety") from None
    except defusedxml.EntitiesForbidden:
        raise VocError(source, "declares XML entities, refused for safety") from None
    except defusedxml.ExternalReferenceForbidden:
        raise VocError(source, "refers to an external resource, refused for safety") from None
    except defusedxml.DefusedXmlException as exc:
        raise VocError(source, f"unsafe XML refused: {exc}") from None
    except ET.ParseError as exc:
        raise VocError(source, f"broken XML: {exc}") from None
    except (ValueError, LookupError) as exc:  # e.g. an encoding Python's expat cannot decode
        raise VocError(source, f"unreadable XML: {exc}") from None
    if root.tag != "annotation":
        raise VocError(source, f"root element is <{root.tag}>, expected <annotation>")
    return _parse_annotation(root, source)


class _RootReached(Exception):
    """Raised by `_PrologTarget` at the first element: the prolog (where a DTD would be) is behind us."""


class _PrologTarget:
    """Tree-builder target that stops defusedxml's parser as soon as the root element starts."""

    def start(self, tag: str, attrib: dict) -> None:
        raise _RootReached

    def end(self, tag: str) -> None:  # pragma: no cover - never reached
        pass

    def data(self, data: str) -> None:
        pass

    def close(self) -> None:
        return None


def _check_prolog(data: bytes) -> None:
    """Let defusedxml's parser (DTD, entity declarations and external references forbidden) read the prolog.

    A DTD, the only way to declare entities or reference external resources, must come before the root
    element, so once the root starts the rest cannot be hostile and is parsed by the C ElementTree parser
    (defusedxml's parser runs Python callbacks for every element, which made whole-file parsing 2.5x slower).
    """
    parser = SafeET.DefusedXMLParser(
        target=_PrologTarget(), forbid_dtd=True, forbid_entities=True, forbid_external=True
    )
    try:
        parser.feed(data)
        parser.close()
    except _RootReached:
        return


def _text(el: ET.Element) -> str:
    return (el.text or "").strip()


def _flag(el: ET.Element, source: str, field: str, index: int | None = None) -> bool:
    text = el.text
    if text == "0":  # the common case, without the string work below
        return False
    if text == "1":
        return True
    text = (text or "").strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        value = float(text)
    except ValueError:
        raise VocError(
            source,
            f"{text!r} is not a flag (expected 0/1/true/false/yes/no)",
            object_index=index,
            field=field,
        ) from None
    return value != 0.0


def _size_value(el: ET.Element, source: str, field: str) -> int:
    text = _text(el)
    if not text:
        return 0
    try:
        value = float(text)
    except ValueError:
        raise VocError(source, f"{text!r} is not a number", field=field) from None
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise VocError(source, f"{text!r} is not a whole number >= 0", field=field)
    return int(value)


def _nesting(el: ET.Element) -> int:
    """How many levels deep ``el`` goes (1 for a leaf), counted without recursion."""
    deepest, stack = 0, [(el, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node)
    return deepest


def _check_nesting(el: ET.Element, source: str, index: int | None) -> None:
    depth = _nesting(el)
    if depth > MAX_UNKNOWN_NESTING:
        raise VocError(
            source,
            f"unknown element <{str(el.tag)[:40]}> is nested {depth} levels deep, over the limit of "
            f"{MAX_UNKNOWN_NESTING}",
            object_index=index,
        )


def _serialize_unknown(el: ET.Element, source: str = "<annotation>", index: int | None = None) -> str:
    """Compact XML of an element we do not know: indentation whitespace dropped, content kept verbatim.

    Raises:
        VocError: it is nested deeper than `MAX_UNKNOWN_NESTING` (checked before any recursive step).
    """
    _check_nesting(el, source, index)
    for node in el.iter():
        if len(node) and node.text is not None and not node.text.strip():
            node.text = None
        if node.tail is not None and not node.tail.strip():
            node.tail = None
    el.tail = None
    return ET.tostring(el, encoding="unicode")


def _parse_annotation(root: ET.Element, source: str) -> ImageAnnotation:
    ann = ImageAnnotation()
    ann.verified = root.get("verified", "").strip().lower() in _TRUE
    seen: set[str] = set()
    for child in root:
        tag = child.tag
        if tag == "object":
            ann.objects.append(_parse_object(child, len(ann.objects), source))
            continue
        if tag in seen or tag not in ("folder", "filename", "path", "source", "size", "segmented"):
            ann.extra_elements.append(_serialize_unknown(child, source))  # a duplicate is kept, not lost
            continue
        seen.add(tag)
        if tag == "folder":
            ann.folder = _text(child)
        elif tag == "filename":
            ann.filename = _text(child)
        elif tag == "path":
            ann.path = _text(child)
        elif tag == "segmented":
            ann.segmented = _flag(child, source, "segmented")
        elif tag == "source":
            _parse_source(child, ann, source)
        else:
            _parse_size(child, ann, source)
    return ann


def _parse_source(el: ET.Element, ann: ImageAnnotation, source: str) -> None:
    got_database = False
    for child in el:
        if child.tag == "database" and not got_database:
            ann.database = _text(child)
            got_database = True
        else:
            ann.source_extra_elements.append(_serialize_unknown(child, source))


def _parse_size(el: ET.Element, ann: ImageAnnotation, source: str) -> None:
    for child in el:
        if child.tag == "width":
            ann.width = _size_value(child, source, "size/width")
        elif child.tag == "height":
            ann.height = _size_value(child, source, "size/height")
        elif child.tag == "depth":
            ann.depth = _size_value(child, source, "size/depth")


_OBJECT_FIELDS = frozenset({"name", "pose", "truncated", "difficult", "bndbox", "score"})
_COORD_SET = frozenset(_COORDS)


def _parse_object(el: ET.Element, index: int, source: str) -> BoxObject:
    known: dict[str, ET.Element] = {}
    extras: list[str] = []
    for child in el:
        tag = child.tag
        if tag in _OBJECT_FIELDS and tag not in known:
            known[tag] = child
        else:
            extras.append(_serialize_unknown(child, source, index))  # unknown, or a duplicate: kept, not lost
    name_el = known.get("name")
    name = (name_el.text or "").strip() if name_el is not None else None
    if not name:
        raise VocError(
            source, "missing or empty" if name is None else "empty", object_index=index, field="name"
        )
    bndbox = known.get("bndbox")
    if bndbox is None:
        raise VocError(source, f"object {name!r} has no <bndbox>", object_index=index, field="bndbox")
    coord_els: dict[str, ET.Element] = {}
    for child in bndbox:
        if child.tag in _COORD_SET and child.tag not in coord_els:
            coord_els[child.tag] = child
    values = []
    for key in _COORDS:
        found = coord_els.get(key)
        if found is None:
            raise VocError(
                source, f"object {name!r}: coordinate missing", object_index=index, field=f"bndbox/{key}"
            )
        values.append(_number(found, source, index, f"bndbox/{key}", name))
    xmin, ymin, xmax, ymax = values
    for lo, hi, lo_name, hi_name in ((xmin, xmax, "xmin", "xmax"), (ymin, ymax, "ymin", "ymax")):
        if hi < lo:
            raise VocError(
                source,
                f"object {name!r}: inverted box, {hi_name}={hi:g} < {lo_name}={lo:g}",
                object_index=index,
                field=f"bndbox/{hi_name}",
            )
    pose_el = known.get("pose")
    truncated_el = known.get("truncated")
    difficult_el = known.get("difficult")
    score_el = known.get("score")
    return BoxObject(
        name=name,
        xmin=xmin - 1.0,
        ymin=ymin - 1.0,
        xmax=xmax,
        ymax=ymax,
        difficult=difficult_el is not None and _flag(difficult_el, source, "difficult", index),
        truncated=truncated_el is not None and _flag(truncated_el, source, "truncated", index),
        pose=(pose_el.text or "").strip() if pose_el is not None else "Unspecified",
        extra_elements=extras,
        score=_number(score_el, source, index, "score") if score_el is not None else None,
    )


def _number(el: ET.Element, source: str, index: int, field: str, name: str | None = None) -> float:
    text = el.text
    try:
        value = float(text)  # float() itself ignores surrounding whitespace
    except (TypeError, ValueError):
        what = f"object {name!r}: " if name else ""
        raise VocError(
            source, f"{what}{(text or '').strip()!r} is not a number", object_index=index, field=field
        ) from None
    if not math.isfinite(value):
        what = f"object {name!r}: " if name else ""
        raise VocError(
            source, f"{what}{text.strip()!r} is not a finite number", object_index=index, field=field
        )
    return value


# ---------------------------------------------------------------------------------------------- writing


def write(annotation: ImageAnnotation, path: str | os.PathLike[str]) -> None:
    """Write ``annotation`` as VOC XML at ``path``, atomically (temp file + fsync + ``os.replace``).

    The old file (if any) stays intact when anything fails, and keeps its permission bits.

    Raises:
        VocError: the annotation cannot be stored faithfully (non-finite or inverted box, a character XML
            cannot hold, an unknown element that is not well-formed XML). Nothing is written then.
        OSError: the folder is missing or not writable.
    """
    target = os.fspath(path)
    atomic_write_bytes(target, dumps(annotation, source=target))


def dumps(annotation: ImageAnnotation, *, source: str = "<annotation>") -> bytes:
    """The VOC XML bytes `write` would store (see the module docstring for layout and rounding)."""
    a = annotation
    src = source
    out = [XML_DECLARATION, '<annotation verified="yes">\n' if a.verified else "<annotation>\n"]
    out.append(f"\t<folder>{_esc(a.folder, src, 'folder')}</folder>\n")
    out.append(f"\t<filename>{_esc(a.filename, src, 'filename')}</filename>\n")
    if a.path:
        out.append(f"\t<path>{_esc(a.path, src, 'path')}</path>\n")
    out.append(f"\t<source>\n\t\t<database>{_esc(a.database, src, 'source/database')}</database>\n")
    out.extend(_render_unknown(x, 2, src, None) for x in a.source_extra_elements)
    out.append("\t</source>\n")
    out.append(
        f"\t<size>\n\t\t<width>{int(a.width)}</width>\n\t\t<height>{int(a.height)}</height>\n"
        f"\t\t<depth>{int(a.depth)}</depth>\n\t</size>\n"
    )
    out.append(f"\t<segmented>{int(bool(a.segmented))}</segmented>\n")
    out.extend(_render_unknown(x, 1, src, None) for x in a.extra_elements)
    for index, obj in enumerate(a.objects):
        out.append(_render_object(obj, index, int(a.width), int(a.height), src))
    out.append("</annotation>\n")
    data = "".join(out).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:  # `read` would refuse it: never write a file we cannot open again
        raise VocError(src, f"would be {len(data):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit of `read`")
    return data


def voc_box(
    obj: BoxObject, width: int, height: int, *, source: str = "<annotation>", index: int = 0
) -> tuple[int, int, int, int]:
    """The integer 1-based VOC ``(xmin, ymin, xmax, ymax)`` that `dumps` writes for ``obj``.

    ``obj`` is in continuous xyxy pixels; ``width``/``height`` of ``0`` mean unknown (no upper clamp).

    Raises:
        VocError: a coordinate is not finite, the box is inverted or empty, or the image is 1 pixel wide/high.
    """
    for key in _COORDS:
        value = getattr(obj, key)
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise VocError(
                source, f"{value!r} is not a finite number", object_index=index, field=f"bndbox/{key}"
            )
    xmin, xmax = _span(obj.xmin, obj.xmax, width, source, index, ("xmin", "xmax", "width"))
    ymin, ymax = _span(obj.ymin, obj.ymax, height, source, index, ("ymin", "ymax", "height"))
    return xmin, ymin, xmax, ymax


def _span(
    lo: float, hi: float, limit: int, source: str, index: int, names: tuple[str, str, str]
) -> tuple[int, int]:
    if hi <= lo:
        raise VocError(
            source, f"inverted or empty box ({names[0]}={lo:g}, {names[1]}={hi:g})", object_index=index,
            field=f"bndbox/{names[1]}",
        )  # fmt: skip
    vlo = max(1, math.floor(lo + 1.5))  # continuous edge -> 1-based first pixel, rounded half up
    vhi = max(1, math.floor(hi + 0.5))  # continuous edge -> 1-based last pixel, rounded half up
    if limit > 0:
        if limit < 2:
            raise VocError(
                source, f"image {names[2]} {limit} leaves no room for a box", object_index=index,
                field=f"bndbox/{names[1]}",
            )  # fmt: skip
        vlo, vhi = min(vlo, limit), min(vhi, limit)
    if vhi <= vlo:
        if limit <= 0 or vlo + 1 <= limit:
            vhi = vlo + 1
        else:
            vlo, vhi = limit - 1, limit
    return vlo, vhi


def _render_object(obj: BoxObject, index: int, width: int, height: int, source: str) -> str:
    xmin, ymin, xmax, ymax = voc_box(obj, width, height, source=source, index=index)
    if not obj.name or not obj.name.strip():
        raise VocError(source, "empty label", object_index=index, field="name")
    parts = [
        "\t<object>\n",
        f"\t\t<name>{_esc(obj.name, source, 'name', index)}</name>\n",
        f"\t\t<pose>{_esc(obj.pose, source, 'pose', index)}</pose>\n",
        f"\t\t<truncated>{int(bool(obj.truncated))}</truncated>\n",
        f"\t\t<difficult>{int(bool(obj.difficult))}</difficult>\n",
        f"\t\t<bndbox>\n\t\t\t<xmin>{xmin}</xmin>\n\t\t\t<ymin>{ymin}</ymin>\n"
        f"\t\t\t<xmax>{xmax}</xmax>\n\t\t\t<ymax>{ymax}</ymax>\n\t\t</bndbox>\n",
    ]
    if obj.score is not None:
        score = float(obj.score)
        if not math.isfinite(score):
            raise VocError(source, f"{obj.score!r} is not a finite number", object_index=index, field="score")
        parts.append(f"\t\t<score>{score!r}</score>\n")
    parts.extend(_render_unknown(x, 2, source, index) for x in obj.extra_elements)
    parts.append("\t</object>\n")
    return "".join(parts)


def _esc(text: str, source: str, field: str, index: int | None = None) -> str:
    text = str(text)
    if _ILLEGAL_XML.search(text):
        raise VocError(
            source, f"{text!r} holds a control character XML cannot store", object_index=index, field=field
        )
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def _render_unknown(xml: str, level: int, source: str, index: int | None) -> str:
    """One kept unknown element, re-indented with tabs at ``level`` (stable under read-then-write)."""
    try:
        el = SafeET.fromstring(xml.encode("utf-8"), forbid_dtd=True)
    except (ET.ParseError, defusedxml.DefusedXmlException) as exc:
        raise VocError(
            source, f"kept unknown element is not well-formed XML ({exc}): {xml[:80]!r}", object_index=index,
            field="extra_elements",
        ) from None  # fmt: skip
    _serialize_unknown(el, source, index)
    ET.indent(el, space="\t", level=level)
    return "\t" * level + ET.tostring(el, encoding="unicode") + "\n"
