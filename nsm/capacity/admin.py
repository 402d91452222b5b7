"""Admin for capacity building, for superusers: trainings with their topics and participants, with history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from nsm.capacity.models import Participant, Training, TrainingTopic


class TopicInline(admin.TabularInline):
    model = TrainingTopic
    extra = 0


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    autocomplete_fields = ["institution"]


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "strategy", "starts_on", "ends_on", "organiser", "organiser_name"]
    list_filter = ["strategy", "starts_on"]
    search_fields = ["title", "location", "organiser_name"]
    list_select_related = ["strategy", "organiser"]
    inlines = [TopicInline, ParticipantInline]


@admin.register(Participant)
class ParticipantAdmin(SimpleHistoryAdmin):
    list_display = ["name", "institution", "sex", "training", "pre_score", "post_score"]
    list_filter = ["sex", "training__strategy"]
    search_fields = ["name", "institution__code", "training__title"]
    list_select_related = ["institution", "training"]
    autocomplete_fields = ["institution"]
