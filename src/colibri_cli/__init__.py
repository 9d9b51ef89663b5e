"""colibri: a command-line CRM for solo salespeople, over one local SQLite file."""

__version__ = "0.1.0"
