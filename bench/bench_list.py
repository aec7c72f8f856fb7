"""3. ``events.list`` parsing a page of 1,000 events into models vs raw ``json.loads``, and
``list_all`` over 10 pages of 1,000 events vs a raw paging loop.

The transport answers as the API does, with Cloudflare's v4 envelope (``result`` and
``result_info``); ours validates every event in full. By hand: the status and ``success`` checked,
``result`` returned; the paging loop asks for ``page`` = 1, 2, ... and stops when
``result_info.total_count`` events have come (or at a short page). ``general path`` is ours with
the one-pass bytes validation switched off (decode to Python objects, then validate them).
Targets: ``list`` <= 2x raw, ``list_all`` <= 1.2x the raw loop.
"""

from __future__ import annotations

import sys
from typing import Any

import httpx

from bench._clients import (
    LIST_PATH,
    RAW_PER_CALL,
    RAW_PRECONFIGURED,
    RawPerCall,
    ours_client,
    raw_client,
    result_of,
)
from bench._harness import (
    BASE_URL,
    DATASET,
    TOKEN,
    Table,
    budget_of,
    compare,
    dumps,
    emit,
    envelope,
    event_record,
    fixed_transport,
    parser,
    rounds_of,
)


def run(*, size: int = 1000, rounds: int = 7, budget: float = 0.3) -> Table:
    page = [event_record(i) for i in range(size)]
    info = {"page": 1, "per_page": size, "count": size, "total_count": size}
    transport = fixed_transport(200, dumps(envelope(page, info)))
    per_call, pre = RawPerCall(transport), raw_client(transport)
    ours, ours_general = ours_client(transport), ours_client(transport)

    from cloudforce_one_events._core import response as response_module

    # the bytes fast path (a runtime before issue 18 had it as a method only)
    owner: Any = response_module
    if not hasattr(owner, "validate_bytes"):
        owner = response_module.RawResponse
    name = "validate_bytes" if owner is response_module else "_parse_json_bytes"
    fast = getattr(owner, name)

    def by_hand() -> object:
        return per_call.get(LIST_PATH, {"datasetId": DATASET})

    def preconfigured() -> object:
        return result_of(pre.get(LIST_PATH, params={"datasetId": DATASET}))

    def client() -> object:
        return ours.events.list(dataset_id=[DATASET])

    def client_general() -> object:
        setattr(owner, name, lambda *args: response_module._MISSING)
        try:
            return ours_general.events.list(dataset_id=[DATASET])
        finally:
            setattr(owner, name, fast)

    assert len(client()) == size and client_general() == client()  # type: ignore[arg-type]
    rows = compare(
        [
            (RAW_PER_CALL, by_hand),
            (RAW_PRECONFIGURED, preconfigured),
            ("ours: events.list", client),
            ("ours, general path (decode, then validate)", client_general),
        ],
        rounds=rounds,
        budget=budget,
    )
    return Table(
        f"3. list: a page of {size:,} events into models (per call)",
        rows,
        target="ours <= 2x raw, with full validation",
    )


def paged_transport(pages: int, size: int) -> httpx.MockTransport:
    """Answers ``?page=N`` with the N-th of ``pages`` distinct pages of ``size`` events."""
    total = pages * size
    bodies = [
        dumps(
            envelope(
                [event_record(p * size + i) for i in range(size)],
                {"page": p + 1, "per_page": size, "count": size, "total_count": total},
            )
        )
        for p in range(pages)
    ]
    empty = dumps(
        envelope([], {"page": pages + 1, "per_page": size, "count": 0, "total_count": total})
    )
    headers = [(b"content-type", b"application/json"), (b"cf-ray", b"8a1b2c3d4e5f-BENCH")]

    def handler(request: httpx.Request) -> httpx.Response:
        number = int(request.url.params.get("page", "1"))
        body = bodies[number - 1] if 1 <= number <= pages else empty
        return httpx.Response(200, headers=headers, content=body)

    return httpx.MockTransport(handler)


def run_all(*, pages: int = 10, size: int = 1000, rounds: int = 7, budget: float = 0.5) -> Table:
    transport = paged_transport(pages, size)
    per_call, ours = RawPerCall(transport), ours_client(transport)

    def by_hand() -> object:
        items: list[Any] = []
        number = 1
        while True:
            response = per_call.http.get(
                f"{BASE_URL}{LIST_PATH}",
                params={"datasetId": DATASET, "page": number, "pageSize": size},
                headers={"Authorization": "Bearer " + TOKEN},
            )
            response.raise_for_status()
            body = response.json()
            if not body["success"]:
                raise RuntimeError(body["errors"])
            result = body["result"]
            items.extend(result)
            total = (body.get("result_info") or {}).get("total_count")
            if not result or len(result) < size or (total is not None and len(items) >= total):
                return items
            number += 1

    def client() -> object:
        return list(ours.events.list_all(dataset_id=[DATASET], page_size=size))

    a, b = by_hand(), client()
    assert len(a) == len(b) == pages * size, (len(a), len(b))  # type: ignore[arg-type]
    rows = compare(
        [(f"{RAW_PER_CALL}: paging loop", by_hand), ("ours: list(events.list_all(...))", client)],
        rounds=rounds,
        budget=budget,
    )
    return Table(
        f"3b. list_all: {pages} pages of {size:,} events into models (per iteration)",
        rows,
        target="ours <= 1.2x the raw loop",
    )


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=1000, help="events per page")
    p.add_argument("--pages", type=int, default=10, help="pages for list_all")
    args = p.parse_args(argv)
    size = 10 if args.quick else args.size
    rounds = rounds_of(args)
    tables = [
        run(size=size, rounds=rounds, budget=budget_of(args, 0.3)),
        run_all(
            pages=3 if args.quick else args.pages,
            size=size,
            rounds=rounds,
            budget=budget_of(args, 0.5),
        ),
    ]
    emit(tables, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
