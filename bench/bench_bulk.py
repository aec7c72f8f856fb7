"""2. ``bulk_create`` with 1,000 events vs raw httpx with ``json=``: full and small events.

Full events carry 12 fields, small ones five and ``raw`` (see ``bench._harness``). The answer is
the API's: 202, the v4 envelope, 1,000 created-event locations. Ours validates every event (the
request model), serializes in pydantic-core straight to bytes and parses the result into models;
raw httpx serializes with ``json.dumps``, decodes the answer with ``json.loads`` and returns its
``result`` (full URL and token per call: the baseline; a preconfigured client beside it).
``ours: bulk_create(models)`` passes ``EventCreateItem`` instances built (and validated)
beforehand, as typed code would.
Targets: ours <= 1.25x raw for full events, <= 1.35x for small ones.
"""

from __future__ import annotations

import sys

from bench._clients import (
    BULK_PATH,
    RAW_PER_CALL,
    RAW_PRECONFIGURED,
    RawPerCall,
    ours_client,
    raw_client,
    result_of,
)
from bench._harness import (
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
)

TARGETS = {"full": 1.25, "small": 1.35}


def run(*, size: int = 1000, shape: str = "full", rounds: int = 7, budget: float = 0.3) -> Table:
    transport = fixed_transport(202, bulk_answer(size))
    per_call, pre, ours = RawPerCall(transport), raw_client(transport), ours_client(transport)
    items = event_items(size, shape=shape)
    payload = {"data": items, "datasetId": DATASET, "includeCreatedEvents": True}
    from cloudforce_one_events.models.event_create_item import EventCreateItem

    models = [EventCreateItem.model_validate(item) for item in items]

    def by_hand() -> object:
        return per_call.post(BULK_PATH, payload)

    def preconfigured() -> object:
        return result_of(pre.post(BULK_PATH, json=payload))

    def client() -> object:
        return ours.events.bulk_create(data=items, dataset_id=DATASET, include_created_events=True)

    def client_models() -> object:
        return ours.events.bulk_create(data=models, dataset_id=DATASET, include_created_events=True)

    rows = compare(
        [
            (RAW_PER_CALL, by_hand),
            (RAW_PRECONFIGURED, preconfigured),
            ("ours: bulk_create(dicts)", client),
            ("ours: bulk_create(models)", client_models),
        ],
        rounds=rounds,
        budget=budget,
    )
    rows[2].note = "validates every event"
    rows[3].note = "events validated when built, outside the timing"
    return Table(
        f"2. bulk_create, {size:,} {shape} events (per call)",
        rows,
        target=f"ours (dicts) <= {TARGETS[shape]:.2f}x raw (full URL, headers per call)",
    )


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000, help="events per call")
    p.add_argument("--shape", choices=["full", "small", "both"], default="both")
    args = p.parse_args(argv)
    shapes = ["full", "small"] if args.shape == "both" else [args.shape]
    size = 10 if args.quick else args.size
    tables = [
        run(size=size, shape=shape, rounds=rounds_of(args), budget=budget_of(args, 0.3))
        for shape in shapes
    ]
    emit(tables, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
