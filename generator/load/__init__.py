"""Stage 1, load: the spec and the config as validated data.

Safe YAML/JSON with line numbers, ``$ref`` bundling through a reference graph, JSON pointers,
openapi-pydantic validation (``loader``, ``refgraph``) and ``codegen.toml`` (``config``).
Nothing here knows about Python names or types.
"""
