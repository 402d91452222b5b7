"""The pages' CSS and JavaScript are served by the platform itself: no CDN, nothing fetched from outside."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_every_asset_the_layout_links_is_served_locally(public):
    html = public.get(reverse("accounts:login")).content.decode()
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 4
    for url in assets:
        response = public.get(url)
        assert response.status_code == 200, url
        b"".join(response.streaming_content) if response.streaming else response.content


def test_no_page_refers_to_an_outside_host(public):
    html = public.get(reverse("accounts:login")).content.decode()
    assert not re.search(r'(?:href|src)="(?:https?:)?//', html)
