"""1. One ``bulk_create`` with one event vs the same request written by hand with httpx, sync and
async.

Every contender sends the same JSON body to the same ``httpx.MockTransport``, which answers as the
API does: 202 and the v4 envelope. By hand: ``json=``, ``.json()``, the status and ``success``
checked, ``result`` returned; once with the full URL and the token given on every call (the
baseline: how people write it), once through a client preconfigured with ``base_url`` and headers.
Ours also validates the body against the spec's model and parses the result into models.
Target: ours <= 1.10x the baseline, sync and async.
"""

from __future__ import annotations

import sys

import httpx

from bench._clients import (
    BULK_PATH,
    RAW_PER_CALL,
    RAW_PRECONFIGURED,
    AsyncRawPerCall,
    RawPerCall,
    ours_async_client,
    ours_client,
    raw_async_client,
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
    event_item,
    fixed_transport,
    parser,
    rounds_of,
    run_async,
)

TARGET = "ours <= 1.10x raw (full URL, headers per call)"


def run_sync(*, rounds: int = 7, budget: float = 0.2) -> Table:
    transport = fixed_transport(202, bulk_answer(1))
    per_call, pre, ours = RawPerCall(transport), raw_client(transport), ours_client(transport)
    payload = {"data": [event_item(0)], "datasetId": DATASET}
    item = event_item(0)

    def by_hand() -> object:
        return per_call.post(BULK_PATH, payload)

    def preconfigured() -> object:
        return result_of(pre.post(BULK_PATH, json=payload))

    def client() -> object:
        return ours.events.bulk_create(data=[item], dataset_id=DATASET)

    rows = compare(
        [
            (RAW_PER_CALL, by_hand),
            (RAW_PRECONFIGURED, preconfigured),
            ("ours: events.bulk_create", client),
        ],
        rounds=rounds,
        budget=budget,
    )
    return Table("1. one bulk_create, 1 event, sync (per call)", rows, target=TARGET)


def run_async_table(*, rounds: int = 7, budget: float = 0.2) -> Table:
    transport = fixed_transport(202, bulk_answer(1))
    per_call = AsyncRawPerCall(transport)
    pre: httpx.AsyncClient = raw_async_client(transport)
    ours = ours_async_client(transport)
    payload = {"data": [event_item(0)], "datasetId": DATASET}
    item = event_item(0)

    async def by_hand() -> object:
        return await per_call.post(BULK_PATH, payload)

    async def preconfigured() -> object:
        return result_of(await pre.post(BULK_PATH, json=payload))

    async def client() -> object:
        return await ours.events.bulk_create(data=[item], dataset_id=DATASET)

    rows = compare(
        [
            (RAW_PER_CALL, by_hand),
            (RAW_PRECONFIGURED, preconfigured),
            ("ours: events.bulk_create", client),
        ],
        rounds=rounds,
        budget=budget,
    )
    for http in (per_call.http, pre, ours._http):
        run_async(http.aclose())
    return Table("1. one bulk_create, 1 event, async (per call)", rows, target=TARGET)


def run(*, rounds: int = 7, budget: float = 0.2) -> list[Table]:
    return [run_sync(rounds=rounds, budget=budget), run_async_table(rounds=rounds, budget=budget)]


def main(argv: list[str] | None = None) -> int:
    args = parser(__doc__.splitlines()[0]).parse_args(argv)
    emit(run(rounds=rounds_of(args), budget=budget_of(args, 0.2)), args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
