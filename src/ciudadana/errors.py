"""Exceptions for what is fatal. A bad row is not fatal: it is a finding (see ``ingest``).

Every message says what went wrong, where, and what to do, in the user's language.
"""

from __future__ import annotations


class CiudadanaError(Exception):
    """Base of every error the user should see as one clear message, without a traceback.

    Args:
        message: what happened, where, and what to do.
        code: a stable slug for scripts (``not-a-workspace``, ``invalid-spec``...).
    """

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code

    def to_dict(self) -> dict[str, str]:
        return {"ok": False, "error": self.code, "message": self.message}


class NotAWorkspace(CiudadanaError):
    code = "not-a-workspace"


class InvalidSpec(CiudadanaError):
    code = "invalid-spec"


class UnreadableFile(CiudadanaError):
    code = "unreadable-file"


class WarehouseBusy(CiudadanaError):
    code = "warehouse-busy"


class UnknownTerritoryPack(CiudadanaError):
    code = "unknown-territory-pack"
