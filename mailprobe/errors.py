"""The error tree and exit codes. Only cli.py turns errors into exit codes."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    FAILURE = 1
    USAGE = 2
    BAD_INPUT = 3
    PARTIAL = 4
    UNREACHABLE = 5


class MailprobeError(Exception):
    """Root of every error mailprobe raises on purpose."""

    exit_code = ExitCode.FAILURE


class InputError(MailprobeError):
    """Registry, template, config or argument is wrong; the message says where and what to do."""

    exit_code = ExitCode.BAD_INPUT


class NotInitialised(InputError):
    """The database does not exist or holds no mailprobe schema: run `mailprobe init`."""


class ServerUnreachable(MailprobeError, ConnectionError):
    """An SMTP/IMAP server or the database could not be reached; the message names host:port."""

    exit_code = ExitCode.UNREACHABLE


class AuthError(ServerUnreachable):
    """The server refused our credentials."""


class Busy(MailprobeError):
    """Another mailprobe run holds the lock."""

    exit_code = ExitCode.OK
