"""The client as a whole: the document's info, the default base URL, authentication and the
resources' docstrings.

A changed package name breaks (every import of the client changes), so does a changed default
base URL (the client calls another server); info.version, the title and descriptions are ``docs``.
"""

from __future__ import annotations

from generator.release.changes import ChangeList
from generator.release.compare_security import compare_security_schemes
from generator.release.sides import Side


def compare_client(old_side: Side, new_side: Side, out: ChangeList) -> None:
    old, new = old_side.api, new_side.api
    if old.package != new.package:
        message = f"package renamed from {old.package!r} to {new.package!r}: every import changes"
        out.add("package-renamed", "client", "/", True, message, scope="client")
    if old.version != new.version:
        message = f"info.version {old.version!r} -> {new.version!r}"
        out.add("docs", "client", "/info/version", False, message, scope="client")
    out.docs("client", "/info/title", "API title", old.title, new.title, scope="client")
    out.docs(
        "client",
        "/info/description",
        "API description",
        old.description,
        new.description,
        scope="client",
    )
    if old.base_url != new.base_url:
        out.add(
            "base-url-changed",
            "client",
            "/servers/0/url",
            True,
            f"default base URL changed from {old.base_url!r} to {new.base_url!r}",
            scope="client",
        )
    compare_security_schemes(old_side, new_side, out)
    old_docs = {r.path: r.doc for r in old.all_resources()}
    for r in new.all_resources():
        if r.path in old_docs:
            where = ".".join(r.path)
            out.docs(where, "/tags", "resource docstring", old_docs[r.path], r.doc, scope="client")
