"""Runs the generator's command line in this (fresh) process and reports what formatting did.

``python -m bench._gen_driver generate --spec ... --out ...``; the last line of stdout is
``CF1-BENCH {json}`` with the formatter's statistics.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> int:
    started = time.perf_counter()
    from generator.cli import main as cli
    from generator.render import formatting

    code = cli(sys.argv[1:])
    stats = formatting.LAST_STATS
    print(
        "CF1-BENCH "
        + json.dumps(
            {
                "code": code,
                "seconds": time.perf_counter() - started,
                "format_seconds": stats.seconds,
                "files": stats.files,
                "cached": stats.cached,
                "formatted": stats.formatted,
                "formatted_bytes": stats.formatted_bytes,
                "workers": stats.workers,
            }
        )
    )
    return code


if __name__ == "__main__":
    sys.exit(main())
