"""The project's main job: ``make demo`` (or ``python -m demo``).

A RAG ingestion over the bundled corpus in ``demo/corpus/`` (support tickets, emails
and articles containing fictional personal data), run once with LlamaIndex and once
with LangChain. Without ``ZEROGPU_API_KEY`` it runs against the bundled emulator and
says so; with the key it calls the live API through exactly the same code.
"""
