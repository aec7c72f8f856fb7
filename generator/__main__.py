"""``python -m generator``: see :mod:`generator.cli`.

The third-party packages the generator needs are checked first: run by a Python that lacks
them (the shell's own, not the project's ``.venv``), it says so in one line and exits 2
instead of failing later with an "internal error".
"""

import sys

try:
    import jinja2  # noqa: F401 - imported to check that it is installed
    import openapi_pydantic  # noqa: F401
    import yaml  # noqa: F401
except ModuleNotFoundError as exc:
    print(
        f"python -m generator: the package {exc.name!r} is not installed for {sys.executable}; "
        "run `make generate` once (it creates .venv) and use `.venv/bin/python -m generator` "
        "(or `. .venv/bin/activate` first)",
        file=sys.stderr,
    )
    sys.exit(2)

from generator.cli import main  # noqa: E402 - after the check above

sys.exit(main())
