"""Error pages are the site's own, translated, and lead back home."""

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_a_missing_page_shows_the_404_page_with_a_way_home(client, world):
    client.force_login(world.city_admin)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "error-code" in response.content.decode()
    assert f'href="{reverse("site:home")}"' in response.content.decode()


def test_a_forbidden_page_shows_the_403_page(client, world):
    client.force_login(world.teacher_user)
    response = client.get(reverse("site:audit-log"))
    assert response.status_code == 403
    assert "403" in response.content.decode()
    assert f'href="{reverse("site:home")}"' in response.content.decode()


def test_the_500_page_renders_without_any_context():
    with translation.override("en"):
        html = render_to_string("500.html")
    assert "Something went wrong" in html
    assert 'href="/"' in html


@override_settings(LANGUAGE_CODE="en")
def test_error_page_text_is_translatable(client, world):
    client.force_login(world.city_admin)
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="en")
    assert "This page does not exist" in response.content.decode()
