"""Batch input lines kept in a private temporary file instead of in memory.

A job of 100,000 documents encodes to hundreds of megabytes of JSONL; holding it as
a list of ``bytes`` makes memory grow with the job. :class:`SpooledLines` writes each
line once, as it is planned, to an anonymous temporary file (``tempfile.TemporaryFile``:
mode 0600, in ``TMPDIR``, unlinked at once on POSIX so nothing is left behind even
after a crash) and keeps only each line's end offset. A part is uploaded from its own
temporary copy of its byte range, so the upload streams from disk too.

The file holds the request bodies, that is the document text, for as long as the job
is being submitted: close the spool (or use it as a context manager) once submitted.
"""

from __future__ import annotations

import hashlib
import tempfile
from array import array
from collections.abc import Iterator, Sequence
from typing import IO, overload

__all__ = ["SpooledLines"]

_CHUNK = 1 << 20


class SpooledLines(Sequence[bytes]):
    """An append-only sequence of encoded lines stored in a private temporary file."""

    def __init__(self) -> None:
        # Owned by the spool and closed by close(): it outlives this call.
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="zerogpu-batch-")  # noqa: SIM115
        self._ends = array("q")

    def append(self, line: bytes) -> None:
        """Store one encoded line (without its newline)."""
        self._file.seek(0, 2)
        self._file.write(line + b"\n")
        self._ends.append(self._file.tell())

    def __len__(self) -> int:
        return len(self._ends)

    @overload
    def __getitem__(self, index: int) -> bytes: ...

    @overload
    def __getitem__(self, index: slice) -> list[bytes]: ...

    def __getitem__(self, index: int | slice) -> bytes | list[bytes]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("line index out of range")
        start = self._start(index)
        self._file.seek(start)
        return self._file.read(self._ends[index] - start - 1)

    def __iter__(self) -> Iterator[bytes]:
        for index in range(len(self)):
            yield self[index]

    def _start(self, index: int) -> int:
        return self._ends[index - 1] if index else 0

    def _chunks(self, start: int, stop: int) -> Iterator[bytes]:
        """The file content of lines ``start`` to ``stop`` (newlines included), in chunks."""
        position, end = self._start(start), self._start(stop)
        while position < end:
            self._file.seek(position)
            chunk = self._file.read(min(_CHUNK, end - position))
            position += len(chunk)
            yield chunk

    def digest(self, start: int, stop: int) -> tuple[str, int]:
        """SHA-256 and size of the JSONL file lines ``start`` to ``stop`` make."""
        sha = hashlib.sha256()
        for chunk in self._chunks(start, stop):
            sha.update(chunk)
        return sha.hexdigest(), self._start(stop) - self._start(start)

    def part_file(self, start: int, stop: int) -> IO[bytes]:
        """A new private temporary file holding lines ``start`` to ``stop``; close it after use."""
        part: IO[bytes] = tempfile.TemporaryFile(prefix="zerogpu-batch-part-")  # noqa: SIM115
        try:
            for chunk in self._chunks(start, stop):
                part.write(chunk)
            part.seek(0)
        except BaseException:
            part.close()
            raise
        return part

    def close(self) -> None:
        """Delete the file (its lines can no longer be read)."""
        self._file.close()

    def __enter__(self) -> SpooledLines:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
