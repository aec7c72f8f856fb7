"""2. ``bulk_create`` with 1,000 events vs raw httpx with ``json=``.

Ours validates every event (the request model), serializes in pydantic-core straight to bytes
and parses the 202 answer (1,000 created-event locations) into models; raw httpx serializes with
``json.dumps`` and decodes the answer with ``json.loads``. ``ours, models given`` passes
``EventCreateItem`` instances built (and validated) beforehand, as typed code would.
Target: ours <= 1.2x raw.
"""

from __future__ import annotations

import sys

from bench._clients import BULK_PATH, ours_client, raw_client
from bench._harness import (
    DATASET,
    Table,
    bulk_result,
    compare,
    dumps,
    emit,
    event_items,
    fixed_transport,
    parser,
    rounds_of,
)


def run(*, size: int = 1000, rounds: int = 7, quick: bool = False) -> Table:
    transport = fixed_transport(202, dumps(bulk_result(size)))
    raw, ours = raw_client(transport), ours_client(transport)
    items = event_items(size)
    from cloudforce_one_events.models.event_create_item import EventCreateItem

    models = [EventCreateItem.model_validate(item) for item in items]

    def by_hand() -> object:
        response = raw.post(
            BULK_PATH, json={"data": items, "datasetId": DATASET, "includeCreatedEvents": True}
        )
        response.raise_for_status()
        return response.json()

    def client() -> object:
        return ours.events.bulk_create(data=items, dataset_id=DATASET, include_created_events=True)

    def client_models() -> object:
        return ours.events.bulk_create(data=models, dataset_id=DATASET, include_created_events=True)

    rows = compare(
        [
            ("raw httpx (json=, .json())", by_hand),
            ("ours: bulk_create(dicts)", client),
            ("ours: bulk_create(models)", client_models),
        ],
        rounds=rounds,
        budget=0.01 if quick else 0.3,
    )
    rows[1].note = "validates every event"
    rows[2].note = "events validated when built, outside the timing"
    return Table(f"2. bulk_create, {size:,} events (per call)", rows, target="ours <= 1.2x raw")


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000, help="events per call")
    args = p.parse_args(argv)
    emit(
        [run(size=10 if args.quick else args.size, rounds=rounds_of(args), quick=args.quick)],
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
