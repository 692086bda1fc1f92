"""Griffe extension for the API reference: render ``Example:`` like ``Examples:``.

The packages' Google-style docstrings title their doctest blocks ``Example:``,
which Griffe would show as a Markdown admonition (so ``x["a"][0]`` reads as a
link); as an ``Examples`` section they render as Python code.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_EXAMPLE = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headers to ``Examples:`` before parsing."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = _EXAMPLE.sub(r"\1Examples:", obj.docstring.value)
