"""Template context: what the signed-in user may do, for navigation and buttons."""

from typing import Any

from django.http import HttpRequest

from nsm.accounts import access, twofactor


def permissions(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "can_edit_plan": access.can_edit_plan(user),
        "user_roles": access.roles(user),
        "is_internal": access.is_internal(user),  # the internal pages' links (`access.internal_page`)
        "can_manage_people": access.manages_people(user),  # the people pages' link (`access.people_page`)
        # Past the second sign-in step where the role needs it: what only a fully signed-in user is shown (the bell,
        # whose requests would otherwise be sent to the code page while the user is typing the code).
        "signed_in": user.is_authenticated and (not twofactor.needs_two_factor(user) or twofactor.is_verified(request)),
    }
