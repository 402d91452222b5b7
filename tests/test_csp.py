"""Every page works under the Content-Security-Policy without 'unsafe-inline': the HTML the server sends has no inline
script code, no `<style>` element, no `style="..."` attribute, no `on...=` event handler and no `javascript:` URL,
inline SVG charts included (the browser would refuse them; tests/browser/test_csp.py watches the browser itself).

The pages are those of the demo, crawled from a list of starting pages as the secretariat, the coordinator, a focal
point, a stakeholder, someone not signed in and the administrator (for Django's admin): one page per route.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nsm.accounts.models import User
from nsm.charts import csp_safe_svg, draw_svg
from nsm.consultation.models import ConsultationRound
from nsm.context.models import ContextIndicator
from nsm.demo import content
from nsm.monitoring.models import ProgressReport, ReportingCycle
from tests.demo.conftest import demo, loaded_once  # noqa: F401 - the demo, loaded once for this module

CODE = content.STRATEGY["code"]
# Links not to follow: signing out, files (workbooks, minutes, evidence) and admin pages that only repeat others.
SKIP = re.compile(r"logout|\.xlsx$|\.docx$|\.pdf$|\.csv$|\.json$|/minutes/$|/evidence/\d+/$|/i18n/|/history/$")
JSON_TYPES = {"application/json", "application/ld+json", "importmap"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class InlineCode(HTMLParser):
    """What in a page the policy blocks: a list of descriptions with the line they are on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.inline_script = False
        self.script_tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        names = dict(attrs)
        if tag == "style":
            self.problems.append(f"line {line}: <style> element")
        if tag == "script":
            self.script_tags += 1
            self.inline_script = "src" not in names and (names.get("type") or "").lower() not in JSON_TYPES
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"line {line}: <{tag} style={value!r}>")
            elif re.match(r"(data-)?(hx-)?on", name) or (
                name in URL_ATTRIBUTES and re.match(r"\s*javascript:", value or "", re.IGNORECASE)
            ):
                self.problems.append(f"line {line}: <{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self.inline_script = False

    def handle_data(self, data: str) -> None:
        if self.inline_script and data.strip():
            self.problems.append(f"line {self.getpos()[0]}: inline <script> code {data.strip()[:60]!r}")


def blocked_inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def route(url: str) -> str:
    """A page's route: its path with numbers replaced, without the query (one page per route is enough)."""
    return re.sub(r"\d+", "N", urlsplit(url).path)


def crawl(client: Client, start: list[str], *, limit: int = 150) -> dict[str, list[str]]:
    """Visit `start`, then the links found, one page per route; -> {url: what the policy would block}. Every page
    answers 200 with the policy header, and the policy has no 'unsafe-inline'."""
    found: dict[str, list[str]] = {}
    routes: set[str] = set()
    queue = list(start)
    while queue and len(found) < limit:
        url = queue.pop(0)
        if route(url) in routes and url not in start:
            continue
        routes.add(route(url))
        response = client.get(url)
        if response.status_code == 302 and response["Location"].startswith("/"):  # e.g. an index to its one strategy
            queue.append(response["Location"])
            continue
        assert response.status_code == 200, (url, response.status_code)
        if not response["Content-Type"].startswith("text/html"):
            continue
        policy = response.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in policy and "style-src 'self'" in policy, (url, policy)
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, (url, policy)
        html = response.content.decode()
        found[url] = blocked_inline_code(html)
        for href in re.findall(r'<a\b[^>]*\shref="([^"#]+)', html):
            target = urljoin("http://testserver" + url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc != "testserver" or SKIP.search(parts.path) or route(target) in routes:
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def assert_no_inline_code(found: dict[str, list[str]]) -> None:
    blocked = {url: problems for url, problems in found.items() if problems}
    assert not blocked, blocked


@pytest.fixture
def as_user(demo, client_for):  # noqa: F811 - the demo fixture imported above
    return lambda username: client_for(User.objects.get(username=username))


def _plan_pages() -> list[str]:
    return [
        reverse("home"),
        reverse("strategy:detail", args=[CODE]),
        reverse("strategy:indicators", args=[CODE]),
        reverse("monitoring:reports"),
        reverse("monitoring:cycles", args=[CODE]),
        reverse("monitoring:cycle", args=[ReportingCycle.objects.filter(strategy__code=CODE).first().pk]),
        reverse("monitoring:report", args=[ProgressReport.objects.filter(cycle__strategy__code=CODE).first().pk]),
        reverse("analytics:dashboard", args=[CODE]),
        reverse("tracking:iptt", args=[CODE]),
        reverse("tracking:gcm", args=[CODE]),
        reverse("tracking:public_index"),
        reverse("consultation:versions", args=[CODE]),
        reverse("consultation:rounds", args=[CODE]),
        reverse("consultation:round-report", args=[ConsultationRound.objects.first().pk]),
        reverse("workinggroup:index"),
        reverse("workinggroup:meetings", args=[CODE]),
        reverse("workinggroup:action-points", args=[CODE]),
        reverse("capacity:trainings", args=[CODE]),
        reverse("capacity:summary", args=[CODE]),
        reverse("context:list"),
        reverse("context:indicator", args=[ContextIndicator.objects.filter(values__isnull=False).first().pk]),
        reverse("reference:index"),
        reverse("accounts:tokens"),
        reverse("api:openapi-view"),
    ]


def test_secretariat_pages_have_no_inline_code(as_user):
    found = crawl(as_user("secretariat"), _plan_pages(), limit=160)
    assert_no_inline_code(found)
    visited = {route(url) for url in found}
    for page in _plan_pages():
        assert route(page) in visited
    assert len(found) >= 60, sorted(visited)  # the crawl reached the forms and detail pages too


def test_pages_with_charts_are_checked_inside_their_svg(as_user):
    client = as_user("secretariat")
    indicator = ContextIndicator.objects.filter(values__isnull=False).first()
    for url in (reverse("analytics:dashboard", args=[CODE]), reverse("context:indicator", args=[indicator.pk])):
        html = client.get(url).content.decode()
        assert '<svg role="img"' in html and "<title id=" in html and "<desc id=" in html, url
        assert blocked_inline_code(html) == [], url


@pytest.mark.parametrize("username", ["coordinator", "focalpoint", "stakeholder"])
def test_other_roles_pages_have_no_inline_code(as_user, username):
    own = reverse("consultation:mine" if username == "stakeholder" else "monitoring:reports")  # no internal page
    assert_no_inline_code(crawl(as_user(username), [reverse("home"), own], limit=60))


def test_public_pages_have_no_inline_code(demo):  # noqa: F811 - the demo fixture imported above
    today = timezone.localdate()
    public_round = ConsultationRound.objects.filter(is_public=True).first()
    public_round.opens_on = today - datetime.timedelta(days=1)
    public_round.closes_on = today + datetime.timedelta(days=1)
    public_round.save()  # open today: its public page (the comment form) is shown
    start = [reverse("accounts:login"), reverse("home"), reverse("reference:index"), reverse("tracking:public_index")]
    start.append(reverse("consultation:public", args=[public_round.pk]))
    assert_no_inline_code(crawl(Client(), start, limit=40))


def test_second_sign_in_step_has_no_inline_code(demo):  # noqa: F811 - the demo fixture imported above
    """The secretariat signed in with a password only is sent to the two-factor code or enrollment page."""
    client = Client()
    client.force_login(User.objects.get(username="secretariat"), backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("home"), follow=True)
    assert response.status_code == 200
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert blocked_inline_code(response.content.decode()) == []


def test_admin_pages_have_no_inline_code(as_user):
    secretariat = User.objects.get(username="secretariat")
    start = [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        f"/admin/accounts/user/{secretariat.pk}/change/",
    ]
    assert_no_inline_code(crawl(as_user("admin"), start, limit=40))


def test_the_checker_finds_what_the_policy_blocks():
    html = (
        "<script>alert(1)</script><script src='/s.js'></script><script type='application/json'>{}</script>"
        '<style>p{}</style><p style="color: red" onclick="x()"><a href="javascript:void(0)">a</a></p>'
        '<svg><g style="fill: red"></g><style>.a{}</style></svg><button hx-on:click="x()">b</button>'
    )
    problems = blocked_inline_code(html)
    assert len(problems) == 8, problems
    assert blocked_inline_code('<script src="/a.js" defer></script><svg fill="red"><title>t</title></svg>') == []


def test_svg_styles_become_presentation_attributes():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg"><style>.mark { fill: red }</style>'
        '<g fill="blue" style="fill: #333; stroke:none; mix-blend-mode: multiply">'
        "<text style='font-family: &quot;Helvetica Neue&quot;, sans-serif; font-size: 12px'>a &gt; b</text>"
        '<rect style="opacity: .5; clip-path: url(#clip;1)"/></g></svg>'
    )
    assert csp_safe_svg(svg) == (
        '<svg xmlns="http://www.w3.org/2000/svg"><g fill="#333" stroke="none">'
        '<text font-family="&quot;Helvetica Neue&quot;, sans-serif" font-size="12px">a &gt; b</text>'
        '<rect opacity=".5" clip-path="url(#clip;1)" /></g></svg>'
    )


def test_drawn_chart_has_no_style_and_keeps_its_title_and_description():
    spec = {
        "title": "Remittances",
        "description": "Remittances by year: 2020 673, 2021 761.",
        "data": {"values": [{"year": "2020", "value": 673}, {"year": "2021", "value": 761}]},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {"x": {"field": "year", "type": "ordinal"}, "y": {"field": "value", "type": "quantitative"}},
    }
    svg = str(draw_svg(spec))
    assert blocked_inline_code(svg) == []
    assert '<title id="chart-remittances-title">Remittances</title>' in svg
    assert '<desc id="chart-remittances-desc">Remittances by year: 2020 673, 2021 761.</desc>' in svg
