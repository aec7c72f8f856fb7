"""``python -m generator init``: a starting config (``codegen.toml``) for a document."""
