from __future__ import annotations

import re
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.guard.schemas import GuardChoice
from app.members.schemas import TopicOut
from app.resources.models import ExtractionStatus, ResourceStatus, ResourceType

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")


class ResourceData(GuardChoice):
    """A resource's metadata, as a form or the API sends it (title, summary and abstract go
    through the anonymisation guard)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=1, max_length=200)
    summary: str = Field(min_length=1, max_length=2000)
    type: ResourceType
    topics: list[str] = Field(default_factory=list, max_length=10)
    audience: str | None = Field(default=None, max_length=200)
    publication_year: int | None = Field(default=None, ge=1900)
    authors: str | None = Field(default=None, max_length=500)
    abstract: str | None = Field(default=None, max_length=5000)
    doi: str | None = Field(default=None, max_length=200)
    external_url: str | None = Field(default=None, max_length=1000)
    licence_note: str | None = Field(default=None, max_length=500)
    organisation_id: str | None = None
    group_id: str | None = None

    @field_validator(
        "audience",
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
            raise ValueError("must not be in the future")
        return year

    @field_validator("doi")
    @classmethod
    def _doi_format(cls, doi: str | None) -> str | None:
        if doi is None:
            return None
        doi = doi.removeprefix("https://doi.org/").removeprefix("doi:")
        if not DOI_PATTERN.match(doi):
            raise ValueError("must look like 10.1234/abcd (a DOI)")
        return doi

    @field_validator("external_url")
    @classmethod
    def _web_address(cls, url: str | None) -> str | None:
        if url is not None and not re.match(r"^https?://[^\s/$.?#].[^\s]*$", url):
            raise ValueError("must be a web address starting with https://")
        return url

    @model_validator(mode="after")
    def _research_needs_its_record(self) -> ResourceData:
        if self.type == ResourceType.RESEARCH_PAPER:
            missing = [
                label
                for label, value in (
                    ("authors", self.authors),
                    ("publication year", self.publication_year),
                    ("abstract", self.abstract),
                )
                if not value
            ]
            if missing:
                raise ValueError(f"a research paper needs its {', '.join(missing)}")
        if self.type in (ResourceType.LINK, ResourceType.VIDEO) and not self.external_url:
            raise ValueError(f"a {self.type.label.lower()} needs its web address")
        return self


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


class ResourcePage(BaseModel):
    total: int
    offset: int
    limit: int
    resources: list[ResourceOut]
