"""Errors of the model runtime, and the root of every Commonplace error.

The root lives here because `models` is the bottom of the import graph
(app -> ui -> memory/capture -> models): every other package can derive from it
without an upward import.
"""


class CommonplaceError(Exception):
    """An environment fault or bad input that the user can act on.

    The message is shown to the user as-is, so it must say what happened and what
    to do; bugs are not CommonplaceErrors and keep their tracebacks in the log.
    """


class ModelError(CommonplaceError):
    """A model could not be found, read, planned or run."""


class ModelFileError(ModelError):
    """A model file is missing, truncated, or not a GGUF file."""


class ModelLoadError(ModelError):
    """A model file is valid but could not be loaded (memory, plan, native failure)."""


class BackendUnavailableError(ModelError):
    """A remote backend could not be reached, timed out, or answered with an error."""


class StructuredOutputError(ModelError):
    """A structured (JSON-schema) call produced output that does not parse or validate.

    `raw` keeps the model's text for the log; it is never silently replaced by `{}`.
    """

    def __init__(self, message: str, *, raw: str = "") -> None:
        super().__init__(message)
        self.raw = raw


class CancelledError(ModelError):
    """A generation was cancelled by its caller before it finished."""
