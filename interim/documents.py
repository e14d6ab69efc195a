"""Documents: a page rendered to PDF with WeasyPrint.

WeasyPrint needs Pango from the system, so it is imported only when a PDF is asked for:
the app starts and serves every page without it, and a PDF asked for where it is missing
is a page saying so (503), never a 500. WeasyPrint reads nothing but the site's own static
files, from disk: it never fetches anything over the network.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils._os import safe_join

UNAVAILABLE_TEMPLATE = "documents/unavailable.html"


class RefusedURL(ValueError):
    """A URL a document may not load: anything but one of the site's static files."""


def static_file_for(url: str, origin: str) -> Path:
    """The file on disk that `url` names: a static file of the site at `origin`
    (scheme and host, as the document's base URL has them). Anything else is refused,
    whatever its scheme: no other host, no page of the app, no file outside the static
    files."""
    parts = urlsplit(url)
    site = urlsplit(origin)
    prefix = urlsplit(settings.STATIC_URL).path
    prefix = "/" + prefix.strip("/") + "/"
    same_site = (parts.scheme, parts.netloc) == (site.scheme, site.netloc)
    if not same_site or parts.scheme not in ("http", "https"):
        raise RefusedURL(f"A document loads only the site's static files, not {url}.")
    if not parts.path.startswith(prefix):
        raise RefusedURL(f"A document loads only the site's static files, not {url}.")
    name = unquote(parts.path[len(prefix) :])
    found = _find_static(name)
    if found is None:
        raise RefusedURL(f"There is no static file {name}.")
    return found


def _find_static(name: str) -> Path | None:
    """A static file by its name: collected (STATIC_ROOT, where the hashed names of a
    manifest storage are) or, before collectstatic, from the finders."""
    try:
        if settings.STATIC_ROOT:
            collected = Path(safe_join(str(settings.STATIC_ROOT), name))
            if collected.is_file():
                return collected
        found = finders.find(name)
    except SuspiciousFileOperation:
        return None
    if isinstance(found, list):
        found = found[0] if found else None
    return Path(found) if found and Path(found).is_file() else None


def static_url_fetcher(origin: str) -> Any:
    """WeasyPrint's URL fetcher for a document of the site at `origin`: the site's static
    files read from disk, every other URL refused (WeasyPrint then leaves the resource out
    and says so in its log)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFilesFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            path = static_file_for(url, origin)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticFilesFetcher(allowed_protocols=("http", "https"), allow_redirects=False)


def _weasyprint() -> Any:
    """The WeasyPrint module, or None when it or the Pango library it needs is missing."""
    try:
        import weasyprint
    except (ImportError, OSError):
        return None
    return weasyprint


def render_pdf(
    request: HttpRequest,
    template_name: str,
    context: dict[str, Any],
    filename: str,
    *,
    print_url: str = "",
) -> HttpResponse:
    """`template_name` rendered with `context` as a PDF download named `filename`; a 503
    page pointing at the print-ready page (`print_url`) when WeasyPrint cannot run here."""
    weasyprint = _weasyprint()
    if weasyprint is None:
        return render(request, UNAVAILABLE_TEMPLATE, {"print_url": print_url}, status=503)
    html = render_to_string(template_name, {**context, "for_pdf": True}, request=request)
    origin = request.build_absolute_uri("/")
    pdf = weasyprint.HTML(
        string=html, base_url=origin, url_fetcher=static_url_fetcher(origin)
    ).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
