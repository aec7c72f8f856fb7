"""Schema objects -> IR types and models (type mapping and model naming live here).

:class:`SchemaBuilder` turns each schema it is asked about into a :class:`TypeRef`,
creating a :class:`ModelDraft` for every component schema and every inline object
schema on the way. Inline objects are named from their context (property ``owner``
of ``Repository`` -> ``RepositoryOwner``). Drafts become final :class:`~generator.ir.Model`
objects in :mod:`generator.models`, once usage (request/response) is known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagnostics import Diagnostics
from generator.escape import one_line
from generator.ir import Constraints, TypeRef
from generator.loader import LoadedSpec, join_pointer, resolve_pointer, split_pointer
from generator.naming import NameRegistry, class_name, field_name, item_name

# Names the generated modules import; no model may take them.
RESERVED_CLASS_NAMES = {
    "Endpoint", "NotGiven", "NOT_GIVEN", "RequestOptions", "Any", "Mapping", "Sequence", "Literal",
    "Unpack", "SyncResource", "AsyncResource", "PageIterator", "AsyncPageIterator", "PaginationSpec",
    "RawResponse", "BaseModel", "Field", "ConfigDict", "Annotated", "Union", "Optional", "Client",
    "AsyncClient", "TYPE_CHECKING", "annotations", "BulkIngest", "AsyncBulkIngest",
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
            self.diagnostics.warn(
                self.spec.locate(pointer), f"no contextual name was free for {preferred!r}; numbered as {name!r}"
            )
        self.by_pointer[pointer] = name
        return name

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
        draft = ModelDraft(name, "alias", pointer, owner, _doc(schema))
        self.drafts[name] = draft  # registered before recursing: recursive aliases resolve
        draft.alias_type = self.type_of(schema, pointer, name, owner, inline_object_ok=False)
        draft.done = True
        return self._ref_to(draft)

    @staticmethod
    def _is_object(schema: dict[str, Any]) -> bool:
        """Object schemas with properties (or allOf) become models; bare maps become dicts."""
        return "allOf" in schema or "properties" in schema

    # ------------------------------------------------------------------ objects
    def _fill_object(self, draft: ModelDraft, schema: dict[str, Any], pointer: str) -> None:
        properties, required, additional, docs = self._merged(schema, pointer)
        seen_py: NameRegistry = NameRegistry()
        for wire, (prop_schema, prop_pointer) in properties.items():
            hint = class_name(draft.name + " " + wire)
            if isinstance(prop_schema, dict) and _types(prop_schema) == {"array"} and "items" in prop_schema:
                hint = item_name(draft.name, wire)
            prop_type = self.type_of(prop_schema, prop_pointer, hint, draft.owner, array_context=(draft.name, wire))
            py, numbered = seen_py.claim(field_name(wire), field_name(wire) + "_", case_insensitive=False)
            if numbered:
                self.diagnostics.warn(self.spec.locate(prop_pointer), f"field name {wire!r} numbered as {py!r}")
            resolved, _ = self.deref(prop_schema, prop_pointer)
            resolved = resolved if isinstance(resolved, dict) else {}
            merged_doc = _doc(prop_schema) or _doc(resolved)
            default_holder = prop_schema if isinstance(prop_schema, dict) and "default" in prop_schema else resolved
            draft.fields.append(
                FieldDraft(
                    wire_name=wire,
                    py_name=py,
                    type=prop_type,
                    required=wire in required,
                    doc=merged_doc,
                    default=default_holder.get("default"),
                    has_default="default" in default_holder,
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
        draft.done = True

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
                    self.diagnostics.warn(
                        self.spec.locate(member_pointer),
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
            self.diagnostics.warn(self.spec.locate(pointer), "schema 'false' admits nothing; typed as Any")
            return TypeRef("any", pointer=pointer)
        if not isinstance(schema, dict):
            self.diagnostics.warn(self.spec.locate(pointer), "schema is not an object; typed as Any")
            return TypeRef("any", pointer=pointer)
        if "$ref" in schema:
            target = schema["$ref"][1:]
            base = self.type_for_ref(target) if target.startswith("/components/schemas/") and target.count("/") == 3 else self._ref_elsewhere(target, hint, owner)
            extra_nullable = bool(schema.get("nullable"))
            return _with(base, nullable=base.nullable or extra_nullable, pointer=pointer)
        nullable = bool(schema.get("nullable")) or "null" in _types(schema)
        example, has_example = _example(schema)
        common: dict[str, Any] = {"pointer": pointer, "example": example, "has_example": has_example}

        if "const" in schema:
            return TypeRef("literal", values=(schema["const"],), nullable=nullable, **common)
        if "enum" in schema and isinstance(schema["enum"], list):
            values = tuple(v for v in schema["enum"] if v is not None)
            nullable = nullable or None in schema["enum"]
            if values and all(isinstance(v, (str, int, float, bool)) for v in values):
                return TypeRef("literal", values=_dedupe(values), nullable=nullable, **common)
            self.diagnostics.warn(self.spec.locate(pointer), "enum of non-scalar values typed as Any")
            return TypeRef("any", **common)
        for variant in ("oneOf", "anyOf"):
            if variant in schema and not ("allOf" in schema or "properties" in schema):
                return self._union(schema, variant, pointer, hint, owner, nullable, common)
        if self._is_object(schema):
            if pointer in self.by_pointer and self.by_pointer[pointer] in self.drafts:
                return _with(self._ref_to(self.drafts[self.by_pointer[pointer]]), nullable=nullable)
            name = self.by_pointer.get(pointer) or self._claim(hint, pointer, alternatives=(_owner_hint(owner, hint),))
            draft = ModelDraft(name, "object", pointer, owner, _doc(schema))
            self.drafts[name] = draft
            self._fill_object(draft, schema, pointer)
            return _with(self._ref_to(draft), nullable=nullable)

        types = sorted(_types(schema) - {"null"})
        if len(types) > 1:
            members = tuple(
                self.type_of({**schema, "type": t}, pointer, hint, owner, inline_object_ok=inline_object_ok) for t in types
            )
            return TypeRef("union", args=members, nullable=nullable, **common)
        kind = types[0] if types else _implied_type(schema)
        constraints = _constraints(schema)
        if kind == "string":
            mapped = _FORMATS.get(str(schema.get("format", "")), "str")
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
                self.diagnostics.warn(self.spec.locate(pointer), "tuple-typed array (prefixItems) typed as a list of Any")
                item = TypeRef("any", pointer=pointer)
            else:
                item = self.type_of(items, join_pointer(pointer, "items"), item_hint, owner)
            return TypeRef("list", args=(item,), constraints=constraints, nullable=nullable, **common)
        if kind == "object":
            additional = schema.get("additionalProperties", True)
            if isinstance(additional, dict) and additional:
                value = self.type_of(additional, join_pointer(pointer, "additionalProperties"), hint + "Value", owner)
            else:
                value = TypeRef("any", pointer=pointer)
            return TypeRef("dict", args=(value,), nullable=nullable, **common)
        return TypeRef("any", nullable=nullable, **common)

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
        for index, member in enumerate(schema[variant]):
            member_pointer = join_pointer(pointer, variant, index)
            if isinstance(member, dict) and _types(member) == {"null"} and "$ref" not in member:
                nullable = True
                continue
            member_hint = _variant_hint(hint, member, index)
            members.append(self.type_of(member, member_pointer, member_hint, owner))
        if not members:
            return TypeRef("any", **common)
        if len(members) == 1:
            return _with(members[0], nullable=nullable or members[0].nullable)
        discriminator = None
        disc = schema.get("discriminator")
        if isinstance(disc, dict) and isinstance(disc.get("propertyName"), str):
            if self._discriminable(members, disc["propertyName"]):
                discriminator = disc["propertyName"]
            else:
                self.diagnostics.warn(
                    self.spec.locate(join_pointer(pointer, "discriminator")),
                    "discriminator property is not a single-valued literal in every member; "
                    "parsed as a plain union (first matching member wins)",
                )
        elif self._discriminable(members, None):
            discriminator = self._implicit_discriminator(members)
        return TypeRef("union", args=tuple(members), nullable=nullable, discriminator=discriminator, **common)

    def _literal_field(self, model: TypeRef, prop: str) -> TypeRef | None:
        if model.kind != "model" or model.nullable:
            return None
        draft = self.drafts.get(model.name or "")
        if draft is None:
            return None
        for f in draft.fields:
            if f.wire_name == prop and f.required and f.type.kind == "literal" and not f.type.nullable:
                return f.type
        return None

    def _discriminable(self, members: list[TypeRef], prop: str | None) -> bool:
        if prop is None:
            return self._implicit_discriminator(members) is not None
        seen: set[Any] = set()
        for member in members:
            lit = self._literal_field(member, prop)
            if lit is None or seen & set(lit.values):
                return False
            seen |= set(lit.values)
        return True

    def _implicit_discriminator(self, members: list[TypeRef]) -> str | None:
        """A property that is a distinct literal in every member (``const`` tags)."""
        first = self.drafts.get(members[0].name or "") if members[0].kind == "model" else None
        if first is None:
            return None
        for f in first.fields:
            if f.type.kind == "literal" and self._discriminable(members, f.wire_name):
                return f.wire_name
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
