"""The inbox, its bell in the header, and each user's choice of how notices reach them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from nsm.notifications import selectors, services
from nsm.notifications.forms import PreferencesForm
from nsm.notifications.models import Notification

PAGE_SIZE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page, "unread": selectors.unread_count(request.user)})


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a notice to its page, marking it read; another user's notice is 404, as a missing one."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    url = services.open_notification(notification)
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return redirect("notifications:inbox")
    return HttpResponseRedirect(url)


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_read(request.user)
    messages.success(request, _("Every notification is marked read."))
    return redirect("notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=services.preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        services.save_preferences(request.user, choices=form.cleaned_data)
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@login_required
@require_GET
def bell(request: HttpRequest) -> HttpResponse:
    """The header's count of unread notices, asked for by htmx when a page loads and every minute."""
    return render(request, "notifications/_bell.html", {"unread": selectors.unread_count(request.user)})
