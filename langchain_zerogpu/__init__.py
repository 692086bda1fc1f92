"""LangChain integration for ZeroGPU."""
