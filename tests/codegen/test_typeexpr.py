"""Annotations are written once, by generator.build.typeexpr, with the names they spell: what a
generated module imports and what a method or field name would shadow is read from those
names, never parsed back out of the text. These tests pin text and names together."""

from __future__ import annotations

from generator.build.typeexpr import Spelled, argument, file_argument, runtime_type, type_expr
from generator.ir import MODELS_ALIAS, TypeRef

EVENT = TypeRef("model", name="Event")
KIND = TypeRef("literal", values=("a", "b"))


def test_models_through_the_package_alias_spell_only_the_alias() -> None:
    expr = type_expr(TypeRef("list", args=(EVENT,)), models=MODELS_ALIAS)
    assert expr.text == "list[_models.Event]"
    assert expr.names == {"list", "_models"}
    assert type_expr(EVENT).names == {"Event"}


def test_string_literals_and_forward_references_spell_no_names() -> None:
    expr = type_expr(KIND, open_enums=True)
    assert expr.text == 'Literal["a", "b"] | str'
    assert expr.names == {"Literal", "str"}
    assert expr.helpers == {"Literal"}
    quoted = type_expr(TypeRef("dict", args=(EVENT,)), quote=frozenset({"Event"}))
    assert (quoted.text, quoted.names) == ('dict[str, "Event"]', {"dict", "str"})


def test_tagged_unions_spell_their_pydantic_helpers() -> None:
    cat, dog = TypeRef("model", name="Cat"), TypeRef("model", name="Dog")
    union = TypeRef(
        "union", args=(cat, dog), discriminator="kind", tags=(("cat", "Cat"), ("dog", "Dog"))
    )
    expr = type_expr(union)
    assert expr.text == (
        'Annotated[Annotated[Cat, _Tag("Cat")] | Annotated[Dog, _Tag("Dog")], '
        '_tagged_by("kind", {"cat": "Cat", "dog": "Dog"})]'
    )
    assert expr.helpers == {"Annotated", "_Tag", "_tagged_by"}
    assert (
        type_expr(union, request=True).text == "Cat | Mapping[str, Any] | Dog | Mapping[str, Any]"
    )


def test_argument_forms() -> None:
    when = TypeRef("datetime")
    assert argument(when, required=True).text == "datetime | str"
    assert argument(when, required=False).text == "datetime | str | NotGiven"
    assert (
        argument(EVENT, required=False, client_default=True).text
        == "Event | Mapping[str, Any] | None"
    )
    files = file_argument(TypeRef("list", args=(TypeRef("bytes"),)), required=False)
    assert (files.text, files.helpers) == (
        "Sequence[FileInput] | NotGiven",
        {"Sequence", "FileInput"},
    )


def test_runtime_types_load_models_lazily() -> None:
    lazy = runtime_type(EVENT, MODELS_ALIAS)
    assert (lazy.text, lazy.helpers) == ("LazyType(lambda: _models.Event)", {"LazyType"})
    assert runtime_type(TypeRef("str"), MODELS_ALIAS).text == "str"


def test_spelled_records_class_annotations_apart_from_module_expressions() -> None:
    spelled = Spelled()
    assert spelled.annotation(type_expr(TypeRef("date"))) == "date"
    assert (
        spelled.expression(runtime_type(EVENT, MODELS_ALIAS)) == "LazyType(lambda: _models.Event)"
    )
    assert spelled.in_class == {"date"}  # a method named `date` would shadow it
    assert spelled.in_module == {"date", "LazyType", "_models"}


def test_builtins_a_class_member_shadows_are_spelled_through_builtins() -> None:
    """In a class with a member named `list`, its annotations write `builtins.list`; string
    literals and attributes that read "list" are left alone, and module-level expressions too."""
    listing = TypeRef("list", args=(TypeRef("literal", values=("list", "dict")),))
    spelled = Spelled(shadowed=frozenset({"list"}))
    assert spelled.annotation(type_expr(listing)) == 'builtins.list[Literal["list", "dict"]]'
    assert spelled.in_class == {"builtins", "Literal"}  # `list` is no longer looked up in the class
    assert (
        "builtins" in spelled.in_module
        and "builtins" in type_expr(listing).qualified(frozenset({"list"})).helpers
    )
    assert spelled.expression(type_expr(listing)) == 'list[Literal["list", "dict"]]'
    assert (
        type_expr(TypeRef("model", name="list"), models=MODELS_ALIAS)
        .qualified(frozenset({"list"}))
        .text
        == "_models.list"
    )
