"""Schema objects -> IR types and models (type mapping and model naming live here).

:class:`SchemaBuilder` turns each schema it is asked about into a :class:`TypeRef`,
creating a :class:`ModelDraft` for every component schema and every inline object
schema on the way. Inline objects are named from their context (property ``owner``
of ``Repository`` -> ``RepositoryOwner``). Drafts become final :class:`~generator.ir.Model`
objects in :mod:`generator.build.models`, once usage (request/response) is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics
from generator.escape import one_line
from generator.ir import Constraints, TypeRef
from generator.load.loader import LoadedSpec
from generator.load.pointers import join_pointer, resolve_pointer, split_pointer
from generator.build.naming import NameRegistry, class_name, field_name, item_name, safe_field_identifier

# Names the generated modules import; no model may take them.
RESERVED_CLASS_NAMES = {
    "Endpoint", "NotGiven", "NOT_GIVEN", "RequestOptions", "Any", "Mapping", "Sequence", "Literal",
    "Unpack", "SyncResource", "AsyncResource", "PageIterator", "AsyncPageIterator", "PaginationSpec",
    "RawResponse", "BaseModel", "Field", "ConfigDict", "Annotated", "Union", "Optional", "Client",
    "AsyncClient", "TYPE_CHECKING", "annotations", "BulkIngest", "AsyncBulkIngest",
    "APIModel", "RequestModel", "FileInput", "Iterable", "AsyncIterable", "Callable", "BulkError",
    "BulkProgress", "BulkReport", "Self", "ClassVar",
}  # fmt: skip

_FORMATS = {
    "date-time": "datetime",
    "date": "date",
    "binary": "bytes",
}


@dataclass
class FieldDraft:
    wire_name: str
    py_name: str
    type: TypeRef
    required: bool
    doc: str
    default: Any = None
    has_default: bool = False
    deprecated: bool = False
    read_only: bool = False
    write_only: bool = False


@dataclass
class ModelDraft:
    name: str
    kind: str  # "object" | "alias"
    pointer: str
    owner: str  # component or operation the model belongs to (module grouping)
    doc: str = ""
    fields: list[FieldDraft] = field(default_factory=list)
    alias_type: TypeRef | None = None
    additional: TypeRef | bool | None = None  # typed / allowed / forbidden extra keys
    done: bool = False


class SchemaBuilder:
    def __init__(self, spec: LoadedSpec, diagnostics: Diagnostics, taken: set[str] | None = None) -> None:
        self.spec = spec
        self.doc = spec.document
        self.diagnostics = diagnostics
        self.names = NameRegistry(RESERVED_CLASS_NAMES | set(taken or ()))
        self.drafts: dict[str, ModelDraft] = {}
        self.by_pointer: dict[str, str] = {}  # schema pointer -> model name
        self.numbered = 0
        self.is_31 = spec.openapi_version == "3.1"
        self._warned: set[tuple[str, str]] = set()

    # ------------------------------------------------------------------ components
    def register_components(self) -> None:
        """Name every component schema first, so they get the plain names."""
        schemas = self.doc.get("components", {}).get("schemas", {}) or {}
        for key in schemas:
            pointer = join_pointer("/components/schemas", key)
            self._claim(class_name(key), pointer, alternatives=(class_name(key) + "Schema",))
        for key in schemas:
            pointer = join_pointer("/components/schemas", key)
            self.type_for_ref(pointer)

    def _claim(self, preferred: str, pointer: str, alternatives: tuple[str, ...] = ()) -> str:
        name, numbered = self.names.claim(preferred, *alternatives, case_insensitive=True)
        if numbered:
            self.numbered += 1
            self.warn(pointer,
                f"no contextual name was free for {preferred!r}; numbered as {name!r} "
                f"(numbered model name #{self.numbered})",
            )
        self.by_pointer[pointer] = name
        return name

    def _inline_name(self, hint: str, owner: str, pointer: str) -> str:
        """Name an inline schema from its context; collisions get a longer contextual name."""
        return self._claim(hint, pointer, alternatives=_unique((_owner_hint(owner, hint), hint + "Inline", _owner_hint(owner, hint) + "Inline")))

    def loose(self, pointer: str, message: str, t: TypeRef) -> TypeRef:
        """``t``, a looser type than the schema's: warned about, and noted in the docstrings."""
        self.warn(pointer, message)
        return _with(t, note=message)

    def warn(self, pointer: str, message: str) -> None:
        """One warning per place and message (a schema merged into several allOfs is typed
        more than once)."""
        if (pointer, message) in self._warned:
            return
        self._warned.add((pointer, message))
        self.diagnostics.warn(self.spec.locate(pointer), message)

    # ------------------------------------------------------------------ references
    def deref(self, node: Any, pointer: str) -> tuple[Any, str]:
        """Follow ``$ref`` chains; returns the target and its pointer."""
        seen = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            target = node["$ref"][1:]
            if target in seen:
                break
            seen.add(target)
            node, pointer = resolve_pointer(self.doc, target), target
        return node, pointer

    def type_for_ref(self, pointer: str) -> TypeRef:
        schema = resolve_pointer(self.doc, pointer)
        name = self.by_pointer.get(pointer)
        if name is None:
            tokens = split_pointer(pointer)
            name = self._claim(class_name(tokens[-1] if tokens else "Model"), pointer)
        draft = self.drafts.get(name)
        if draft is not None:
            return self._ref_to(draft)
        return self._named(schema, pointer, name, owner=name)

    def _ref_to(self, draft: ModelDraft) -> TypeRef:
        if draft.kind == "object":
            return TypeRef("model", name=draft.name, pointer=draft.pointer)
        return TypeRef("alias", name=draft.name, pointer=draft.pointer)

    # ------------------------------------------------------------------ named models
    def _named(self, schema: Any, pointer: str, name: str, owner: str) -> TypeRef:
        """Create the model for a component (or pointer-referenced) schema."""
        schema = schema if isinstance(schema, dict) else {}
        if "$ref" in schema:
            target = self.type_of(schema, pointer, name, owner)
            draft = ModelDraft(name, "alias", pointer, owner, _doc(schema), alias_type=target, done=True)
            self.drafts[name] = draft
            return self._ref_to(draft)
        if self._is_object(schema):
            draft = ModelDraft(name, "object", pointer, owner, _doc(schema))
            self.drafts[name] = draft
            self._fill_object(draft, schema, pointer)
            return self._ref_to(draft)
        draft = ModelDraft(name, "alias", pointer, owner, _doc(schema) or _allof_doc(schema, self.deref))
        self.drafts[name] = draft  # registered before recursing: recursive aliases resolve
        draft.alias_type = self.type_of(schema, pointer, name, owner, inline_object_ok=False)
        if draft.alias_type.kind == "none":  # `X = None` is no type alias (mypy) and `X | None` fails
            draft.alias_type = TypeRef("literal", values=(None,), pointer=pointer)
        if draft.alias_type.kind == "union":  # `A: {oneOf: [$ref: A, ...]}` adds nothing to A: drop it
            args = tuple(a for a in draft.alias_type.args if not self._only_itself(name, a))
            if args and len(args) < len(draft.alias_type.args):
                kept = _with(draft.alias_type, args=args, tags=()) if len(args) > 1 else _with(args[0], nullable=args[0].nullable or draft.alias_type.nullable)
                draft.alias_type = kept
        if self._only_itself(name, draft.alias_type):
            draft.alias_type = self.loose(pointer, "schema is only a reference to itself; typed as Any", TypeRef("any", pointer=pointer))
        draft.done = True
        return self._ref_to(draft)

    def _is_object(self, schema: dict[str, Any], depth: int = 0) -> bool:
        """Object schemas with properties (or an allOf of objects) become models; bare maps
        become dicts. ``allOf: [$ref]`` alone (the nullable-reference idiom) is the reference."""
        if "properties" in schema:
            return True
        members = schema.get("allOf")
        if not isinstance(members, list) or not members or depth > 20:
            return False
        if _allof_passthrough(schema):
            return False
        for member in members:
            resolved, _ = self.deref(member, "")
            if isinstance(resolved, dict) and (
                "properties" in resolved or _types(resolved) == {"object"} or "additionalProperties" in resolved
                or self._is_object(resolved, depth + 1)
            ):
                return True
        return False

    def _allof_flat(self, schema: dict[str, Any], pointer: str) -> tuple[dict[str, Any], str]:
        """An allOf of non-object schemas (or of a single reference) as one schema."""
        members = schema["allOf"]
        rest = {k: v for k, v in schema.items() if k != "allOf"}
        if len(members) == 1 and _allof_passthrough(schema):
            member = members[0]
            if isinstance(member, dict) and "$ref" in member:
                reference = dict(member)
                if schema.get("nullable") or "null" in _types(schema):
                    reference["nullable"] = True
                return reference, join_pointer(pointer, "allOf", 0)
        merged: dict[str, Any] = {}

        def absorb(node: dict[str, Any], seen: frozenset[int]) -> None:
            for member in node.get("allOf") or []:
                resolved, _ = self.deref(member, "")
                if isinstance(resolved, dict) and id(resolved) not in seen:  # a member may refer back
                    absorb(resolved, seen | {id(resolved)})
                    merged.update({k: v for k, v in resolved.items() if k not in ("description", "title", "allOf")})

        absorb(schema, frozenset({id(schema)}))
        merged.update(rest)
        return merged, pointer

    # ------------------------------------------------------------------ objects
    def _fill_object(self, draft: ModelDraft, schema: dict[str, Any], pointer: str) -> None:
        properties, required, additional, docs = self._merged(schema, pointer)
        for variant in ("oneOf", "anyOf"):
            if variant in schema:
                self.warn(join_pointer(pointer, variant), f"{variant} beside properties/allOf is typed by the object's own properties only")
        if isinstance(schema.get("discriminator"), dict) and not any(k in schema for k in ("oneOf", "anyOf")):
            self.warn(
                join_pointer(pointer, "discriminator"),
                "discriminator on an object without oneOf/anyOf (allOf polymorphism): its subtypes parse as "
                "this model, their own fields kept as extra fields",
            )
        if "patternProperties" in schema and additional is None:
            self.warn(join_pointer(pointer, "patternProperties"), "patternProperties are not typed: extra keys are kept as Any")
        py_names = self._field_names(properties)
        for wire, (prop_schema, prop_pointer) in properties.items():
            # a property merged in from another schema (allOf) is named after that schema
            parent = self.by_pointer.get(prop_pointer.rsplit("/properties/", 1)[0], draft.name)
            owner = self.drafts[parent].owner if parent in self.drafts else draft.owner
            hint = class_name(parent + " " + wire)
            if isinstance(prop_schema, dict) and _types(prop_schema) == {"array"} and "items" in prop_schema:
                hint = item_name(parent, wire)
            prop_type = self.type_of(prop_schema, prop_pointer, hint, owner, array_context=(parent, wire))
            py = py_names[wire]
            resolved, _ = self.deref(prop_schema, prop_pointer)
            resolved = resolved if isinstance(resolved, dict) else {}
            merged_doc = _doc(prop_schema) or _doc(resolved)
            default_holder = prop_schema if isinstance(prop_schema, dict) and "default" in prop_schema else resolved
            has_default = "default" in default_holder
            default = default_holder.get("default")
            if has_default and isinstance(default, (str, int, float, bool)) and not self._fits(default, prop_type):
                self.warn(prop_pointer, f"default {default!r} does not match the property's type; the field defaults to None")
                has_default, default = False, None
            draft.fields.append(
                FieldDraft(
                    wire_name=wire,
                    py_name=py,
                    type=prop_type,
                    required=wire in required,
                    doc=merged_doc,
                    default=default,
                    has_default=has_default,
                    deprecated=bool(resolved.get("deprecated") or (isinstance(prop_schema, dict) and prop_schema.get("deprecated"))),
                    read_only=bool(resolved.get("readOnly")),
                    write_only=bool(resolved.get("writeOnly")),
                )
            )
        if not draft.doc:
            draft.doc = docs
        if additional is False:
            draft.additional = False
        elif isinstance(additional, tuple):
            add_schema, add_pointer = additional
            draft.additional = self.type_of(add_schema, add_pointer, draft.name + "Value", draft.owner)
        else:
            draft.additional = additional  # True when explicitly allowed, None when unsaid
        if additional is None and isinstance(schema.get("discriminator"), dict):
            draft.additional = True  # a polymorphic base: its subtypes' fields must get through
        draft.done = True

    def _fits(self, value: Any, t: TypeRef, depth: int = 0) -> bool:
        """``value`` (a scalar default) is a value of ``t`` as Python and mypy see it."""
        kind = t.kind
        if kind == "any":
            return True
        if kind == "str":
            return isinstance(value, str)
        if kind == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if kind == "float":
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if kind == "bool":
            return isinstance(value, bool)
        if kind == "literal":
            return any(value == v and type(value) is type(v) for v in t.values)
        if kind == "union":
            return any(self._fits(value, a, depth + 1) for a in t.args)
        if kind == "alias" and depth < 20:
            draft = self.drafts.get(t.name or "")
            return draft is not None and draft.alias_type is not None and self._fits(value, draft.alias_type, depth + 1)
        return False

    def _field_names(self, properties: dict[str, tuple[Any, str]]) -> dict[str, str]:
        """Attribute names of an object's properties. A wire name that already is the snake_case
        attribute keeps it; one that differs only in case (or separators) takes its own spelling
        when that is a safe identifier (``Name``), then a trailing underscore; numbering last."""
        registry = NameRegistry()
        out: dict[str, str] = {}
        for wire in properties:
            if field_name(wire) == wire and registry.claim(wire)[0] == wire:
                out[wire] = wire
        for wire, (_, prop_pointer) in properties.items():
            if wire in out:
                continue
            base = field_name(wire)
            alternatives = [wire] if safe_field_identifier(wire) else []
            py, numbered = registry.claim(base, *alternatives, base + "_")
            if numbered:
                self.warn(prop_pointer, f"field name {wire!r} numbered as {py!r}")
            out[wire] = py
        return out

    def _merged(self, schema: dict[str, Any], pointer: str) -> tuple[dict[str, tuple[Any, str]], set[str], Any, str]:
        """Properties, required names and additionalProperties of an object, allOf merged."""
        properties: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        additional: Any = None
        doc = ""
        for index, member in enumerate(schema.get("allOf", []) or []):
            member_pointer = join_pointer(pointer, "allOf", index)
            resolved, resolved_pointer = self.deref(member, member_pointer)
            if not isinstance(resolved, dict):
                continue
            p, r, a, d = self._merged(resolved, resolved_pointer)
            for key, value in p.items():
                properties.setdefault(key, value)
            required |= r
            if a is not None:
                additional = a
            doc = doc or d
            for variant in ("oneOf", "anyOf"):
                if variant in resolved:
                    self.warn(member_pointer,
                        f"{variant} inside allOf is typed by its common properties only",
                    )
        for key, value in (schema.get("properties") or {}).items():
            properties[key] = (value, join_pointer(pointer, "properties", key))
        required |= set(schema.get("required") or [])
        if "additionalProperties" in schema:
            value = schema["additionalProperties"]
            if value is False:
                additional = False
            elif isinstance(value, dict) and value:
                additional = (value, join_pointer(pointer, "additionalProperties"))
            else:
                additional = True
        return properties, required, additional, _doc(schema)

    # ------------------------------------------------------------------ type mapping
    def type_of(
        self,
        schema: Any,
        pointer: str,
        hint: str,
        owner: str,
        *,
        inline_object_ok: bool = True,
        array_context: tuple[str, str] | None = None,
    ) -> TypeRef:
        """The type of ``schema`` found at ``pointer``; ``hint`` names an inline model."""
        if schema is True or schema == {}:
            return TypeRef("any", pointer=pointer)
        if schema is False:
            return self.loose(pointer, "schema 'false' admits nothing; typed as Any", TypeRef("any", pointer=pointer))
        if not isinstance(schema, dict):
            return self.loose(pointer, "schema is not an object; typed as Any", TypeRef("any", pointer=pointer))
        if "$ref" in schema:
            target = schema["$ref"][1:]
            base = self.type_for_ref(target) if target.startswith("/components/schemas/") and target.count("/") == 3 else self._ref_elsewhere(target, hint, owner)
            extra_nullable = bool(schema.get("nullable"))
            return _with(base, nullable=base.nullable or extra_nullable, pointer=pointer)
        nullable = bool(schema.get("nullable")) or "null" in _types(schema)
        example, has_example = _example(schema)
        common: dict[str, Any] = {"pointer": pointer, "example": example, "has_example": has_example}

        if "const" in schema:
            return self._literal([schema["const"]], "const", pointer, nullable, common)
        if schema.get("enum") == []:
            self.warn(join_pointer(pointer, "enum"), "enum: [] admits no value; typed from the schema's other keywords")
        elif "enum" in schema and isinstance(schema["enum"], list):
            return self._literal(schema["enum"], "enum", pointer, nullable, common)
        if "allOf" in schema and isinstance(schema["allOf"], list) and schema["allOf"] and not self._is_object(schema):
            flat, flat_pointer = self._allof_flat(schema, pointer)
            return self.type_of(flat, flat_pointer, hint, owner, inline_object_ok=inline_object_ok, array_context=array_context)
        for variant in ("oneOf", "anyOf"):
            if variant in schema and isinstance(schema[variant], list) and not self._is_object(schema):
                return self._union(schema, variant, pointer, hint, owner, nullable, common)
        if self._is_object(schema):
            if pointer in self.by_pointer and self.by_pointer[pointer] in self.drafts:
                return _with(self._ref_to(self.drafts[self.by_pointer[pointer]]), nullable=nullable)
            name = self.by_pointer.get(pointer) or self._inline_name(hint, owner, pointer)
            draft = ModelDraft(name, "object", pointer, owner, _doc(schema))
            self.drafts[name] = draft
            self._fill_object(draft, schema, pointer)
            return _with(self._ref_to(draft), nullable=nullable)

        types = sorted(_types(schema) - {"null"})
        if _types(schema) == {"null"}:
            return TypeRef("none", **common)
        if len(types) > 1:
            members = tuple(
                self.type_of({**schema, "type": t}, pointer, hint, owner, inline_object_ok=inline_object_ok) for t in types
            )
            return TypeRef("union", args=members, nullable=nullable, **common)
        kind = types[0] if types else _implied_type(schema)
        constraints = _constraints(schema)
        if kind == "string":
            mapped = _FORMATS.get(str(schema.get("format", "")), "str")
            media = schema.get("contentMediaType")
            if isinstance(media, str) and "contentEncoding" not in schema and not _is_textual(media):
                mapped = "bytes"
            return TypeRef(mapped, format=schema.get("format"), constraints=constraints, nullable=nullable, **common)  # type: ignore[arg-type]
        if kind == "integer":
            return TypeRef("int", format=schema.get("format"), constraints=constraints, nullable=nullable, **common)
        if kind == "number":
            return TypeRef("float", format=schema.get("format"), constraints=constraints, nullable=nullable, **common)
        if kind == "boolean":
            return TypeRef("bool", nullable=nullable, **common)
        if kind == "null":
            return TypeRef("none", **common)
        if kind == "array":
            items = schema.get("items", {})
            item_hint = item_name(*array_context) if array_context else class_name(hint + " item")
            if array_context is None and hint.endswith("Item"):
                item_hint = hint
            prefix = schema.get("prefixItems")
            if prefix and not items:
                item = self.loose(pointer, "tuple-typed array (prefixItems) typed as a list of Any", TypeRef("any", pointer=pointer))
            else:
                item = self.type_of(items, join_pointer(pointer, "items"), item_hint, owner)
            return TypeRef("list", args=(item,), constraints=constraints, nullable=nullable, **common)
        if kind == "object":
            additional = schema.get("additionalProperties", True)
            if isinstance(additional, dict) and additional:
                value = self.type_of(additional, join_pointer(pointer, "additionalProperties"), hint + "Value", owner)
            else:
                value = TypeRef("any", pointer=pointer)
            if "patternProperties" in schema and additional is True:
                value = self.loose(join_pointer(pointer, "patternProperties"), "patternProperties are not typed: values are Any", value)
            return TypeRef("dict", args=(value,), nullable=nullable, **common)
        return TypeRef("any", nullable=nullable, **common)

    def _literal(self, raw: list[Any], keyword: str, pointer: str, nullable: bool, common: dict[str, Any]) -> TypeRef:
        """``enum``/``const`` as a ``Literal``; values Python cannot spell as a Literal
        (floats, arrays, objects) fall back to their base type, with a warning."""
        nullable = nullable or None in raw
        values = _dedupe(tuple(v for v in raw if v is not None))
        if not values:
            return TypeRef("none", **common) if raw else TypeRef("any", nullable=nullable, **common)
        literal = tuple(v for v in values if isinstance(v, (str, int)))  # bool is an int
        rest = [v for v in values if not isinstance(v, (str, int))]
        if not rest:
            return TypeRef("literal", values=literal, nullable=nullable, **common)
        if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in rest):
            return self.loose(pointer, f"{keyword} of non-scalar values typed as Any", TypeRef("any", **common))
        shown = ", ".join(repr(v) for v in rest[:3]) + (", ..." if len(rest) > 3 else "")
        base = self.loose(pointer, f"{keyword} values {shown} cannot be Python Literal values; typed as float", TypeRef("float", **common))
        if not literal:
            return _with(base, nullable=nullable)
        return TypeRef("union", args=(TypeRef("literal", values=literal, **common), base), nullable=nullable, **common)

    def _ref_elsewhere(self, target: str, hint: str, owner: str) -> TypeRef:
        """A ``$ref`` to a schema that is not a top-level component (e.g. a property)."""
        if target in self.by_pointer and self.by_pointer[target] in self.drafts:
            return self._ref_to(self.drafts[self.by_pointer[target]])
        schema = resolve_pointer(self.doc, target)
        tokens = split_pointer(target)
        return self.type_of(schema, target, class_name(" ".join(tokens[-3:])) if tokens else hint, owner)

    def _union(
        self, schema: dict[str, Any], variant: str, pointer: str, hint: str, owner: str, nullable: bool, common: dict[str, Any]
    ) -> TypeRef:
        members: list[TypeRef] = []
        raws: list[Any] = []
        nulls = [isinstance(m, dict) and _types(m) == {"null"} and "$ref" not in m and "enum" not in m for m in schema[variant]]
        for index, member in enumerate(schema[variant]):
            member_pointer = join_pointer(pointer, variant, index)
            if nulls[index]:
                nullable = True
                continue
            # the one member beside null is the type itself: it takes the union's name
            member_hint = hint if nulls.count(False) == 1 else _variant_hint(hint, member, index)
            members.append(self.type_of(member, member_pointer, member_hint, owner))
            raws.append(member)
        if not members:
            return TypeRef("any", **common)
        if len(members) == 1:
            return _with(members[0], nullable=nullable or members[0].nullable)
        disc = schema.get("discriminator")
        tagged: tuple[str, tuple[tuple[Any, str], ...]] | None = None
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            prop = disc["propertyName"]
            tags = self._explicit_tags(raws, members, prop, disc.get("mapping"))
            if tags is None:
                self.warn(
                    join_pointer(pointer, "discriminator"),
                    f"discriminator {prop!r} does not tell the members apart (a member is not an object, or two "
                    "share a value); parsed as a plain union (the best-matching member wins)",
                )
            else:
                tagged = (prop, tags)
        else:
            tagged = self._implicit_tags(members)
        if tagged is None:
            return TypeRef("union", args=tuple(members), nullable=nullable, **common)
        optional = any(not self._requires(m, tagged[0]) for m in members)
        union = TypeRef("union", args=tuple(members), discriminator=tagged[0], tags=tagged[1], tag_optional=optional, **common)
        if pointer in self.by_pointer:  # the union is a named alias already (a component)
            return _with(union, nullable=nullable)
        # a tagged union is always a named alias, so resources never spell out its annotation
        name = self._inline_name(hint, owner, pointer)
        draft = ModelDraft(name, "alias", pointer, owner, _doc(schema), alias_type=union, done=True)
        self.drafts[name] = draft
        return _with(self._ref_to(draft), nullable=nullable)

    def object_aliases(self, t: TypeRef) -> frozenset[str]:
        """The aliases named in ``t`` that stand for object models: an alias of a model, or of a
        union whose members are such (or ``None``), through aliases, whatever their
        nullability. A mapping validates into them, so arguments of these types accept one."""
        found: set[str] = set()
        stack, seen = [t], set()
        while stack:
            cur = stack.pop()
            stack.extend(cur.args)
            if cur.kind == "alias" and cur.name and cur.name not in seen:
                seen.add(cur.name)
                if self._stands_for_objects(cur, ()):
                    found.add(cur.name)
        return frozenset(found)

    def _stands_for_objects(self, t: TypeRef, path: tuple[str, ...]) -> bool:
        """``path``: the aliases being expanded above ``t`` (a cycle stands for nothing)."""
        if t.kind == "model":
            draft = self.drafts.get(t.name or "")
            return draft is not None and draft.kind == "object"
        if t.kind == "union":
            members = [a for a in t.args if a.kind != "none"]
            return bool(members) and all(self._stands_for_objects(a, path) for a in members)
        if t.kind == "alias" and t.name and t.name not in path:
            draft = self.drafts.get(t.name)
            return draft is not None and draft.alias_type is not None and self._stands_for_objects(draft.alias_type, (*path, t.name))
        return False

    def _only_itself(self, name: str, t: TypeRef) -> bool:
        """``t`` reaches alias ``name`` through nothing but aliases (``A: {allOf: [$ref: A]}``):
        a type with no values of its own."""
        seen: set[str] = set()
        while t.kind == "alias" and t.name and t.name not in seen:
            if t.name == name:
                return True
            seen.add(t.name)
            draft = self.drafts.get(t.name)
            if draft is None or draft.alias_type is None:
                return False
            t = draft.alias_type
        return False

    def _model_of(self, t: TypeRef) -> ModelDraft | None:
        """The object model a member type stands for (through aliases), when there is one."""
        seen: set[str] = set()
        while t.kind == "alias" and t.name and t.name not in seen and not t.nullable:
            seen.add(t.name)
            draft = self.drafts.get(t.name)
            if draft is None or draft.alias_type is None:
                return None
            t = draft.alias_type
        if t.kind != "model" or t.nullable:
            return None
        return self.drafts.get(t.name or "")

    def _literal_values(self, draft: ModelDraft, prop: str, *, required: bool = True) -> tuple[Any, ...]:
        for f in draft.fields:
            if f.wire_name == prop and (f.required or not required) and f.type.kind == "literal" and not f.type.nullable:
                return f.type.values
        return ()

    def _requires(self, member: TypeRef, prop: str) -> bool:
        draft = self._model_of(member)
        return draft is not None and any(f.wire_name == prop and f.required for f in draft.fields)

    def _explicit_tags(
        self, raws: list[Any], members: list[TypeRef], prop: str, mapping: Any
    ) -> tuple[tuple[Any, str], ...] | None:
        """Discriminator values of each member: the mapping's, else the member's single-valued
        enum/const, else (a $ref to a component) the component's name."""
        mapping = mapping if isinstance(mapping, dict) else {}
        targets: dict[str, list[str]] = {}
        for value, target in mapping.items():
            target = str(target)
            pointer = target[1:] if target.startswith("#") else join_pointer("/components/schemas", target)
            targets.setdefault(pointer, []).append(str(value))
        tags: list[tuple[Any, str]] = []
        for raw, member in zip(raws, members, strict=True):
            draft = self._model_of(member)
            if draft is None:
                return None
            ref = raw.get("$ref") if isinstance(raw, dict) else None
            values: tuple[Any, ...] = tuple(targets.get(ref[1:], ())) if isinstance(ref, str) else ()
            if not values:
                values = tuple(targets.get(draft.pointer, ()))
            if not values:  # the member's own single value, even where not required (Spotify's type)
                values = self._literal_values(draft, prop, required=False)
            if not values and isinstance(ref, str) and ref.startswith("#/components/schemas/") and ref.count("/") == 3:
                values = (split_pointer(ref[1:])[-1],)
            if not values:
                return None
            for value in values:
                if any(value == v and type(value) is type(v) for v, _ in tags) or not isinstance(value, (str, int)):
                    return None
                tags.append((value, draft.name))
        if len({name for _, name in tags}) != len(members):
            return None  # the same model twice
        return tuple(tags)

    def _implicit_tags(self, members: list[TypeRef]) -> tuple[str, tuple[tuple[Any, str], ...]] | None:
        """A property that is a required single-valued literal (``const``/one-value ``enum``)
        with a distinct value in every member tags the union even without a discriminator."""
        drafts = [self._model_of(m) for m in members]
        if any(d is None for d in drafts):
            return None
        first = drafts[0]
        assert first is not None
        for f in first.fields:
            tags: list[tuple[Any, str]] = []
            for draft in drafts:
                assert draft is not None
                values = self._literal_values(draft, f.wire_name)
                if not values or any(v == t and type(v) is type(t) for v in values for t, _ in tags):
                    break
                tags.extend((v, draft.name) for v in values)
            else:
                if len({name for _, name in tags}) == len(members):
                    return f.wire_name, tuple(tags)
        return None


# ---------------------------------------------------------------------- helpers


def _types(schema: dict[str, Any]) -> set[str]:
    t = schema.get("type")
    if isinstance(t, list):
        return {str(x) for x in t}
    if isinstance(t, str):
        return {t}
    return set()


def _implied_type(schema: dict[str, Any]) -> str:
    if "items" in schema:
        return "array"
    if "properties" in schema or "additionalProperties" in schema:
        return "object"
    if any(k in schema for k in ("minLength", "maxLength", "pattern", "format")):
        return "string"
    return "any"


def _doc(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    description = schema.get("description") or schema.get("title") or ""
    return str(description).strip()


def _example(schema: dict[str, Any]) -> tuple[Any, bool]:
    if "example" in schema:
        return schema["example"], True
    examples = schema.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0], True
    return None, False


def _constraints(schema: dict[str, Any]) -> Constraints:
    def num(key: str) -> float | None:
        value = schema.get(key)
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None

    excl_min = schema.get("exclusiveMinimum")
    excl_max = schema.get("exclusiveMaximum")
    minimum, maximum = num("minimum"), num("maximum")
    if excl_min is True:  # 3.0 boolean form
        excl_min, minimum = minimum, None
    if excl_max is True:
        excl_max, maximum = maximum, None
    return Constraints(
        minimum=minimum,
        maximum=maximum,
        exclusive_minimum=excl_min if isinstance(excl_min, (int, float)) and not isinstance(excl_min, bool) else None,
        exclusive_maximum=excl_max if isinstance(excl_max, (int, float)) and not isinstance(excl_max, bool) else None,
        min_length=schema.get("minLength") if isinstance(schema.get("minLength"), int) else None,
        max_length=schema.get("maxLength") if isinstance(schema.get("maxLength"), int) else None,
        pattern=schema.get("pattern") if isinstance(schema.get("pattern"), str) else None,
        min_items=schema.get("minItems") if isinstance(schema.get("minItems"), int) else None,
        max_items=schema.get("maxItems") if isinstance(schema.get("maxItems"), int) else None,
    )


def _with(t: TypeRef, **changes: Any) -> TypeRef:
    from dataclasses import replace

    return replace(t, **changes)


def _dedupe(values: tuple[Any, ...]) -> tuple[Any, ...]:
    out: list[Any] = []
    for v in values:
        if not any(v == o and type(v) is type(o) for o in out):
            out.append(v)
    return tuple(out)


def _variant_hint(hint: str, member: Any, index: int) -> str:
    """Name an inline union member by what tells it apart, never by its position."""
    if isinstance(member, dict):
        title = member.get("title")
        if isinstance(title, str) and title.strip():
            return class_name(hint + " " + title)
        for prop, value in (member.get("properties") or {}).items():
            if isinstance(value, dict) and "const" in value and isinstance(value["const"], (str, int)):
                return class_name(f"{hint} {prop} {value['const']}")
            enum = value.get("enum") if isinstance(value, dict) else None
            if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], (str, int)):
                return class_name(f"{hint} {prop} {enum[0]}")
        required = member.get("required")
        if isinstance(required, list) and required:
            return class_name(hint + " with " + " ".join(str(r) for r in required[:2]))
        types = sorted(_types(member))
        if types:
            return class_name(hint + " " + " ".join(types))
    return class_name(f"{hint} variant {index + 1}")


def _owner_hint(owner: str, hint: str) -> str:
    return hint if hint.startswith(owner) else class_name(owner + " " + hint)


def summarize(text: str) -> str:
    return one_line(text)


def _allof_passthrough(schema: dict[str, Any]) -> bool:
    """``allOf: [one reference]`` with nothing of its own: the reference itself (a nullable or
    described reference in OpenAPI 3.0). One inline member is no reference: the schema is that
    member merged with its own keywords (Box's ``{type: object, allOf: [{properties}]}``)."""
    members = schema.get("allOf")
    return (
        isinstance(members, list)
        and len(members) == 1
        and isinstance(members[0], dict)
        and "$ref" in members[0]
        and not any(k in schema for k in ("properties", "additionalProperties", "required", "oneOf", "anyOf"))
    )


def _allof_doc(schema: dict[str, Any], deref: Any) -> str:
    for member in schema.get("allOf") or []:
        resolved, _ = deref(member, "")
        doc = _doc(resolved)
        if doc:
            return doc
    return ""


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _is_textual(media: str) -> bool:
    media = media.split(";")[0].strip().lower()
    return media.startswith("text/") or media.endswith(("json", "+xml", "/xml")) or media == "application/x-www-form-urlencoded"
