"""Turn pydantic validation errors into messages beside form fields.

``field_errors`` keeps pydantic's wording (the API and older forms use it);
``plain_field_errors`` says the same in the words of the GOV.UK error message pattern
("Enter the title", "Year of publication must be a number, like 2024"), using the labels
a form shows, so a member never reads "Input should be a valid integer"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError


def field_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "form"
        message = detail["msg"].removeprefix("Value error, ")
        errors.setdefault(field, message[:1].upper() + message[1:])
    return errors


def _plain_message(label: str, detail: Mapping[str, Any]) -> str:
    kind = str(detail["type"])
    context = detail.get("ctx") or {}
    lowered = label[:1].lower() + label[1:]
    if kind in {"missing", "string_too_short"}:
        return f"Enter the {lowered}"
    if kind == "string_too_long":
        return f"{label} must be {context.get('max_length')} characters or fewer"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"{label} must be a whole number, like 2024"
    if kind in {"greater_than_equal", "greater_than"}:
        limit = context.get("ge", context.get("gt"))
        return f"{label} must be {limit} or more"
    if kind in {"less_than_equal", "less_than"}:
        limit = context.get("le", context.get("lt"))
        return f"{label} must be {limit} or less"
    if kind in {"enum", "literal_error"}:
        return f"Choose the {lowered} from the list"
    if kind.startswith(("date_", "datetime_")):
        return f"Enter the {lowered} as a real date"
    if kind.startswith("time_"):
        return f"Enter the {lowered} as a time, like 14:30"
    if kind in {"float_parsing", "float_type"}:
        return f"{label} must be a number, like 1.5"
    if kind == "too_long":
        return f"Choose at most {context.get('max_length')} {lowered}"
    message = str(detail["msg"]).removeprefix("Value error, ")
    return message[:1].upper() + message[1:]


def plain_field_errors(error: ValidationError, labels: Mapping[str, str]) -> dict[str, str]:
    """Every field's first error, in plain words; ``labels`` maps field names to the label
    the form shows. A rule that spans fields raises ValueError with a whole sentence."""
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "form"
        label = labels.get(field, field.replace("_", " ").capitalize())
        errors.setdefault(field, _plain_message(label, detail))
    return errors
