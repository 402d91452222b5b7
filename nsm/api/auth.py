"""Who calls the API: the user of the token whose key comes in `Authorization: Bearer <key>`.

Only tokens: no session, no password, so that a page open in a browser never lends its session to a script, and
no CSRF check is needed. The docs page itself is a normal page, for people signed in.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from nsm.accounts import services
from nsm.accounts.models import User
from nsm.api.errors import ApiError


class AuthenticatedRequest(HttpRequest):
    """A request that `BearerKey` let in: ninja sets `request.auth` to the token's user, which Django's `HttpRequest`
    does not declare. For the type checker only: the handlers get Django's own request object."""

    auth: User


class BearerKey(HttpBearer):
    """Answers the token's user (`request.auth`, and `request.user` too); a refused key gets 401 saying why."""

    def authenticate(self, request: HttpRequest, token: str) -> User:
        try:
            api_token = services.authenticate_api_key(token)
        except services.TokenRefused as refused:
            raise ApiError(401, "unauthorized", refused.message) from None
        request.user = api_token.user
        return api_token.user
