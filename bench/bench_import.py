"""4. Start-up: ``import cloudforce_one_events`` + client construction + first resource access,
in a fresh process, vs ``import httpx, pydantic``.

Each sample is one whole ``python -c ...`` process (interpreter start-up included, the same for
every contender); ``python -c pass`` is shown for scale. Target: ours <= 1.3x.
"""

from __future__ import annotations

import sys

from bench._harness import Row, Table, compare_processes, emit, parser, rounds_of

BASELINE = "import httpx, pydantic"
OURS = "import cloudforce_one_events as m; c = m.Client(api_token='t', account_id='a'); c.events"
OFFICIAL = (
    "import cloudflare; c = cloudflare.Cloudflare(api_token='t'); c.cloudforce_one.threat_events"
)


def run(*, rounds: int = 7, quick: bool = False, official: bool = False) -> Table:
    py = sys.executable
    contenders = [
        ("import httpx, pydantic", [py, "-c", BASELINE]),
        ("ours: import + Client() + .events", [py, "-c", OURS]),
    ]
    if official:
        contenders.append(
            ("official: import + Cloudflare() + .threat_events", [py, "-c", OFFICIAL])
        )
    contenders.append(("python -c pass (interpreter alone)", [py, "-c", "pass"]))
    rows: list[Row] = compare_processes(contenders, rounds=rounds)
    return Table(
        "4. start-up in a fresh process", rows, target="ours <= 1.3x `import httpx, pydantic`"
    )


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    emit([run(rounds=rounds_of(args), quick=args.quick)], args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
