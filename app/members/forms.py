"""The edit-profile and new-token forms as browsers post them, and the messages shown beside
their fields when what was posted is not valid."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from app.members.models import PROFILE_FIELDS_WITH_VISIBILITY, Member, MemberRole, Visibility
from app.members.schemas import ProfileUpdate
from app.notifications.kinds import DigestFrequency
from app.web.forms import field_errors

ROLE_LABELS = {
    MemberRole.PRACTITIONER: "Practitioner",
    MemberRole.STUDENT: "Student",
    MemberRole.ACADEMIC: "Academic",
    MemberRole.MANAGER: "Manager",
    MemberRole.PRINCIPAL_SOCIAL_WORKER: "Principal social worker",
}

ONBOARDING_ROLE_LABELS = {
    MemberRole.PRACTITIONER: "Social worker or practitioner",
    MemberRole.MANAGER: "Team manager or senior manager",
    MemberRole.PRINCIPAL_SOCIAL_WORKER: "Principal social worker",
    MemberRole.STUDENT: "Student or newly qualified social worker",
    MemberRole.ACADEMIC: "Academic or researcher",
}
DIGEST_LABELS = {
    DigestFrequency.DAILY: "Every morning",
    DigestFrequency.WEEKLY: "On Monday mornings",
    DigestFrequency.OFF: "No digest e-mail",
}


VISIBILITY_LABELS = {
    Visibility.MEMBERS: "All members",
    Visibility.ORGANISATION: "Members of my organisation",
    Visibility.ONLY_ME: "Only me (and admins)",
}

VISIBILITY_QUESTIONS = {
    "email": "Who can see your e-mail address?",
    "job_title": "Who can see your job title?",
    "team": "Who can see your team?",
    "areas_of_practice": "Who can see your areas of practice?",
    "bio": "Who can see what you wrote about yourself?",
}

FIELD_LABELS = {
    "display_name": "Name",
    "job_title": "Job title",
    "team": "Team",
    "bio": "About you",
    "email": "E-mail address",
    "areas_of_practice": "Areas of practice",
    "name": "Token name",
}


class ProfileForm(BaseModel):
    """Strings as posted, so that whatever the member typed can be shown back to them."""

    display_name: str = ""
    job_title: str = ""
    team: str = ""
    bio: str = ""
    areas_of_practice: list[str] = []
    visibility_email: str = ""
    visibility_job_title: str = ""
    visibility_team: str = ""
    visibility_areas_of_practice: str = ""
    visibility_bio: str = ""
    post_anyway: str = ""
    guard_reason: str = ""

    @classmethod
    def from_member(cls, member: Member) -> ProfileForm:
        """The form filled in from a member whose areas of practice are loaded."""
        return cls(
            display_name=member.display_name,
            job_title=member.job_title or "",
            team=member.team or "",
            bio=member.bio or "",
            areas_of_practice=[topic.slug for topic in member.areas_of_practice],
            **{
                f"visibility_{field}": member.visibility_of(field).value
                for field in PROFILE_FIELDS_WITH_VISIBILITY
            },
        )

    def visibility_choice(self, field: str) -> str:
        return str(getattr(self, f"visibility_{field}"))

    def to_update(self) -> ProfileUpdate:
        """Raises pydantic's ValidationError; form_errors() explains it."""
        visibility = {
            field: self.visibility_choice(field)
            for field in PROFILE_FIELDS_WITH_VISIBILITY
            if self.visibility_choice(field)
        }
        return ProfileUpdate.model_validate(
            {
                "display_name": self.display_name,
                "job_title": self.job_title,
                "team": self.team,
                # Browsers send a new line as CR LF but count it as one character.
                "bio": self.bio.replace("\r\n", "\n"),
                "areas_of_practice": self.areas_of_practice,
                "visibility": visibility,
                "post_anyway": self.post_anyway == "1",
                "guard_reason": self.guard_reason or None,
            }
        )


def _message(field: str, detail: dict[str, Any]) -> str | None:
    label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    context = detail.get("ctx") or {}
    kind = detail["type"]
    if kind == "string_too_long":
        return f"{label} must be {context['max_length']} characters or fewer"
    if kind == "too_long" and field == "areas_of_practice":
        return f"Choose at most {context['max_length']} areas of practice"
    if kind in {"string_too_short", "missing"} and field == "display_name":
        return "Enter your name as other members will see it"
    if kind in {"string_too_short", "missing"} and field == "name":
        return "Enter a name for the token, such as the program that will use it"
    if kind == "enum" and field.startswith("visibility_"):
        return "Choose who can see this: " + ", ".join(VISIBILITY_LABELS.values())
    return None


def form_errors(error: ValidationError) -> dict[str, str]:
    """field_errors() in words a member understands; a visibility error is keyed by its
    form field (``visibility_bio``) so the summary can link to it."""
    errors: dict[str, str] = {}
    generic = field_errors(error)
    for detail in error.errors():
        location = detail["loc"]
        field = str(location[0]) if location else "form"
        if field == "visibility" and len(location) > 1:
            field = f"visibility_{location[1]}"
        message = _message(field, dict(detail)) or generic.get(field) or detail["msg"]
        errors.setdefault(field, message)
    return errors
