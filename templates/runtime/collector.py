"""Keeping CPython's cyclic garbage collector out of the bulk data paths.

Validating a request body of 1,000 events allocates about four containers (dicts, lists) per
event, parsing 1,000 response models as many, and pydantic-core builds them all inside one call
each. CPython starts a collection every few hundred allocations (and now and then a full one,
which scans every object of the process), and inside such a call each of them is wasted work:
everything allocated there is reachable from the value under construction, so there is no garbage
to find, only objects to scan and promote.
Measured on ``bulk_create`` with 1,000 events, those collections cost about as much as the
validation itself.

``with gc_paused():`` disables the collector around such a call (a single pydantic-core call;
the only other code that may run inside is what the value being validated brings along, such as
the methods of a user's own mapping or iterable, or a discriminator function) and enables it
again afterwards if it was enabled when the block began.
The allocations still count: the next collection happens when it would have, just not in the
middle of building the value. A nested block leaves the collector to the outer one; a block in
another thread may find it disabled by this one and then leaves it alone, so the collector can
come back on before every block has ended (a missed saving), but it is never left off (like any
code that pauses the collector, a block ending turns it back on even if other code disabled it in
the meantime).
"""

from __future__ import annotations

import gc
from types import TracebackType

__all__ = ["gc_paused"]


class gc_paused:  # noqa: N801 -- used like a function: ``with gc_paused(): ...``
    """Runs the ``with`` block with the cyclic garbage collector disabled (see the module doc)."""

    __slots__ = ("_enable_after",)

    def __enter__(self) -> None:
        self._enable_after = gc.isenabled()
        gc.disable()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._enable_after:
            gc.enable()
