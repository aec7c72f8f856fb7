"""3. ``events.list`` parsing a page of 1,000 events into models vs raw ``json.loads``.

The transport answers with the bare array the spec declares (what the official SDK expects) or
with Cloudflare's v4 envelope around it; ours validates every event in full either way.
``general path`` is ours with the one-pass bytes validation switched off (decode to Python
objects, then validate them): what every call did before.
Target: ours <= 2x raw.
"""

from __future__ import annotations

import json
import sys

from bench._clients import LIST_PATH, ours_client, raw_client
from bench._harness import (
    DATASET,
    Table,
    compare,
    dumps,
    emit,
    event_record,
    fixed_transport,
    parser,
    rounds_of,
)


def run(*, size: int = 1000, rounds: int = 7, quick: bool = False) -> Table:
    page = [event_record(i) for i in range(size)]
    bare = fixed_transport(200, dumps(page))
    wrapped = fixed_transport(
        200,
        dumps(
            {
                "success": True,
                "errors": [],
                "messages": [],
                "result": page,
                "result_info": {"page": 1, "per_page": size, "count": size},
            }
        ),
    )
    raw = raw_client(bare)
    ours, ours_env, ours_general = ours_client(bare), ours_client(wrapped), ours_client(bare)

    from cloudforce_one_events._core import response as response_module

    fast = response_module.RawResponse._parse_json_bytes

    def by_hand() -> object:
        response = raw.get(LIST_PATH, params={"datasetId": DATASET})
        response.raise_for_status()
        return json.loads(response.content)

    def client() -> object:
        return ours.events.list(dataset_id=[DATASET])

    def client_envelope() -> object:
        return ours_env.events.list(dataset_id=[DATASET])

    def client_general() -> object:
        response_module.RawResponse._parse_json_bytes = lambda self, adapter: response_module._MISSING  # type: ignore[method-assign]
        try:
            return ours_general.events.list(dataset_id=[DATASET])
        finally:
            response_module.RawResponse._parse_json_bytes = fast  # type: ignore[method-assign]

    assert len(client()) == size and len(client_envelope()) == size and client_general() == client()  # type: ignore[arg-type]
    rows = compare(
        [
            ("raw httpx + json.loads", by_hand),
            ("ours: events.list (bare array)", client),
            ("ours: events.list (v4 envelope)", client_envelope),
            ("ours, general path (before)", client_general),
        ],
        rounds=rounds,
        budget=0.01 if quick else 0.3,
    )
    return Table(
        f"3. list: a page of {size:,} events into models (per call)",
        rows,
        target="ours <= 2x raw, with full validation",
    )


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000, help="events per page")
    args = p.parse_args(argv)
    emit(
        [run(size=10 if args.quick else args.size, rounds=rounds_of(args), quick=args.quick)],
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
