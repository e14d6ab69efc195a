"""The OpenAPI schema passes drf-spectacular's own validation without a warning, describes
every answer each party gets from the reading side, and its docs page is served from our
static files under the site's Content Security Policy."""

import json

import pytest
import requests
import schemathesis
from django.core.management import call_command
from drf_spectacular.generators import SchemaGenerator
from rest_framework.utils.encoders import JSONEncoder
from schemathesis.core.transport import Response

from tests.api.test_access_matrix import PEOPLE, WEB_TWIN, url_of


def test_spectacular_validates_the_schema_without_a_warning(tmp_path):
    call_command("spectacular", validate=True, fail_on_warn=True, file=str(tmp_path / "s.yml"))
    assert "/api/assignments/{id}/candidacies/" in (tmp_path / "s.yml").read_text()


@pytest.fixture(scope="module")
def schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(json.loads(json.dumps(raw, cls=JSONEncoder)))


def as_response(response, url):
    return Response(
        status_code=response.status_code,
        headers={name.lower(): [value] for name, value in response.items()},
        content=response.content,
        request=requests.Request("GET", f"http://testserver{url}").prepare(),
        elapsed=0.0,
        verify=True,
    )


def test_every_answer_of_each_party_is_described_by_the_schema(schema, world, cast, api):
    """The optional fields (dropped for a party) and the candidate's summary included."""
    checked = 0
    for role in PEOPLE[1:]:
        api.force_authenticate(cast[role])
        for name in sorted(WEB_TWIN):
            url = url_of(name, world)
            response = api.get(url)
            template = next(path for path in schema.raw_schema["paths"] if _matches(path, url))
            schema[template]["GET"].validate_response(as_response(response, url))
            checked += response.status_code == 200
    assert checked > 60


def _matches(template, url):
    parts, wanted = template.strip("/").split("/"), url.strip("/").split("/")
    return len(parts) == len(wanted) and all(
        p == w or (p.startswith("{") and w.isdigit()) for p, w in zip(parts, wanted, strict=True)
    )


def test_the_docs_page_has_no_inline_style_nor_script_and_no_cdn(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<style" not in page and "<script>" not in page
    assert "cdn." not in page and "//unpkg" not in page
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert client.get("/api/docs/?script=").status_code == 200
