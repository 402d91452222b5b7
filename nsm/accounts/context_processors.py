"""Template context: what the signed-in user may do, for navigation and buttons."""

from typing import Any

from django.http import HttpRequest

from nsm.accounts import access


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "can_edit_plan": access.can_edit_plan(user),
        "user_roles": access.roles(user),
        "is_internal": access.is_internal(user),  # the internal pages' links (`access.internal_page`)
        "can_manage_people": access.manages_people(user),  # the people pages' link (`access.people_page`)
    }
