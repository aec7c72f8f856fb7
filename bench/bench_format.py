"""Formatting choices, measured in-process on the generator's real (unformatted) output.

For our spec and for a synthetic spec (``--synthetic`` operations): black in one process
without cache (a cold generation without workers), black over worker processes, the content-hash
cache when warm, the cache after a one-operation change (only changed files formatted), ruff's
formatter, and black fed its own output (a fixed point: what is left for the templates, which
lay code out in black's shape, to gain).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench._harness import ROOT, Row, Table, emit, parser

SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
CONFIG = ROOT / "spec" / "codegen.toml"


def rendered_sources(spec: Path, config: Path | None, out: Path) -> list[tuple[str, str]]:
    """(path, unformatted source) of every Python file the generator renders for ``spec``."""
    from generator.pipeline import Options, render_all

    captured: list[tuple[str, str]] = []

    def capture(source: str, path: str) -> str:
        captured.append((path, source))
        return source

    render_all(Options(spec=spec, config=config, out=out), formatter=capture)
    return captured


def _measure(
    label: str,
    sources: list[tuple[str, str]],
    changed: list[tuple[str, str]],
    rounds: int,
    root: Path,
    *,
    quick: bool,
) -> Table:
    from generator.render import formatters, formatting
    from generator.render.formatters import available_cpus, formatter_key
    from generator.render.formatting import FormatOptions, format_sources

    size = sum(len(s) for _, s in sources)
    cpus = available_cpus()
    warm = root / f"warm-{label}"
    format_sources(sources, FormatOptions(cache_dir=warm))  # fill the cache
    preformatted = format_sources(sources, FormatOptions(cache_dir=warm))
    already = [(p, s) for (p, _), s in zip(sources, preformatted)]
    ruff = True
    try:
        formatter_key("ruff")
    except Exception:  # noqa: BLE001 - not installed
        ruff = False

    def changed_run() -> None:  # a copy of the warm cache, so every round finds the change new
        scratch = Path(tempfile.mkdtemp(dir=root))
        shutil.copytree(warm, scratch / "c")
        try:
            format_sources(changed, FormatOptions(cache_dir=scratch / "c"))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    contenders: list[tuple[str, Callable[[], object], str]] = [
        (
            "black, 1 process, no cache",
            lambda: format_sources(sources, FormatOptions(cache_dir=None, jobs=1)),
            "",
        ),
        (
            f"black, {cpus} worker processes, no cache",
            lambda: format_sources(sources, FormatOptions(cache_dir=None, jobs=cpus)),
            "parallel above " + f"{formatters.PARALLEL_MIN_BYTES // 1000} KB",
        ),
        (
            "black, cache warm (nothing changed)",
            lambda: format_sources(sources, FormatOptions(cache_dir=warm)),
            "",
        ),
        ("black, cache warm, one operation changed", changed_run, ""),
        (
            "black, fed its own output, 1 process",
            lambda: format_sources(already, FormatOptions(cache_dir=None, jobs=1)),
            "what is left for the templates to gain",
        ),
    ]
    if ruff:
        contenders.append(
            (
                "ruff format, no cache",
                lambda: format_sources(sources, FormatOptions(formatter="ruff", cache_dir=None)),
                "black-compatible, not identical",
            )
        )
    samples: list[list[float]] = [[] for _ in contenders]
    notes: list[str] = [""] * len(contenders)
    import time

    for _ in range(rounds):
        for i, (_, fn, _) in enumerate(contenders):
            start = time.perf_counter()
            fn()
            samples[i].append(time.perf_counter() - start)
            stats = formatting.LAST_STATS
            notes[i] = f"{stats.formatted} of {stats.files} files formatted" + (
                f", {stats.workers} workers" if stats.workers else ""
            )
    rows = []
    for (name, _, extra), s, note in zip(contenders, samples, notes):
        row = Row(name, s, unit="run")
        row.note = "; ".join(x for x in (note, extra) if x)
        rows.append(row)
    table = Table(f"formatting {label}: {len(sources)} files, {size / 1000:.0f} KB", rows)
    base = rows[0].median
    table.notes.append(
        f"black alone: {size / 1000 / base:.0f} KB/s on one core; ruff's output differs from black's in {_ruff_diff(sources, already) if ruff else '?'} of {len(sources)} files"
    )
    if not ruff:
        table.notes.append(
            "ruff not installed (a dependency of the generator: reinstall it): no ruff row"
        )
    return table


def _ruff_diff(sources: list[tuple[str, str]], black_out: list[tuple[str, str]]) -> int:
    from generator.render.formatting import FormatOptions, format_sources

    ruffed = format_sources(sources, FormatOptions(formatter="ruff", cache_dir=None))
    return sum(1 for r, (_, b) in zip(ruffed, black_out) if r != b)


def run(*, rounds: int = 7, quick: bool = False, synthetic: int = 150) -> list[Table]:
    from bench import synthetic_spec
    from bench.bench_generate import one_operation_change
    from generator.render import formatters

    tables = []
    with tempfile.TemporaryDirectory(prefix="cf1-bench-fmt-") as tmp:
        root = Path(tmp)
        specs: list[tuple[str, Path, Path | None, Path]] = []
        if not quick:
            ours = root / "ours" / SPEC.name
            ours.parent.mkdir()
            changed = root / "ours-changed" / SPEC.name
            changed.parent.mkdir()
            text = SPEC.read_text(encoding="utf-8")
            ours.write_text(text, encoding="utf-8")
            changed.write_text(one_operation_change(text, 0), encoding="utf-8")
            specs.append(("of our spec", ours, CONFIG, changed))
        n = 5 if quick else synthetic
        syn = synthetic_spec.write(n, root / f"synthetic-{n}.yaml")
        doc = synthetic_spec.build(n)
        doc["paths"][next(iter(doc["paths"]))]["get"]["summary"] = "List them, changed"
        syn_changed = root / "changed" / syn.name
        syn_changed.parent.mkdir()
        syn_changed.write_text(synthetic_spec.dump(doc), encoding="utf-8")
        specs.append((f"of a synthetic spec of {n:,} operations", syn, None, syn_changed))
        saved = formatters.PARALLEL_MIN_BYTES
        try:
            for label, spec, config, changed_spec in specs:
                sources = rendered_sources(spec, config, root / "out")
                changed_sources = rendered_sources(changed_spec, config, root / "out")
                if quick:  # a few small files; force the parallel path so it is exercised
                    keep = {p for p, _ in sources if "/models/" in p}
                    sources = [ps for ps in sources if ps[0] in keep][:6]
                    changed_sources = [ps for ps in changed_sources if ps[0] in keep][:6]
                    formatters.PARALLEL_MIN_BYTES = 0
                tables.append(_measure(label, sources, changed_sources, rounds, root, quick=quick))
        finally:
            formatters.PARALLEL_MIN_BYTES = saved
    return tables


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("--synthetic", type=int, default=150, help="operations of the synthetic spec")
    args = p.parse_args(argv)
    emit(
        run(rounds=1 if args.quick else args.rounds, quick=args.quick, synthetic=args.synthetic),
        args.json,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
