"""Errors that services raise and interfaces turn into clear messages."""

from django.core.exceptions import PermissionDenied


class ApplicationError(Exception):
    """A request that cannot be done, with a message safe to show the person."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotAllowed(ApplicationError, PermissionDenied):
    """The acting user lacks the permission for this action.

    Also a ``PermissionDenied``: a view that lets it through answers 403 with the
    site's friendly page (or JSON under /api/), like any other refusal.
    """

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message, code="forbidden")
