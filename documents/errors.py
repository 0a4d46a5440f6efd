"""Errors of the documents domain, each with an HTTP status, a stable code and a Korean message."""

from rest_framework import status

from config.exceptions import DomainError


class FileTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "file_too_large"


class UnsupportedFileType(DomainError):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    code = "unsupported_file_type"


class DuplicateDocument(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "duplicate_document"


class AccessLevelTooHigh(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "access_level_too_high"


class ReviewNotAllowed(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "review_not_allowed"


class ReviewCommentRequired(DomainError):
    status_code = status.HTTP_400_BAD_REQUEST
    code = "review_comment_required"


class ExtractionError(Exception):
    """Raised by a pipeline step; `reason` is the Korean sentence shown to the user."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = str(reason)

