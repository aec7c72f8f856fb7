"""``python -m bench`` (``make bench``): every bench script in turn, one table each.

    python -m bench                 # everything (about 15-30 minutes; the 5,000-operation spec dominates)
    python -m bench --quick         # tiny sizes, 1-2 rounds: checks the scripts run, measures nothing
    python -m bench call bulk list  # a selection, by name (bench_<name>.py)
    python -m bench --json DIR      # also write each script's tables as DIR/<name>.json

Each bench_<name>.py also runs alone (``python -m bench.bench_<name> --help``) and exposes
``main(argv) -> int``; scripts added to bench/ by others are run too when they follow that
contract.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import inspect
import os
import sys
import time
from pathlib import Path

from bench._harness import machine, versions

ORDER = ["call", "bulk", "list", "memory", "import", "official", "generate", "format"]


def discover() -> list[str]:
    here = Path(__file__).resolve().parent
    found = sorted(p.stem[len("bench_") :] for p in here.glob("bench_*.py"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument(
        "names", nargs="*", help=f"which scripts (default: all of {', '.join(discover())})"
    )
    p.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    p.add_argument("--json", type=Path, default=None, help="directory for per-script JSON tables")
    args = p.parse_args(argv)
    names = args.names or discover()
    unknown = [n for n in names if n not in discover()]
    if unknown:
        p.error(f"unknown bench(es): {', '.join(unknown)}")
    try:
        load = "load average " + ", ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover
        load = ""
    print(f"# bench {dt.date.today().isoformat()}: {machine()}; {load}")
    print(f"# {versions('httpx', 'pydantic', 'pydantic-core', 'black', 'ruff', 'cloudflare')}\n")
    failures = 0
    for name in names:
        module = importlib.import_module(f"bench.bench_{name}")
        # ours all take --quick and --json (bench._harness.parser); others' scripts may not
        source = "--quick --json" if name in ORDER else inspect.getsource(module)
        script_argv: list[str] = []
        if args.quick:
            if "--quick" not in source:
                print(f"<!-- bench_{name}: no --quick option; not run in a quick run -->\n")
                continue
            script_argv.append("--quick")
        if args.json is not None and "--json" in source:
            args.json.mkdir(parents=True, exist_ok=True)
            script_argv += ["--json", str(args.json / f"{name}.json")]
        started = time.perf_counter()
        try:
            params = inspect.signature(module.main).parameters
            code = module.main(script_argv) if params else module.main()
        except SystemExit as exc:  # argparse of a script
            code = exc.code if isinstance(exc.code, int) else 1
        except Exception as exc:  # noqa: BLE001 - report and go on with the others
            print(f"bench_{name} failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
        print(f"<!-- bench_{name}: {time.perf_counter() - started:.0f} s -->\n", flush=True)
        failures += code != 0
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
