"""``python -m generator init --spec FILE [--out codegen.toml] [--force]``.

Writes a starting config for the document (:mod:`generator.scaffold.starter`). An existing file
is never replaced without ``--force``, and never when it is the document itself or one of the
files its ``$ref``s read. The text is checked before it is written: it parses, and the config it
holds loads and names only what the document has (:mod:`generator.build.config_names`). The file
appears whole or not at all (written beside it, then renamed).
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

from generator.build.api import build_api
from generator.build.config_names import check_config
from generator.diagnostics import Diagnostics, GenerationError, Location
from generator.load.config import Config, load_config
from generator.load.loader import LoadedSpec, load_spec
from generator.scaffold.starter import starter_config

DEFAULT_OUT = Path("codegen.toml")


def add_arguments(init: argparse.ArgumentParser) -> None:
    add = init.add_argument
    add("--spec", type=Path, required=True, help="the OpenAPI document to write a config for")
    add("--out", type=Path, default=DEFAULT_OUT, help=f"where to write it (default: {DEFAULT_OUT})")
    add("--force", action="store_true", help="replace --out when it exists")
    add("--allow-external-refs", action="store_true", help="allow $refs outside the spec's folder")
    add("--debug", action="store_true", help="show the traceback of an internal error")


def run(args: argparse.Namespace) -> int:
    spec_path: Path = args.spec
    out: Path = args.out
    spec = load_spec(spec_path, allow_outside=args.allow_external_refs, display=str(spec_path))
    inputs = {path.resolve() for path in spec.sources.paths()} | {spec_path.resolve()}
    if out.resolve() in inputs:
        raise GenerationError.at(
            Location(str(out)), "is the document (or a file it reads): choose another --out"
        )
    if out.is_dir():
        raise GenerationError.at(Location(str(out)), "is a directory: --out names the file")
    if out.exists() and not args.force:
        raise GenerationError.at(
            Location(str(out)), "already exists: nothing written (--force replaces it)"
        )
    diagnostics = Diagnostics()
    api = build_api(spec, Config(), diagnostics)
    text = starter_config(api, spec_path.name)
    _check(text, out, spec)
    _write(out, text)
    paged = text.count("\n[pagination.")
    print(
        f"wrote {out} for {spec_path.name}: package {api.package!r}, {len(api.schemes)} "
        f"credential argument(s), {len(api.operations())} operations, {paged} paged listing(s)"
    )
    return 0


def _check(text: str, out: Path, spec: LoadedSpec) -> None:
    """The written config loads and names only what the document has."""
    with tempfile.TemporaryDirectory() as folder:
        draft = Path(folder) / out.name
        draft.write_text(text, "utf-8")
        config = load_config(draft, display=str(out))
    api = build_api(spec, config, Diagnostics())
    check_config(config, spec.document, api)


def _write(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
