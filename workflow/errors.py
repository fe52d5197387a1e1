"""One exception hierarchy; the CLI maps each class to an exit code.

Every message is meant to be shown to a person as one line: it names the file, key or
mail that is wrong and says what is wrong with it.
"""


class CallflowError(Exception):
    """Base class of every error callflow reports to its user."""

    exit_code = 1


class UsageError(CallflowError):
    """A command was called wrongly (unknown address, bad arguments)."""

    exit_code = 2


class ConfigError(CallflowError):
    """config.yaml, a rule file or a template is invalid."""

    exit_code = 2


class MailboxError(CallflowError):
    """The incoming mailbox (IMAP server or Maildir) failed."""


class TransportError(CallflowError):
    """Sending mail failed."""


class SignInError(CallflowError):
    """An OAuth2 sign-in is missing, expired or revoked: someone must run `callflow login`."""


class StorageError(CallflowError):
    """The state file cannot be read or written."""


class LockError(CallflowError):
    """Another callflow instance already works on the same storage."""


class TransitionError(UsageError):
    """An organiser asked for a state change the lifecycle does not allow."""
