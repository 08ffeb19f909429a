from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.db import LONDON
from app.events.models import BookingStatus, EventStatus, EventType
from app.guard.schemas import GuardChoice
from app.web.pagination import CursorPageOut


def london(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON)


FIELD_LABELS = {
    "title": "Title",
    "description": "Description",
    "type": "Type",
    "start_date": "Start date",
    "start_time": "Start time",
    "end_date": "End date",
    "end_time": "End time",
    "venue": "Venue",
    "address": "Address",
    "joining_link": "Joining link",
    "host_organisation_id": "Host organisation",
    "capacity": "Number of places",
    "booking_deadline": "Booking deadline",
    "cpd_hours": "CPD hours",
    "group_id": "Who can see it",
}
"""The form's labels, for errors in plain words (app/web/forms.plain_field_errors)."""


class EventData(GuardChoice):
    """An event as the form or the API sends it. Times are Europe/London wall-clock times
    (an aware datetime from the API is converted); all-day events give dates only. The
    title and description go through the anonymisation guard."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    type: EventType
    start_date: date
    start_time: time | None = None
    end_date: date | None = None
    end_time: time | None = None
    all_day: bool = False
    online: bool = False
    venue: str | None = Field(default=None, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    joining_link: str | None = Field(default=None, max_length=1000)
    host_organisation_id: str | None = None
    capacity: int | None = Field(default=None, ge=1, le=100_000)
    booking_deadline: datetime | None = None
    cpd_hours: float | None = Field(default=None, ge=0, le=100)
    group_id: str | None = None

    @field_validator(
        "venue",
        "address",
        "joining_link",
        "host_organisation_id",
        "group_id",
        "start_time",
        "end_time",
        "end_date",
        "capacity",
        "booking_deadline",
        "cpd_hours",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("joining_link")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https://[^\s/$.?#].[^\s]*$", url):
            raise ValueError("must be a web address starting with https://")
        return url

    @property
    def starts_at(self) -> datetime:
        return london(self.start_date, time.min if self.all_day else self.start_time or time.min)

    @property
    def ends_at(self) -> datetime:
        end_date = self.end_date or self.start_date
        if self.all_day:
            return london(end_date + timedelta(days=1), time.min)
        return london(end_date, self.end_time or time.min)

    @model_validator(mode="after")
    def _consistent(self) -> EventData:
        if not self.all_day and (self.start_time is None or self.end_time is None):
            raise ValueError("give a start and an end time, or make it an all-day event")
        if self.ends_at <= self.starts_at:
            raise ValueError("the event must end after it starts")
        if not self.online and not self.venue:
            raise ValueError("an in-person event needs its venue")
        if self.booking_deadline is not None:
            deadline = self.booking_deadline
            if deadline.tzinfo is None:
                self.booking_deadline = deadline = deadline.replace(tzinfo=LONDON)
            if deadline > self.starts_at:
                raise ValueError("the booking deadline must be before the event starts")
        return self


class CancelEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=1000)


class EventOut(BaseModel):
    id: str
    title: str
    description_html: str
    type: EventType
    status: EventStatus
    cancel_reason: str | None
    starts_at: datetime
    ends_at: datetime
    all_day: bool
    online: bool
    venue: str | None
    address: str | None
    joining_link: str | None = Field(description="Only for booked members and organisers.")
    organiser: str | None
    host_organisation: str | None
    capacity: int | None
    places_left: int | None
    waitlist: int
    booking_deadline: datetime | None
    cpd_hours: float | None
    my_booking: BookingStatus | None
    calendar_url: str


class EventPage(CursorPageOut):
    events: list[EventOut]


class BookingOut(BaseModel):
    event_id: str
    status: BookingStatus
    promoted: str | None = Field(
        default=None, description="The member promoted from the waitlist by a cancellation."
    )


class AttendeeOut(BaseModel):
    member_id: str
    name: str
    email: str | None
    organisation: str | None
    status: BookingStatus
    requested_at: datetime
    attended: bool | None


class AttendanceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attended_member_ids: list[str]


class FeedOut(BaseModel):
    url: str = Field(description="Shown once; a new one replaces it.")
