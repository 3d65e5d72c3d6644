"""mailprobe: measures how well organisations answer their published mailboxes."""

__version__ = "0.1.0"
