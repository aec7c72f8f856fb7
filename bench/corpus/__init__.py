"""The corpus check: the generator over every OpenAPI document of a folder, one row each.

``python -m bench.corpus [DIR]`` (``make corpus``, ``CORPUS=DIR``; default ``../shared/corpus``
beside the repository). Per document it generates a client, then probes it in a fresh
interpreter (operations, imports, model builds, class names, ``client.default``), runs
``mypy --strict`` on the package and, when installed, times openapi-python-client on the same
document. The exit status is 1 when any row misses a correctness target (see
:data:`bench.corpus.report.TARGETS`); time and memory are reported, never gated.

Modules: ``documents`` (what a folder holds, operations in), ``probe`` (runs inside the
generated client's interpreter), ``names`` (numbered and hash-suffixed class names), ``run``
(the subprocesses of one document), ``report`` (table, verdict, warning classes),
``__main__`` (command line).
"""
