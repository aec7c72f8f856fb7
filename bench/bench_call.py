"""1. One ``bulk_create`` with one event vs the same request written by hand with httpx.

Both send the same JSON body to the same ``httpx.MockTransport`` and decode the 202 answer;
ours also validates the body against the spec's model and parses the answer into models.
Target: ours <= 1.25x raw.
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
    event_item,
    fixed_transport,
    parser,
    rounds_of,
)


def run(*, rounds: int = 7, quick: bool = False) -> Table:
    transport = fixed_transport(202, dumps(bulk_result(1)))
    raw, ours = raw_client(transport), ours_client(transport)
    item = event_item(0)

    def by_hand() -> object:
        response = raw.post(BULK_PATH, json={"data": [item], "datasetId": DATASET})
        response.raise_for_status()
        return response.json()

    def client() -> object:
        return ours.events.bulk_create(data=[item], dataset_id=DATASET)

    rows = compare(
        [("raw httpx (json=, .json())", by_hand), ("ours: events.bulk_create", client)],
        rounds=rounds,
        budget=0.01 if quick else 0.2,
    )
    return Table("1. one bulk_create, 1 event (per call)", rows, target="ours <= 1.25x raw")


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    emit([run(rounds=rounds_of(args), quick=args.quick)], args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
