"""oneOf / anyOf -> unions, and when a union is tagged (discriminators).

Members are typed in order (a ``null`` member makes the union nullable instead); inline
members are named by what tells them apart, never by position. A union is tagged when a
``discriminator`` (its mapping, the members' single-valued enum/const, or their component
names) tells the object members apart, or, without one, when a required single-valued
property does; a tagged union is always a named alias.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from generator.build.keywords import declared_types, description, same_value
from generator.build.naming import class_name
from generator.build.registry import ModelDraft, SchemaRegistry
from generator.ir import TypeRef
from generator.load.pointers import join_pointer, split_pointer

Tags = tuple[tuple[Any, str], ...]  # (discriminator value, member model name)


def union_type(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    variant: str,
    pointer: str,
    hint: str,
    owner: str,
    nullable: bool,
    common: dict[str, Any],
) -> TypeRef:
    """The type of ``schema[variant]`` (``oneOf`` or ``anyOf``)."""
    members: list[TypeRef] = []
    raws: list[Any] = []
    nulls = [_is_null(member) for member in schema[variant]]
    for index, member in enumerate(schema[variant]):
        if nulls[index]:
            nullable = True
            continue
        member_pointer = join_pointer(pointer, variant, index)
        # the one member beside null is the type itself: it takes the union's name
        member_hint = hint if nulls.count(False) == 1 else _variant_hint(hint, member, index)
        members.append(registry.type_of(member, member_pointer, member_hint, owner))
        raws.append(member)
    if not members:
        return TypeRef("any", **common)
    if len(members) == 1:
        return replace(members[0], nullable=nullable or members[0].nullable)
    tagged = _tagging(registry, schema, pointer, raws, members)
    if tagged is None:
        return TypeRef("union", args=tuple(members), nullable=nullable, **common)
    # a member that may omit the discriminator: data without it tries every member
    optional = any(not _requires(registry, m, tagged[0]) for m in members)
    union = TypeRef(
        "union",
        args=tuple(members),
        discriminator=tagged[0],
        tags=tagged[1],
        tag_optional=optional,
        **common,
    )
    if pointer in registry.by_pointer:  # the union is a named alias already (a component)
        return replace(union, nullable=nullable)
    # a tagged union is always a named alias, so resources never spell out its annotation
    name = registry.inline_name(hint, owner, pointer)
    draft = ModelDraft(
        name, "alias", pointer, owner, description(schema), alias_type=union, done=True
    )
    return replace(registry.add(draft), nullable=nullable)


def _tagging(
    registry: SchemaRegistry,
    schema: dict[str, Any],
    pointer: str,
    raws: list[Any],
    members: list[TypeRef],
) -> tuple[str, Tags] | None:
    """The property that tags the union and its values, when there is one."""
    disc = schema.get("discriminator")
    if not isinstance(disc, dict) or not isinstance(disc.get("propertyName"), str):
        return _implicit_tags(registry, members)
    prop = disc["propertyName"]
    tags = _explicit_tags(registry, raws, members, prop, disc.get("mapping"))
    if tags is None:
        registry.warn(
            join_pointer(pointer, "discriminator"),
            f"discriminator {prop!r} does not tell the members apart (a member is not an object, or two "
            "share a value); parsed as a plain union (the best-matching member wins)",
        )
        return None
    return prop, tags


def _explicit_tags(
    registry: SchemaRegistry, raws: list[Any], members: list[TypeRef], prop: str, mapping: Any
) -> Tags | None:
    """Discriminator values of each member: the mapping's, else the member's single-valued
    enum/const, else (a $ref to a component) the component's name."""
    targets = _mapping_targets(mapping)
    tags: list[tuple[Any, str]] = []
    for raw, member in zip(raws, members, strict=True):
        draft = _model_of(registry, member)
        if draft is None:
            return None
        values = _member_values(raw, draft, prop, targets)
        if not values:
            return None
        for value in values:
            if any(same_value(value, v) for v, _ in tags) or not isinstance(value, (str, int)):
                return None
            tags.append((value, draft.name))
    if len({name for _, name in tags}) != len(members):
        return None  # the same model twice
    return tuple(tags)


def _mapping_targets(mapping: Any) -> dict[str, list[str]]:
    """A discriminator mapping as schema pointer -> the values that select it."""
    targets: dict[str, list[str]] = {}
    for value, target in (mapping if isinstance(mapping, dict) else {}).items():
        target = str(target)
        pointer = (
            target[1:] if target.startswith("#") else join_pointer("/components/schemas", target)
        )
        targets.setdefault(pointer, []).append(str(value))
    return targets


def _member_values(
    raw: Any, draft: ModelDraft, prop: str, targets: dict[str, list[str]]
) -> tuple[Any, ...]:
    ref = raw.get("$ref") if isinstance(raw, dict) else None
    values: tuple[Any, ...] = tuple(targets.get(ref[1:], ())) if isinstance(ref, str) else ()
    if not values:
        values = tuple(targets.get(draft.pointer, ()))
    if not values:  # the member's own single value, even where not required (Spotify's type)
        values = _literal_values(draft, prop, required=False)
    if (
        not values
        and isinstance(ref, str)
        and ref.startswith("#/components/schemas/")
        and ref.count("/") == 3
    ):
        values = (split_pointer(ref[1:])[-1],)
    return values


def _implicit_tags(registry: SchemaRegistry, members: list[TypeRef]) -> tuple[str, Tags] | None:
    """A property that is a required single-valued literal (``const``/one-value ``enum``)
    with a distinct value in every member tags the union even without a discriminator."""
    drafts: list[ModelDraft] = []
    for member in members:
        draft = _model_of(registry, member)
        if draft is None:
            return None
        drafts.append(draft)
    for f in drafts[0].fields:
        tags: list[tuple[Any, str]] = []
        for draft in drafts:
            values = _literal_values(draft, f.wire_name)
            if not values or any(same_value(v, t) for v in values for t, _ in tags):
                break
            tags.extend((v, draft.name) for v in values)
        else:
            if len({name for _, name in tags}) == len(members):
                return f.wire_name, tuple(tags)
    return None


def _model_of(registry: SchemaRegistry, t: TypeRef) -> ModelDraft | None:
    """The object model a member type stands for (through aliases), when there is one."""
    seen: set[str] = set()
    while t.kind == "alias" and t.name and t.name not in seen and not t.nullable:
        seen.add(t.name)
        target = registry.alias_target(t)
        if target is None:
            return None
        t = target
    if t.kind != "model" or t.nullable:
        return None
    return registry.drafts.get(t.name or "")


def _literal_values(draft: ModelDraft, prop: str, *, required: bool = True) -> tuple[Any, ...]:
    for f in draft.fields:
        if (
            f.wire_name == prop
            and (f.required or not required)
            and f.type.kind == "literal"
            and not f.type.nullable
        ):
            return f.type.values
    return ()


def _requires(registry: SchemaRegistry, member: TypeRef, prop: str) -> bool:
    draft = _model_of(registry, member)
    return draft is not None and any(f.wire_name == prop and f.required for f in draft.fields)


def _is_null(member: Any) -> bool:
    """A ``{type: null}`` member: it makes the union nullable, it is no member of its own."""
    return (
        isinstance(member, dict)
        and declared_types(member) == {"null"}
        and "$ref" not in member
        and "enum" not in member
    )


def _variant_hint(hint: str, member: Any, index: int) -> str:
    """Name an inline union member by what tells it apart, never by its position."""
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title.strip():
            return class_name(hint + " " + title)
        for prop, value in (member.get("properties") or {}).items():
            if (
                isinstance(value, dict)
                and "const" in value
                and isinstance(value["const"], (str, int))
            ):
                return class_name(f"{hint} {prop} {value['const']}")
            enum = value.get("enum") if isinstance(value, dict) else None
            if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], (str, int)):
                return class_name(f"{hint} {prop} {enum[0]}")
        required = member.get("required")
        if isinstance(required, list) and required:
            return class_name(hint + " with " + " ".join(str(r) for r in required[:2]))
        types = sorted(declared_types(member))
        if types:
            return class_name(hint + " " + " ".join(types))
    return class_name(f"{hint} variant {index + 1}")
