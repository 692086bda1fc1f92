"""Package names imported on first use (PEP 562 module ``__getattr__``).

A package lists each public name with the module that defines it; the module is
imported when the name is first looked up, and the value is then stored in the
package so later lookups skip ``__getattr__``. A name that is itself a submodule
(``zerogpu_core.catalog``) maps to its own module path.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Any

__all__ = ["LazyExports"]


class LazyExports:
    """The lazily imported names of one package."""

    def __init__(self, package: str, exports: Mapping[str, str], namespace: dict[str, Any]):
        self.package, self.exports, self.namespace = package, exports, namespace

    def load(self, name: str) -> Any:
        """The value of ``name``, imported now and kept in the package.

        Raises:
            AttributeError: when the package has no such name.
        """
        module = self.exports.get(name)
        if module is None:
            raise AttributeError(f"module {self.package!r} has no attribute {name!r}")
        imported = importlib.import_module(module)
        value = imported if module == f"{self.package}.{name}" else getattr(imported, name)
        self.namespace[name] = value  # later lookups skip the package's __getattr__
        return value

    def names(self) -> list[str]:
        """What ``dir(package)`` lists: what is loaded and what can be."""
        return sorted({*self.namespace, *self.exports})
