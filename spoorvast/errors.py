"""The one exception tree of spoorvast.

::

    SpoorvastError
    ├── UserError                  a person can act on it; carries an exit code
    │   ├── VaultNotFound          (exit 3)
    │   ├── VaultExists            (exit 3)
    │   ├── WrongPassphrase        (exit 4)
    │   ├── VaultLocked            (exit 5)  another process holds the vault
    │   ├── NoSuchCase / NoSuchItem(exit 6)
    │   ├── InputFileError         (exit 7)  unreadable / changing / unsupported input
    │   ├── StorageFull            (exit 8)  disk full while writing; nothing half-written
    │   └── IntegrityError         (exit 9)  verify found problems
    │       └── DatabaseDamaged    (exit 9)  database pages fail their check
    └── InternalError              a bug; shown with a traceback only under --debug

Messages are already translated when raised (they go through ``spoorvast.i18n``) and
never contain evidence content: at most a file name the user typed and a place in it.
"""

from __future__ import annotations


class SpoorvastError(Exception):
    """Base of every error spoorvast raises on purpose."""


class UserError(SpoorvastError):
    """An error a person can understand and act on."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class VaultNotFound(UserError):
    exit_code = 3


class VaultExists(UserError):
    exit_code = 3


class WrongPassphrase(UserError):
    exit_code = 4


class TooManyAttempts(UserError):
    """Unlock refused without trying the passphrase: too many wrong ones just before."""

    exit_code = 4


class VaultLocked(UserError):
    exit_code = 5


class NoSuchCase(UserError):
    exit_code = 6


class NoSuchItem(UserError):
    exit_code = 6


class InputFileError(UserError):
    exit_code = 7


class StorageFull(UserError):
    exit_code = 8


class IntegrityError(UserError):
    exit_code = 9


class DatabaseDamaged(IntegrityError):
    """SQLCipher refused pages of the database (authentication or structure)."""


class InternalError(SpoorvastError):
    """A bug: something that should never happen."""
