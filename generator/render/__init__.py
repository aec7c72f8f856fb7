"""Stage 4, render: IR -> file contents.

``renderer`` (which template makes which file, Jinja environment, verbatim copies), ``layout``
(lines broken in black's shape, samples included), ``formatting`` (black or ruff over every
generated Python file) with ``formatters`` (the formatters and their settings) and
``format_cache`` (formatted files by content hash), ``template_cache`` (compiled templates).
"""
