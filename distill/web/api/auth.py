"""The API token in the OpenAPI document: changing routes declare HTTP bearer and its errors."""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from distill.web.api.models import ErrorOut
from distill.web.security import check_write

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearerAuth",
    description="The server's DISTILL_API_TOKEN; needed only when the server sets one.",
)


def write_access(
    request: Request, _: HTTPAuthorizationCredentials | None = Security(bearer)
) -> None:
    """The token and origin check of a changing route (the document shows it as HTTP bearer)."""
    check_write(request)


# Spread into the decorator of every route that changes the library.
WRITE: dict[str, Any] = {
    "dependencies": [Depends(write_access)],
    "responses": {
        401: {"model": ErrorOut, "description": "The server has a token and it was not sent."},
        403: {"model": ErrorOut, "description": "Sent from another site."},
    },
}
