"""Admin for the working group, for superusers: meetings with their participants, decisions and action points."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nsm.workinggroup.models import ActionPoint, Decision, Meeting, MeetingParticipant


class ParticipantInline(admin.TabularInline):
    model = MeetingParticipant
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "body", "title", "strategy"]
    list_filter = ["body", "strategy"]
    search_fields = ["title", "agenda"]
    inlines = [ParticipantInline, DecisionInline]


@admin.register(ActionPoint)
class ActionPointAdmin(SimpleHistoryAdmin):
    list_display = ["text", "owner", "due_on", "status"]
    list_filter = ["status", "owner"]
    list_select_related = ["owner"]
    search_fields = ["text_sq", "text_en"]
