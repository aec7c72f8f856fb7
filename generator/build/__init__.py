"""Stage 2, build: the loaded spec and config become the IR (``generator.ir``).

Every naming decision (``naming``), type mapping (``typeexpr``), schema construct (``schemas``,
``models``) and operation fact (``operations``) is decided here, once; ``api.build_api`` ties
them together.
"""
