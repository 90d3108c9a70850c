"""Errors of the capture package."""

from models.errors import CommonplaceError


class CaptureError(CommonplaceError):
    """The screen cannot be grabbed, or capture cannot go on as configured."""


class OcrError(CaptureError):
    """OCR failed on one frame; capture and import go on without its text."""


class ImageError(CaptureError):
    """An image file is missing, unreadable, corrupt or unreasonably large."""
