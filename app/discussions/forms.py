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
from app.discussions.service.kept_attachments import KeptChoice

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
    # the ids of files kept from an earlier answer ("already attached"), by slot
    staged_1: str = ""
    staged_2: str = ""
    staged_3: str = ""
    # editing: the post's files ticked to be removed
    remove_attachment: list[str] = []

    def alt_texts(self) -> dict[str, str]:
        return {
            "alt_text_1": self.alt_text_1.strip(),
            "alt_text_2": self.alt_text_2.strip(),
            "alt_text_3": self.alt_text_3.strip(),
        }

    def staged_ids(self) -> dict[int, str]:
        slots = {1: self.staged_1, 2: self.staged_2, 3: self.staged_3}
        return {slot: kept_id for slot, kept_id in slots.items() if kept_id}

    def hold_files(self, staged: dict[int, str]) -> None:
        """The slots now hold these kept files (this answer's and earlier ones)."""
        self.staged_1, self.staged_2, self.staged_3 = (staged.get(slot, "") for slot in (1, 2, 3))

    def kept_choices(self) -> list[KeptChoice]:
        alt_texts = self.alt_texts()
        return [
            KeptChoice(slot=slot, staged_id=kept_id, alt_text=alt_texts[f"alt_text_{slot}"])
            for slot, kept_id in self.staged_ids().items()
        ]

    def attachment_fields(self) -> dict[str, str]:
        """What a draft keeps of the slots: the kept files' ids and the alt texts typed."""
        slots = {
            **{f"staged_{slot}": getattr(self, f"staged_{slot}") for slot in (1, 2, 3)},
            **self.alt_texts(),
        }
        return {name: value for name, value in slots.items() if value}

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
            "remove_attachment_ids": self.remove_attachment,
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
