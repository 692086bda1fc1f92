"""LlamaIndex integration for ZeroGPU."""
