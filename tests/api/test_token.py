"""A token from `manage.py drf_create_token <email>` signs its owner in to the API."""

from io import StringIO

from django.core.management import call_command
from rest_framework.authtoken.models import Token


def test_drf_create_token_takes_the_email_and_the_key_opens_the_api(api, world, cast):
    director = cast["director"]
    out = StringIO()
    call_command("drf_create_token", director.email, stdout=out)
    key = Token.objects.get(user=director).key
    assert key in out.getvalue()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = api.get("/api/assignments/")
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["results"]] == [world["pk"]]
    # The same person as on the web: their own notifications, and the firm's flags.
    assert api.get("/api/notifications/").json()["count"] == 1
    assert api.get(f"/api/assignments/{world['pk']}/flags/").status_code == 200


def test_the_clients_token_reads_as_the_client(api, world, cast):
    call_command("drf_create_token", cast["client"].email, stdout=StringIO())
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.get(user=cast['client']).key}")
    assert api.get(f"/api/assignments/{world['pk']}/flags/").status_code == 404
    assert "open_flags" not in api.get(f"/api/assignments/{world['pk']}/").json()


def test_a_wrong_token_is_401_with_a_sentence(api, db):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    response = api.get("/api/assignments/")
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_regenerating_a_token_retires_the_old_one(api, cast):
    director = cast["director"]
    call_command("drf_create_token", director.email, stdout=StringIO())
    old = Token.objects.get(user=director).key
    call_command("drf_create_token", director.email, "-r", stdout=StringIO())
    assert Token.objects.get(user=director).key != old
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/assignments/").status_code == 401
