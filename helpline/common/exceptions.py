"""Errors that services raise and interfaces turn into clear messages."""


class ApplicationError(Exception):
    """A request that cannot be done, with a message safe to show the person."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class NotAllowed(ApplicationError):
    """The acting user lacks the permission for this action."""

    def __init__(self, message: str = "You are not allowed to do that.") -> None:
        super().__init__(message, code="forbidden")
