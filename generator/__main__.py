"""``python -m generator``: see :mod:`generator.cli`.

The third-party packages the generator needs are looked up first (not imported: ``--help``
stays fast): run by a Python that lacks them (the shell's own, not the project's ``.venv``), it
says so in one line and exits 2 instead of failing later with an "internal error".
"""

import sys
from importlib.util import find_spec

_NEEDED = ("jinja2", "openapi_pydantic", "yaml")

_missing = next((name for name in _NEEDED if find_spec(name) is None), None)
if _missing is not None:
    print(
        f"python -m generator: the package {_missing!r} is not installed for {sys.executable}; "
        "run `make generate` once (it creates .venv) and use `.venv/bin/python -m generator` "
        "(or `. .venv/bin/activate` first)",
        file=sys.stderr,
    )
    sys.exit(2)

from generator.cli import main  # noqa: E402 - after the check above

sys.exit(main())
