"""The only way a string from the spec reaches generated code.

Two renderings, both registered as Jinja filters: :func:`py_literal` turns any JSON
value into a Python literal (strings via ``repr``, which always yields a valid,
inert literal), and :func:`docstring` makes text safe inside a triple-quoted
docstring. Neither lets spec text close a string, start code or a Jinja construct.
"""

from __future__ import annotations

import math
import re
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u2028\u2029]")


def py_string(value: str) -> str:
    """A string literal the way black writes it: ``repr``'s escaping, in double quotes unless
    the text holds a double quote (then ``repr``'s choice, which black keeps too)."""
    text = repr(value)
    if text[0] == "'" and '"' not in value:
        return '"' + text[1:-1] + '"'  # repr chose single quotes, so no ' needed escaping
    return text


def py_literal(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return f'float("{value}")'
        return repr(value)
    if isinstance(value, str):
        return py_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(py_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ", ".join(f"{py_literal(str(k))}: {py_literal(v)}" for k, v in value.items())
            + "}"
        )
    return repr(str(value))


def tuple_literal(value: tuple[Any, ...]) -> str:
    """A tuple display of literals, nested tuples included (``("a",)`` for one item)."""
    items = [tuple_literal(v) if isinstance(v, tuple) else py_literal(v) for v in value]
    if len(items) == 1:
        return f"({items[0]},)"
    return "(" + ", ".join(items) + ")"


def dict_item(pair: tuple[Any, Any]) -> str:
    """``key: value`` of a dict display, both as literals."""
    return f"{py_literal(pair[0])}: {py_literal(pair[1])}"


def docstring(text: str) -> str:
    """Text for use between triple double quotes: backslashes doubled, quotes broken up,
    control characters made visible, trailing whitespace and a trailing quote avoided."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\")
    text = _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100 else f"\\u{ord(m.group(0)):04x}"
        ),
        text,
    )
    text = text.replace('"""', '\\"\\"\\"')
    lines = [line.rstrip() for line in text.strip().split("\n")]
    text = "\n".join(lines)
    if text.endswith('"'):
        text += " "
    return text


def one_line(text: str, limit: int = 200) -> str:
    """A single line of plain text (for headers and summaries)."""
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 3].rstrip() + "..."
    return flat


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes, except that characters beyond the BMP stay literal
    (TOML has no surrogate-pair escapes) and DEL, which TOML forbids raw, is escaped."""
    import json

    return json.dumps(str(text), ensure_ascii=False).replace("\x7f", "\\u007f")


def docstring_at(text: str, indent: int, line_length: int = 100) -> str:
    """:func:`docstring`, laid out for a docstring whose quotes open at column ``indent`` the
    way black lays it out: the lines after the first lose their common indentation and get
    ``indent`` instead, and the closing quotes go on a line of their own when they would not
    fit after the last line (black's own rules, so that it has nothing to change)."""
    lines = docstring(text).split("\n")
    common = min((len(line) - len(line.lstrip()) for line in lines[1:] if line.strip()), default=0)
    pad = " " * indent
    # lines[0] as docstring() left it: stripped already, and a trailing space it added after a
    # quote must stay (`""""` would end the string early)
    body = "\n".join(
        [lines[0]] + [pad + line[common:] if line.strip() else "" for line in lines[1:]]
    )
    if len(lines) > 1 and len(body.rsplit("\n", 1)[-1]) + 3 > line_length:
        body += "\n" + pad
    return body
