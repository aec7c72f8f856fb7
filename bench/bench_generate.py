"""6. Generation end to end, each run a fresh ``python -m generator generate`` process.

Our spec: cold (empty format cache, new output directory), unchanged (cache warm, output there),
after a one-operation change (a new query parameter on ``events.list``, cache warm with the
previous generation; every round changes it again), and cold with ``--formatter ruff``.
Synthetic specs (``bench/synthetic_spec.py``) of 100, 1,000 and 5,000 operations: cold with
black, warm (nothing to format), cold with ruff; with peak RSS (largest single process, format
workers included), the share of the run spent formatting, and the growth exponent ``b`` of
``seconds ~ operations ** b`` fitted by least squares on log-log over the sizes.
Targets: our spec < 3 s cold, < 1 s when little changed; exponent about 1.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import synthetic_spec
from bench._harness import ROOT, Row, Table, emit, fmt_time, parser

SPEC = ROOT / "spec" / "cloudforce-one-events.yaml"
CONFIG = ROOT / "spec" / "codegen.toml"


@dataclass
class GenRun:
    seconds: float
    rss_mb: float
    format_seconds: float
    formatted: int
    cached: int
    workers: int


@dataclass
class Scenario:
    name: str
    samples: list[GenRun] = field(default_factory=list)

    def row(self) -> Row:
        secs = [s.seconds for s in self.samples]
        rss = statistics.median(s.rss_mb for s in self.samples)
        share = statistics.median(s.format_seconds / s.seconds for s in self.samples)
        fmt = statistics.median(s.format_seconds for s in self.samples)
        last = self.samples[-1]
        note = f"peak RSS {rss:.0f} MB; formatting {fmt_time(fmt)} = {share:.0%} of the run ({last.formatted} formatted, {last.cached} cached"
        note += f", {last.workers} workers)" if last.workers else ")"
        return Row(self.name, secs, unit="process", note=note)


def run_generator(
    args: Sequence[str], *, cache: Path | None, env_extra: dict[str, str] | None = None
) -> GenRun:
    """One generator process; wall seconds from here, peak RSS from wait4."""
    env = dict(os.environ)
    env["CF1_CODEGEN_CACHE_DIR"] = str(cache) if cache is not None else "off"
    env.update(env_extra or {})
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bench._gen_driver", *args],
            stdout=out,
            stderr=err,
            env=env,
            cwd=ROOT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(errors="replace"), err.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(
            f"generator failed ({proc.returncode}): {' '.join(args)}\n{stderr}\n{stdout}"
        )
    stats = json.loads(
        [line for line in stdout.splitlines() if line.startswith("CF1-BENCH ")][-1][
            len("CF1-BENCH ") :
        ]
    )
    return GenRun(
        seconds,
        usage.ru_maxrss / 1024,
        stats["format_seconds"],
        stats["formatted"],
        stats["cached"],
        stats["workers"],
    )


def one_operation_change(text: str, n: int) -> str:
    """``text`` with one new optional query parameter on ``get_EventListGet``."""
    at = text.index("operationId: get_EventListGet")
    marker = "\n      parameters:\n"
    at = text.index(marker, at) + len(marker)
    param = (
        f"        - name: benchRound{n}\n"
        f"          in: query\n"
        f"          description: Added by bench/bench_generate.py (change {n}).\n"
        f"          schema:\n"
        f"            type: string\n"
    )
    return text[:at] + param + text[at:]


def _fresh(root: Path, name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=root))


def our_spec(rounds: int, root: Path) -> Table:
    spec_dir = root / "spec"
    spec_dir.mkdir()
    spec = spec_dir / SPEC.name
    original = SPEC.read_text(encoding="utf-8")
    spec.write_text(original, encoding="utf-8")
    common = ["generate", "--spec", str(spec), "--config", str(CONFIG)]
    warm_cache = root / "warm-cache"
    warm_out, change_out = root / "warm-out", root / "change-out"
    # prime the cache and the output the warm scenarios start from (timed as a cold run)
    first_cold = run_generator([*common, "--out", str(warm_out)], cache=warm_cache)
    shutil.copytree(warm_out, change_out)
    scenarios = [
        Scenario("cold: empty cache, new output"),
        Scenario("unchanged: warm cache"),
        Scenario("one operation changed: warm cache"),
        Scenario("cold, --formatter ruff"),
    ]
    scenarios[0].samples.append(first_cold)
    for r in range(rounds):
        if r:
            cold_cache, cold_out = _fresh(root, "cache"), root / f"cold-out-{r}"
            scenarios[0].samples.append(
                run_generator([*common, "--out", str(cold_out)], cache=cold_cache)
            )
            shutil.rmtree(cold_cache, ignore_errors=True)
            shutil.rmtree(cold_out, ignore_errors=True)
        spec.write_text(original, encoding="utf-8")
        scenarios[1].samples.append(
            run_generator([*common, "--out", str(warm_out)], cache=warm_cache)
        )
        spec.write_text(one_operation_change(original, r), encoding="utf-8")
        scenarios[2].samples.append(
            run_generator([*common, "--out", str(change_out)], cache=warm_cache)
        )
        spec.write_text(original, encoding="utf-8")
        ruff_cache, ruff_out = _fresh(root, "cache"), root / f"ruff-out-{r}"
        scenarios[3].samples.append(
            run_generator(
                [*common, "--out", str(ruff_out), "--formatter", "ruff"], cache=ruff_cache
            )
        )
        shutil.rmtree(ruff_cache, ignore_errors=True)
        shutil.rmtree(ruff_out, ignore_errors=True)
    table = Table(
        "6a. generation of our spec (fresh process each run)",
        [s.row() for s in scenarios],
        target="< 3 s cold, < 1 s when little changed",
    )
    return table


def fit_exponent(points: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of log(y) on log(x)."""
    xs = [math.log(x) for x, _ in points]
    ys = [math.log(y) for _, y in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else float("nan")


def ruff_available() -> bool:
    try:
        from generator.render.formatters import formatter_key

        formatter_key("ruff")
    except Exception:  # noqa: BLE001 - GenerationError: not installed
        return False
    return True


def synthetic(
    sizes: Sequence[int], rounds: int, root: Path, *, black_cold_max: int, quick: bool = False
) -> list[Table]:
    """Cold black (the first run also primes the cache), warm (cache from that run), cold ruff.

    ``quick`` (smoke test): ruff instead of black for the cold run that primes, no third mode.
    """
    ruff = ruff_available()
    main_fmt = "ruff" if quick and ruff else "black"
    modes = [f"cold, {main_fmt}", "warm cache"] + (["cold, ruff"] if ruff and not quick else [])
    results: dict[str, dict[int, Scenario]] = {m: {} for m in modes}
    for n in sizes:
        spec = synthetic_spec.write(n, root / f"synthetic-{n}.yaml")
        common = ["generate", "--spec", str(spec), "--no-config"]
        main_args = [*common, "--formatter", main_fmt]
        warm_cache, warm_out = root / f"warm-cache-{n}", root / f"warm-out-{n}"
        for m in modes:
            results[m][n] = Scenario(f"{n:,} operations, {m}")
        for r in range(rounds):
            if r == 0:  # the first cold run leaves the cache and output the warm runs reuse
                results[modes[0]][n].samples.append(
                    run_generator([*main_args, "--out", str(warm_out)], cache=warm_cache)
                )
            elif n <= black_cold_max:
                cache, out = _fresh(root, "cache"), root / f"out-{n}-{r}"
                results[modes[0]][n].samples.append(
                    run_generator([*main_args, "--out", str(out)], cache=cache)
                )
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
            results["warm cache"][n].samples.append(
                run_generator([*main_args, "--out", str(warm_out)], cache=warm_cache)
            )
            if len(modes) > 2:  # cold ruff next to cold black
                cache, out = _fresh(root, "cache"), root / f"ruff-{n}-{r}"
                results["cold, ruff"][n].samples.append(
                    run_generator([*common, "--out", str(out), "--formatter", "ruff"], cache=cache)
                )
                shutil.rmtree(cache, ignore_errors=True)
                shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(warm_out, ignore_errors=True)
        shutil.rmtree(warm_cache, ignore_errors=True)
    rows = [results[m][n].row() for n in sizes for m in modes]
    table = Table(
        "6b. generation of synthetic specs (fresh process each run)",
        rows,
        target="growth exponent about 1",
    )
    table.ratio_label = "vs first"
    if len(sizes) >= 2:
        for m in modes:
            points = [
                (float(n), statistics.median(s.seconds for s in results[m][n].samples))
                for n in sizes
            ]
            table.notes.append(
                f"- growth exponent, {m}: b = {fit_exponent(points):.2f} (seconds ~ operations^b over {', '.join(f'{n:,}' for n in sizes)})"
            )
    if not ruff:
        table.notes.append(
            "- ruff not installed (a dependency of the generator: reinstall it): no ruff runs"
        )
    if any(len(results[modes[0]][n].samples) < rounds for n in sizes):
        table.notes.append(
            f"- cold black runs above {black_cold_max:,} operations: 1 round (minutes per run)"
        )
    return [table]


def main(argv: list[str] | None = None) -> int:
    p = parser(__doc__.splitlines()[0])
    p.add_argument(
        "--sizes",
        default="100,1000,5000",
        help="operations of the synthetic specs, comma-separated",
    )
    p.add_argument(
        "--synthetic-rounds",
        type=int,
        default=3,
        help="rounds per synthetic size (default 3: the big sizes take minutes per round)",
    )
    p.add_argument(
        "--black-cold-max",
        type=int,
        default=100,
        help="above this many operations, one cold black run only (they take longest)",
    )
    p.add_argument("--skip-ours", action="store_true")
    args = p.parse_args(argv)
    rounds = 1 if args.quick else max(7, args.rounds)
    sizes = [5, 10] if args.quick else [int(s) for s in args.sizes.split(",") if s]
    tables: list[Table] = []
    with tempfile.TemporaryDirectory(prefix="cf1-bench-gen-") as tmp:
        root = Path(tmp)
        if args.quick:  # our spec's cold runs take seconds: only check the change still applies
            one_operation_change(SPEC.read_text(encoding="utf-8"), 0)
        elif not args.skip_ours:
            tables.append(our_spec(rounds, root))
        tables.extend(
            synthetic(
                sizes,
                1 if args.quick else args.synthetic_rounds,
                root,
                black_cold_max=args.black_cold_max,
                quick=args.quick,
            )
        )
    emit(tables, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
