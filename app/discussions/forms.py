"""The compose form (new thread, reply, edit) and the category form as browsers post them,
and the messages shown beside their fields."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from app.discussions.schemas import (
    BODY_MAX_LENGTH,
    MAX_TOPICS,
    TITLE_MAX_LENGTH,
    CategoryWrite,
    PostCreate,
    PostUpdate,
    ThreadCreate,
)

MESSAGES = {
    ("title", "short"): "Enter a title for your thread",
    ("title", "long"): f"The title must be {TITLE_MAX_LENGTH} characters or fewer",
    ("body", "short"): "Write your post",
    ("body", "long"): f"Your post must be {BODY_MAX_LENGTH:,} characters or fewer",
    ("category_id", "short"): "Choose a category for your thread",
    ("topics", "long"): f"Choose at most {MAX_TOPICS} topics",
    ("name", "short"): "Enter the category's name",
    ("name", "long"): "The name must be 120 characters or fewer",
    ("description", "long"): "The description must be 500 characters or fewer",
    ("position", "any"): "The position must be a whole number from 0 to 10000",
}


def form_errors(error: ValidationError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for detail in error.errors():
        field = str(detail["loc"][0]) if detail["loc"] else "form"
        kind = detail["type"]
        size = (
            "short"
            if kind in {"string_too_short", "missing", "too_short"}
            else "long"
            if kind in {"string_too_long", "too_long"}
            else "any"
        )
        message = (
            MESSAGES.get((field, size))
            or MESSAGES.get((field, "any"))
            or str(detail["msg"]).removeprefix("Value error, ")
        )
        errors.setdefault(field, message)
    return errors


class ComposeForm(BaseModel):
    """Strings as posted, so that whatever the member typed can be shown back to them."""

    category_id: str = ""
    title: str = ""
    body: str = ""
    is_question: str = ""
    topics: list[str] = []
    action: str = ""
    confirm_guard: str = ""
    guard_reason: str = ""
    draft_id: str = ""
    # typed beside the attachment slots (the files themselves come as uploads)
    alt_text_1: str = ""
    alt_text_2: str = ""
    alt_text_3: str = ""

    def alt_texts(self) -> dict[str, str]:
        return {
            "alt_text_1": self.alt_text_1.strip(),
            "alt_text_2": self.alt_text_2.strip(),
            "alt_text_3": self.alt_text_3.strip(),
        }

    @property
    def previewing(self) -> bool:
        return self.action == "preview"

    @property
    def post_anyway(self) -> bool:
        return self.confirm_guard == "1"

    def to_thread(self) -> ThreadCreate:
        return ThreadCreate.model_validate(
            {
                "category_id": self.category_id,
                "title": self.title,
                "body": self.body,
                "is_question": self.is_question == "on",
                "topics": self.topics,
                "post_anyway": self.post_anyway,
                "guard_reason": self.guard_reason or None,
            }
        )

    def to_reply(self) -> PostCreate:
        return PostCreate.model_validate(
            {
                "body": self.body,
                "post_anyway": self.post_anyway,
                "guard_reason": self.guard_reason or None,
            }
        )

    def to_edit(self, *, with_title: bool) -> PostUpdate:
        values: dict[str, Any] = {
            "body": self.body,
            "post_anyway": self.post_anyway,
            "guard_reason": self.guard_reason or None,
        }
        if with_title:
            values["title"] = self.title
        return PostUpdate.model_validate(values)


class CategoryForm(BaseModel):
    name: str = ""
    description: str = ""
    position: str = "0"
    topics: list[str] = []

    def to_write(self) -> CategoryWrite:
        return CategoryWrite.model_validate(
            {
                "name": self.name,
                "description": self.description.replace("\r\n", "\n"),
                "position": self.position.strip() or "0",
                "topics": self.topics,
            }
        )
