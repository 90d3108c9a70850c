"""Errors of the memory package: stores, importers, retrieval."""

from models.errors import CommonplaceError


class StoreError(CommonplaceError):
    """The data directory or one of its stores cannot be used as asked."""


class DatabaseLockedError(StoreError):
    """Another process holds the database's write lock for too long."""


class LockedError(StoreError):
    """The store is encrypted and no (or a wrong) passphrase was given."""


class WeakPassphraseError(LockedError):
    """A new passphrase is too short to protect the store."""


class DiskFullError(StoreError):
    """A write failed because the disk (or a quota) is full."""


class ImportProblem(CommonplaceError):
    """One record of an import could not be taken; the rest of the import goes on."""
