"""Imported first by the package: a missing LlamaIndex says which extra to install."""

from zerogpu_core._extras import require_extra

require_extra(
    "llama_index.core",
    package="llama_index_zerogpu",
    distribution="llama-index-core",
    extra="llama-index",
)
