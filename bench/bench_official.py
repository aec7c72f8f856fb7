"""5. The official SDK (``cloudflare`` from PyPI) vs ours, on the same ``httpx.MockTransport``.

The same calls as benches 1, 2 and 4 through ``cloudflare.Cloudflare(http_client=...)``'s
``cloudforce_one.threat_events.bulk_create``, answered as the API answers (202, the v4 envelope);
the ratio column is official / ours. The official SDK builds its result without validating it
(and does not unwrap this endpoint's envelope): it does less work than ours with the answer.
Goals: ours >= 3.5x faster per call, >= 20x on bulk, faster to import.
When the package is not installed the script says so and exits 0.
"""

from __future__ import annotations

import sys

from bench import bench_import
from bench._clients import (
    OFFICIAL_MISSING,
    official_available,
    official_client,
    ours_client,
)
from bench._harness import (
    ACCOUNT,
    DATASET,
    Table,
    budget_of,
    bulk_answer,
    compare,
    emit,
    event_items,
    fixed_transport,
    parser,
    rounds_of,
    versions,
)


def _bulk(size: int, rounds: int, budget: float) -> Table:
    transport = fixed_transport(202, bulk_answer(size))
    ours, official = ours_client(transport), official_client(transport)
    items = event_items(size, snake=True)  # the official SDK takes Python names; ours takes either

    def ours_call() -> object:
        return ours.events.bulk_create(data=items, dataset_id=DATASET, include_created_events=True)

    def official_call() -> object:
        return official.cloudforce_one.threat_events.bulk_create(
            account_id=ACCOUNT, data=items, dataset_id=DATASET, include_created_events=True
        )

    a, b = ours_call(), official_call()
    assert a.created_events_count == size and b is not None
    rows = compare(
        [("ours", ours_call), ("official cloudflare SDK", official_call)],
        rounds=rounds,
        budget=budget,
    )
    goal = ">= 20x" if size >= 100 else ">= 3.5x"
    return Table(
        f"5. official SDK vs ours: bulk_create, {size:,} event{'s' if size != 1 else ''} (per call)",
        rows,
        target=f"official/ours {goal}",
        ratio_label="official/ours",
    )


def run(
    *, size: int = 1000, rounds: int = 7, quick: bool = False, budget: float = 0.3
) -> list[Table]:
    tables = [_bulk(1, rounds, budget), _bulk(size, rounds, budget)]
    start = bench_import.run(rounds=rounds, quick=quick, official=True)
    rows = {r.name: r for r in start.rows}
    ours = rows["ours: import + Client() + .events"]
    official = rows["official: import + Cloudflare() + .threat_events"]
    tables.append(
        Table(
            "5. official SDK vs ours: start-up in a fresh process",
            [ours, official],
            target="official/ours > 1 (ours faster to import)",
            ratio_label="official/ours",
        )
    )
    for table in tables:
        table.notes.append(f"({versions('cloudflare', 'httpx', 'pydantic')})")
    return tables


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000, help="events per bulk call")
    args = p.parse_args(argv)
    if not official_available():
        print(f"### 5. official SDK vs ours\n\n{OFFICIAL_MISSING}\n")
        return 0
    emit(
        run(
            size=10 if args.quick else args.size,
            rounds=rounds_of(args),
            quick=args.quick,
            budget=budget_of(args, 0.3),
        ),
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
