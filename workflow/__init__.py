"""callflow: the mail-driven workflow behind a call for participants."""

__version__ = "0.1.0"
