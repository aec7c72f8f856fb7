"""Stage 1, load: the spec and the config as validated data.

``loader`` runs the steps: ``sources`` (safe YAML/JSON with line numbers), ``bundling`` (``$ref``
resolution across files, through the reference graph of ``refgraph``), ``validation``
(openapi-pydantic); ``pointers`` (JSON pointers) is shared by all of them and by later stages.
``config`` reads ``codegen.toml``. Nothing here knows about Python names or types.
"""
