"""Imported first by the package: a missing LangChain says which extra to install."""

from zerogpu_core._extras import require_extra

require_extra(
    "langchain_core", package="langchain_zerogpu", distribution="langchain-core", extra="langchain"
)
