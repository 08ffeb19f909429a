from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from app.guard.schemas import GuardChoice
from app.members.schemas import TopicOut
from app.resources.models import ExtractionStatus, ResourceStatus, ResourceType
from app.web.pagination import CursorPageOut

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")


FIELD_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "type": "Type",
    "topics": "Topics",
    "audience": "Audience",
    "publication_year": "Year of publication",
    "authors": "Authors",
    "abstract": "Abstract",
    "doi": "DOI",
    "external_url": "Web address",
    "licence_note": "Licence or permission note",
    "organisation_id": "Organisation",
    "group_id": "Who can see it",
}

# What each type needs beyond a title and summary, with the sentence a form shows when it
# is missing. Checked field by field, so every missing one is reported at once.
REQUIRED_FOR_TYPE: dict[str, dict[ResourceType, str]] = {
    "authors": {ResourceType.RESEARCH_PAPER: "Enter the authors: a research paper needs them"},
    "publication_year": {
        ResourceType.RESEARCH_PAPER: "Enter the year of publication: a research paper needs it"
    },
    "abstract": {ResourceType.RESEARCH_PAPER: "Enter the abstract: a research paper needs it"},
    "external_url": {
        ResourceType.LINK: "Enter the web address: a link needs one",
        ResourceType.VIDEO: "Enter the web address: a video needs one",
    },
}


class ResourceData(GuardChoice):
    """A resource's metadata, as a form or the API sends it (title, summary and abstract go
    through the anonymisation guard). Only a research paper needs a year, authors and an
    abstract; a briefing or a guide may have a year but need not."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=2000)
    type: ResourceType
    topics: list[str] = Field(default_factory=list, max_length=10)
    audience: str | None = Field(default=None, max_length=200)
    publication_year: int | None = Field(default=None, ge=1900, validate_default=True)
    authors: str | None = Field(default=None, max_length=500, validate_default=True)
    abstract: str | None = Field(default=None, max_length=5000, validate_default=True)
    doi: str | None = Field(default=None, max_length=200)
    external_url: str | None = Field(default=None, max_length=1000, validate_default=True)
    licence_note: str | None = Field(default=None, max_length=500)
    organisation_id: str | None = None
    group_id: str | None = None

    @field_validator(
        "audience",
        "publication_year",
        "authors",
        "abstract",
        "doi",
        "external_url",
        "licence_note",
        "organisation_id",
        "group_id",
        mode="before",
    )
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("publication_year")
    @classmethod
    def _not_in_the_future(cls, year: int | None) -> int | None:
        if year is not None and year > datetime.now(UTC).year + 1:
            raise ValueError("The year of publication must not be in the future")
        return year

    @field_validator("publication_year", "authors", "abstract", "external_url")
    @classmethod
    def _needed_for_its_type(cls, value: object, info: ValidationInfo) -> object:
        resource_type = info.data.get("type")
        if value is None and info.field_name is not None:
            message = REQUIRED_FOR_TYPE[info.field_name].get(resource_type)  # type: ignore[arg-type]
            if message:
                raise ValueError(message)
        return value

    @field_validator("doi")
    @classmethod
    def _doi_format(cls, doi: str | None) -> str | None:
        if doi is None:
            return None
        doi = doi.removeprefix("https://doi.org/").removeprefix("doi:")
        if not DOI_PATTERN.match(doi):
            raise ValueError("Enter the DOI in the form 10.1234/abcd, or leave it empty")
        return doi

    @field_validator("external_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", url):
            raise ValueError("Enter a web address starting with https://")
        return url


class FileVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    number: int
    original_filename: str
    file_type: str
    size: int
    change_note: str | None
    uploaded_at: datetime
    extraction_status: ExtractionStatus
    extraction_error: str | None


class ResourceFileOut(BaseModel):
    id: str
    name: str
    current: FileVersionOut
    versions: list[FileVersionOut]
    download_url: str


class ResourceOut(BaseModel):
    id: str
    title: str
    summary: str
    type: ResourceType
    status: ResourceStatus
    topics: list[TopicOut]
    audience: str | None
    publication_year: int | None
    authors: str | None
    abstract: str | None
    doi: str | None
    external_url: str | None
    licence_note: str | None
    organisation: str | None
    owner: str | None
    group_id: str | None
    download_count: int
    created_at: datetime
    updated_at: datetime
    files: list[ResourceFileOut] | None = None


class ResourcePage(CursorPageOut):
    resources: list[ResourceOut]
