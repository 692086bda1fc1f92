"""A read-only sequence whose items are computed from an index on access."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Sequence
from typing import TypeVar, overload

__all__ = ["ComputedSequence"]

T = TypeVar("T")


class ComputedSequence(Sequence[T]):
    """``Sequence`` indexing (negative indices, slices, ``IndexError``) over :meth:`_item`.

    Subclasses define ``__len__`` and ``_item``, which gets an index already checked
    to be in ``range(len(self))``.
    """

    @abstractmethod
    def _item(self, index: int) -> T:
        """The item at ``index``, which is in ``range(len(self))``."""

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        if isinstance(index, slice):
            return [self._item(i) for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        return self._item(index)
