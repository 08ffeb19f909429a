"""Rules of the resource library: adding resources with their files, new versions, edits,
soft deletion and restore, browsing, downloads and text extraction.

Staging uploads and adding files or versions (uploads.py; files kept from a form shown
again with errors are app/uploads/staging.py, shared with the discussions), renaming and
removing files (file_changes.py), creating and changing resources (changes.py), reading
and downloading (reading.py) and the text-extraction queue the worker reads
(extraction_jobs.py), beside what they share (_common.py); this package re-exports their
public names, so `from app.resources import service` and `service.get_resource(...)` keep working.
"""

from app.resources.service.changes import (
    create_resource,
    delete_resource,
    files_problem,
    hide_resource,
    restore_resource,
    unhide_resource,
    update_resource,
)
from app.resources.service.confirming import resource_to_delete
from app.resources.service.extraction_jobs import (
    EXTRACT_TOPIC,
    ExtractionJob,
    pending_extractions,
    record_extraction,
)
from app.resources.service.file_changes import file_name_problem, remove_file, rename_file
from app.resources.service.reading import (
    SORTS,
    Download,
    ResourceFilter,
    Sort,
    download,
    get_resource,
    list_resources,
    publication_years,
    related_resources,
)
from app.resources.service.uploads import (
    MAX_FILES_PER_UPLOAD,
    CheckedFile,
    CheckedUploads,
    Upload,
    add_files,
)

__all__ = [
    "EXTRACT_TOPIC",
    "MAX_FILES_PER_UPLOAD",
    "SORTS",
    "CheckedFile",
    "CheckedUploads",
    "Download",
    "ExtractionJob",
    "ResourceFilter",
    "Sort",
    "Upload",
    "add_files",
    "create_resource",
    "delete_resource",
    "download",
    "file_name_problem",
    "files_problem",
    "get_resource",
    "hide_resource",
    "list_resources",
    "pending_extractions",
    "publication_years",
    "record_extraction",
    "related_resources",
    "remove_file",
    "rename_file",
    "resource_to_delete",
    "restore_resource",
    "unhide_resource",
    "update_resource",
]
