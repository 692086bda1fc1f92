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
from collections.abc import AsyncIterator, Iterator
from typing import IO, TYPE_CHECKING

from zerogpu_core._sequences import ComputedSequence

if TYPE_CHECKING:
    import httpx

__all__ = ["SpooledLines", "adownload_lines", "download_lines"]

_CHUNK = 1 << 16  # 64 KiB: copies and downloads in small steps keep the peak low


class SpooledLines(ComputedSequence[bytes]):
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

    def _item(self, index: int) -> bytes:
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


def download_lines(response: httpx.Response) -> Iterator[str]:
    """The lines of a streamed download, read to its end into a private temporary
    file before the first line is handed over.

    The connection is released at once, however slowly the lines are consumed: a
    server closes a download its client stops reading (a lazy run can spend hours
    on the documents of one output file), and the results would be lost.
    """
    with tempfile.TemporaryFile(prefix="zerogpu-batch-out-") as file:
        try:
            for chunk in response.iter_bytes(_CHUNK):
                file.write(chunk)
        finally:
            response.close()
        yield from _lines(file)


async def adownload_lines(response: httpx.Response) -> AsyncIterator[str]:
    """Async :func:`download_lines`."""
    with tempfile.TemporaryFile(prefix="zerogpu-batch-out-") as file:
        try:
            async for chunk in response.aiter_bytes(_CHUNK):
                file.write(chunk)
        finally:
            await response.aclose()
        for line in _lines(file):
            yield line


def _lines(file: IO[bytes]) -> Iterator[str]:
    """Every line of ``file`` from its start, without line ends (as ``iter_lines``)."""
    file.seek(0)
    for line in file:
        yield line.decode("utf-8").rstrip("\r\n")
