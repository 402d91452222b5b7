"""Admin for users (with their memberships), institutions (with their history), memberships and API tokens."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from nsm.accounts.models import ApiToken, Institution, Membership, User


class MembershipInline(admin.TabularInline):
    """A user's roles, edited on the user's page: who acts for which institution."""

    model = Membership
    fields = ("institution", "role")
    autocomplete_fields = ("institution",)
    extra = 0


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = (MembershipInline,)
    list_display = ("username", "email", "first_name", "last_name", "is_staff", "is_active")


@admin.register(Institution)
class InstitutionAdmin(SimpleHistoryAdmin):
    """A code is unique within its country (MPB of Albania and MPB of Kosovo are two institutions): the list shows
    the country next to the code, and a search may name both ("MPB XK")."""

    list_display = ("code", "country", "name_sq", "name_en", "kind", "is_active", "verified")
    list_filter = ("country", "kind", "is_active", "verified")
    search_fields = ("code", "country", "name_sq", "name_en")


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "institution", "institution__country", "role")
    list_filter = ("role", "institution__country", "institution__kind")
    list_select_related = ("user", "institution")
    autocomplete_fields = ("user", "institution")
    search_fields = ("user__username", "user__first_name", "user__last_name", "institution__code")


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens are made by their users on their API tokens page (the key is shown only there, once); here an
    administrator sees them and can revoke one by setting its revocation time."""

    list_display = ("prefix", "name", "user", "created_at", "expires_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    list_select_related = ("user",)
    search_fields = ("prefix", "name", "user__username")
    fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "created_at", "expires_at", "last_used_at")

    def has_add_permission(self, request) -> bool:
        return False
