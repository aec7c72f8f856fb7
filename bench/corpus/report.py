"""The corpus table, each row's verdict against the targets, and the warning classes.

Targets (issue 15), checked on every row: the generator exits 0 with every operation of the
document, no module fails to import, every model builds, ``mypy --strict`` finds nothing, under
1% of classes are numbered or hash-suffixed, and there is no ``client.default``; for the
documents named by ``--contract``, its generated contract tests pass against Prism. Time and
memory are printed, never judged.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bench.corpus.run import Row, Timed

MAX_BAD_NAMES_PERCENT = 1.0
TARGETS = (
    "exit 0 with every operation",
    "0 modules failing import",
    "every model builds",
    "0 mypy --strict errors",
    f"< {MAX_BAD_NAMES_PERCENT:g}% numbered/hash class names",
    "no client.default",
    "contract tests pass against Prism (--contract documents)",
)


def failures(row: Row) -> list[str]:
    """What this row misses of :data:`TARGETS`; empty when it meets them all."""
    found = [
        f"{name}: generator exited {t.code}" for name, t in row.generated.items() if t.code != 0
    ]
    probe = row.probe
    if "error" in probe:
        return [*found, f"probe: {probe['error']}"]
    if "ops_out" not in probe:
        return found or ["not generated"]
    if probe["ops_out"] != probe["ops_in"] or probe["missing"]:
        found.append(
            f"operations: {probe['ops_out']} of {probe['ops_in']} generated; missing {', '.join(probe['missing'][:5])}"
        )
    found += [f"import {m}: {e}" for m, e in sorted(probe["import_failed"].items())]
    found += [f"model {m}: {e}" for m, e in sorted(probe["model_failed"].items())]
    if row.mypy_errors:
        found.append(f"mypy --strict: {row.mypy_errors} error(s)")
    if _bad_percent(probe) >= MAX_BAD_NAMES_PERCENT:
        bad = sorted({*probe["numbered"], *probe["hashed"]})
        found.append(f"numbered/hash names {_bad_percent(probe):.1f}%: {', '.join(bad[:6])}")
    if probe["default_resource"]:
        found.append("client.default exists")
    if row.contract is not None and not row.contract.ok:
        found.append(
            f"contract tests: {row.contract.failed} failed, {row.contract.passed} passed "
            f"({row.contract.modules} of {row.contract.of_modules} modules)"
        )
    return found


def _bad_percent(probe: dict[str, object]) -> float:
    classes = probe.get("classes") or 0
    bad = len({*probe.get("numbered", []), *probe.get("hashed", [])})  # type: ignore[misc]
    return 100.0 * bad / classes if classes else 0.0  # type: ignore[operator]


HEADER = (
    "| document | exit | ops in/out | warnings | import fail | model fail | mypy | numbered/hash | "
    "contract pass/fail | ruff s | ruff MB | black s | black MB | opc s | opc MB | ok |"
)


def table(rows: Iterable[Row]) -> str:
    lines = [HEADER, "|" + "---|" * HEADER.count(" | ") + "---|"]
    for row in rows:
        lines.append("| " + " | ".join(_cells(row)) + " |")
    return "\n".join(lines)


def _cells(row: Row) -> list[str]:
    p = row.probe
    first = next(iter(row.generated.values()), None)
    built = "ops_out" in p
    cells = [
        row.document,
        ",".join(str(t.code) for t in row.generated.values()),
        f"{p.get('ops_in', '-')}/{p['ops_out'] if built else '-'}",
        str(len(warnings(first))) if first else "-",
        str(len(p["import_failed"])) if built else "-",
        f"{len(p['model_failed'])}/{p['models']}" if built else "-",
        "-" if row.mypy_errors is None else str(row.mypy_errors),
        f"{len({*p['numbered'], *p['hashed']})} ({_bad_percent(p):.1f}%)" if built else "-",
        _contract_cell(row),
    ]
    for name in ("ruff", "black"):
        cells += _time_cells(row.generated.get(name))
    cells += (
        _time_cells(row.opc)
        if row.opc is None or row.opc.code == 0
        else [f"exit {row.opc.code}", f"{row.opc.peak_mb:.0f}"]
    )
    cells.append("yes" if not failures(row) else "**NO**")
    return cells


def _contract_cell(row: Row) -> str:
    c = row.contract
    if c is None:
        return "-"
    subset = "" if c.modules == c.of_modules else f" ({c.modules}/{c.of_modules} modules)"
    return f"{c.passed}/{c.failed}{subset} in {c.seconds:.0f} s"


def _time_cells(timed: Timed | None) -> list[str]:
    return ["-", "-"] if timed is None else [f"{timed.seconds:.1f}", f"{timed.peak_mb:.0f}"]


def totals(rows: list[Row]) -> str:
    """Whole-corpus sums of each contender's time and its largest peak, with ratios to opc."""
    parts = []
    opc_rows = [
        r
        for r in rows
        if r.opc is not None and r.opc.code == 0 and all(t.code == 0 for t in r.generated.values())
    ]
    opc_time = sum(r.opc.seconds for r in opc_rows if r.opc)
    opc_peak = max((r.opc.peak_mb for r in opc_rows if r.opc), default=0.0)
    for name in ("ruff", "black"):
        timed = [r.generated[name] for r in rows if name in r.generated]
        if not timed:
            continue
        text = f"{name}: {sum(t.seconds for t in timed):.1f} s, largest peak {max(t.peak_mb for t in timed):.0f} MB"
        if opc_rows:
            same = [r.generated[name] for r in opc_rows if name in r.generated]
            ratio = sum(t.seconds for t in same) / opc_time if opc_time else 0.0
            peak = max((t.peak_mb for t in same), default=0.0) / opc_peak if opc_peak else 0.0
            text += f" ({ratio:.2f}x openapi-python-client's time, {peak:.2f}x its largest peak, on the {len(opc_rows)} documents both generate)"
        parts.append(text)
    if opc_rows:
        opc_failed = sum(1 for r in rows if r.opc is not None and r.opc.code != 0)
        parts.append(
            f"openapi-python-client: {opc_time:.1f} s, largest peak {opc_peak:.0f} MB on the same documents; it fails on {opc_failed}"
        )
    return "\n".join(f"- {p}" for p in parts)


_WARNING = re.compile(r": warning: (.*)$")
_QUOTED = re.compile(r"'[^']*'|`[^`]*`|\"[^\"]*\"")
_NUMBER = re.compile(r"\b\d+\b")


def warnings(timed: Timed | None) -> list[str]:
    """The warning messages a generator run printed (without their locations)."""
    if timed is None:
        return []
    return [m.group(1) for line in timed.stderr.splitlines() if (m := _WARNING.search(line))]


def warning_class(message: str) -> str:
    """A message with its particulars (quoted names, numbers) blanked: ``discriminator '…' ...``."""
    return _NUMBER.sub("N", _QUOTED.sub("'…'", message))


def warning_classes(rows: Iterable[Row]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(warning_class(w) for w in warnings(next(iter(row.generated.values()), None)))
    return counts
