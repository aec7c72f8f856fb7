"""openapi-pydantic's check of a document, run in a forked process beside the build.

Importing openapi-pydantic (it builds its two model sets at import) and validating a document
costs 0.2-0.4 s, a fifth of generating a small document, and nothing in the build needs its
result but the verdict. So a generation forks once the document is bundled: the child checks it
and sends back the problems found, as (pointer, message) pairs, while the parent builds the IR
and renders on the other core; the verdict is read before anything is returned, written or
compared (:func:`validated_alongside`). When the document is invalid its problems are the
error, even when the build failed on it first (a build of an invalid document may fail in any
way); they read exactly as an inline check's (:mod:`~generator.load.validation` makes both).

No fork where there is none (Windows), where threads run (a forked child of a threaded process
may deadlock), or when it fails: then the check runs inline, as it does whenever the child does
not answer (killed, out of memory). Ctrl-C stops the child with the parent.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

from generator.diagnostics import GenerationError
from generator.load.pointers import JSON
from generator.load.sources import SourceMap
from generator.load.validation import Problems, openapi_problems, raise_problems


class PendingValidation:
    """The verdict on one document: asked for once, with :meth:`wait`."""

    def __init__(self, document: dict[str, JSON], version: str, sources: SourceMap) -> None:
        self.document, self.version, self.sources = document, version, sources
        self.pid: int | None = None
        self.answer: int | None = None  # the read end of the child's pipe
        self.problems: Problems | None = None

    def start(self) -> PendingValidation:
        """Fork the child that checks the document (or check it now, where forking is not
        possible)."""
        if not hasattr(os, "fork") or threading.active_count() > 1:
            self.problems = openapi_problems(self.document, self.version)
            return self
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            self.problems = openapi_problems(self.document, self.version)
            return self
        if pid == 0:  # the child: check, answer, leave without running the parent's exit code
            _child(self.document, self.version, read, write)
        os.close(write)
        self.pid, self.answer = pid, read
        return self

    def wait(self) -> None:
        """Raise the document's problems as located errors (none: return)."""
        if self.problems is None:
            self.problems = self._answer()
        raise_problems(self.problems, self.version, self.sources)

    def cancel(self) -> None:
        """Stop the child, if it still runs, reap it and close its pipe."""
        if self.answer is not None:
            os.close(self.answer)
            self.answer = None
        if self.pid is not None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._reap()

    def _answer(self) -> Problems:
        assert self.answer is not None
        pipe, self.answer = os.fdopen(self.answer, "rb"), None  # closed by the with, whatever
        try:
            with pipe:
                text = pipe.read()
        except BaseException:  # Ctrl-C while waiting: no child left behind
            self.cancel()
            raise
        code = self._reap()
        if code == 0:
            try:
                return [(str(p), str(m)) for p, m in json.loads(text)]
            except (ValueError, TypeError):
                pass
        return openapi_problems(self.document, self.version)  # no answer: check it here

    def _reap(self) -> int:
        assert self.pid is not None
        pid, self.pid = self.pid, None
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)


def _child(document: dict[str, JSON], version: str, read: int, write: int) -> NoReturn:
    code = 1
    try:
        os.close(read)
        signal.signal(signal.SIGINT, signal.SIG_DFL)  # Ctrl-C ends it without a traceback
        text = json.dumps(openapi_problems(document, version)).encode()
        with os.fdopen(write, "wb") as pipe:
            pipe.write(text)
        code = 0
    finally:
        os._exit(code)


@contextmanager
def validated_alongside(
    document: dict[str, JSON], version: str, sources: SourceMap
) -> Iterator[None]:
    """Check the document while the body runs; the body's result stands only when it is valid.

    An exception of the body gives way to the document's problems; Ctrl-C stops the check."""
    pending = PendingValidation(document, version, sources).start()
    try:
        yield
    except Exception:
        try:
            pending.wait()
        except GenerationError as invalid:  # its problems explain what failed after them
            raise invalid from None
        raise
    except BaseException:
        pending.cancel()
        raise
    pending.wait()
