"""Crash-safe file writes: a reader sees the old content or the new one, never a torn file.

The new bytes go to a temp file in the destination folder (same file system, so the rename is atomic),
are flushed and fsynced, then ``os.replace`` swaps them in. A process killed at any moment leaves the old
file untouched (at worst a hidden ``.NAME.*.tmp`` file remains beside it; `is_temp_name` recognises it and no scan lists it).
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

_TEMP_SUFFIX = ".tmp"
_RANDOM_CHARS = 8  # what tempfile.mkstemp adds between prefix and suffix
NAME_MAX_BYTES = 255


def _current_umask() -> int:
    """The process umask, read without changing it where the OS allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    # Fallback: set and restore (not thread-safe, hence only when /proc is missing).
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows cannot open folders)."""
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_LEDGER: contextvars.ContextVar[set[str] | None] = contextvars.ContextVar("atomic_ledger", default=None)


@contextlib.contextmanager
def recording_writes() -> Iterator[set[str]]:
    """Collect the absolute paths of every file written by this module (and `note_written`) in the block.

    An export uses it to know exactly which files it produced, so files of an earlier export that it did not
    produce again (an image since deleted from the data) can be removed instead of lingering."""
    written: set[str] = set()
    token = _LEDGER.set(written)
    try:
        yield written
    finally:
        _LEDGER.reset(token)


def note_written(path: str | os.PathLike[str]) -> None:
    """Record ``path`` in the active `recording_writes` block (for files placed without this module)."""
    ledger = _LEDGER.get()
    if ledger is not None:
        ledger.add(os.path.abspath(path))


def temp_prefix(name: str) -> str:
    """The prefix of the temp file for a destination called ``name``: ``.NAME.``, with ``NAME`` shortened
    (whole characters) so that prefix, mkstemp's 8 random characters and ``.tmp`` fit in 255 bytes, the name
    limit of ext4, XFS, APFS and NTFS. A destination whose own name fits can therefore always be written."""
    room = NAME_MAX_BYTES - 2 - _RANDOM_CHARS - len(_TEMP_SUFFIX)
    encoded = os.fsencode(name)
    if len(encoded) > room:
        name = encoded[:room].decode("utf-8", "ignore")  # whole characters only
    return f".{name}."


def is_temp_name(name: str) -> bool:
    """True for a temp file this module creates (``.NAME.XXXXXXXX.tmp``), e.g. one left behind by a kill.

    Scans never list these: they end in ``.tmp`` (no image or annotation suffix) and start with a dot."""
    return name.startswith(".") and name.endswith(_TEMP_SUFFIX)


def _target_mode(target: Path, display: str) -> int:
    try:
        mode = stat.S_IMODE(os.stat(target).st_mode)
    except FileNotFoundError:
        return 0o666 & ~_current_umask()
    # A rename would replace even a read-only file; refuse as open(path, "w") would (root included).
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise PermissionError(errno.EACCES, "file is read-only, not replaced", display)
    return mode


@contextlib.contextmanager
def atomic_writer(path: str | os.PathLike[str]) -> Iterator[BinaryIO]:
    """A binary file to write the new content of ``path`` into; it replaces ``path`` when the block ends.

    Same rules as `atomic_write_bytes` (symlink followed, permission bits kept or ``0o666`` minus the umask,
    read-only files refused). When the block raises, or the write fails (a full disk), the temp file is removed,
    ``path`` is untouched, and an `OSError` names ``path`` (not the temp file).
    """
    display = os.fspath(path)
    target = Path(os.path.realpath(display))
    folder = target.parent
    mode = _target_mode(target, display)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(target.name), suffix=_TEMP_SUFFIX, dir=folder)
    except OSError as exc:  # no such folder, not writable, full: name the file the caller asked for
        raise type(exc)(exc.errno, exc.strerror or str(exc), display) from None
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, target)
        note_written(display)
    except BaseException as exc:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(exc, OSError) and exc.filename in (None, tmp_name):
            raise type(exc)(exc.errno, exc.strerror or str(exc), display) from None
        raise
    _fsync_dir(folder)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically.

    Args:
        path: destination file. A symlink is followed, so the link's target is updated, not the link.
        data: the complete new content.

    The permission bits of an existing file are kept; a new file gets ``0o666`` minus the umask, like
    ``open(path, "w")`` would (mkstemp's ``0o600`` is changed before any byte is written). The temp file name is
    shortened when needed (`temp_prefix`), so any name the file system allows can be saved. On any error the
    temp file is removed and the old file is unchanged.

    Raises:
        PermissionError: the existing file is read-only (no write bit set, or not writable by this user).
        OSError: the folder does not exist or is not writable, the disk is full, ... (naming ``path``).
    """
    with atomic_writer(path) as f:
        f.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, encoding: str = "utf-8") -> None:
    """`atomic_write_bytes` for text, encoded with ``encoding`` (newlines are written as given)."""
    atomic_write_bytes(path, text.encode(encoding))
