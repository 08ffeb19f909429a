"""Turn pydantic validation errors into messages beside form fields."""

from __future__ import annotations

from pydantic import ValidationError


def field_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "form"
        message = detail["msg"].removeprefix("Value error, ")
        errors.setdefault(field, message[:1].upper() + message[1:])
    return errors
