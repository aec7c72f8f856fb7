"""Stage 4, render: IR -> file contents (Jinja templates, layout in black's shape, formatting, caches)."""
