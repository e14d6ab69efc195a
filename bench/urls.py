"""The app's addresses and the floor: the cheapest page that still pays what every page pays.

The floor goes through the same middleware and, like every page of the app, requires a
signed-in user, so it costs the session read and the user's row; it renders no template and
reads nothing else. A page's requests per second over the floor's tells how much of the
budget the page itself spends."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from interim.urls import urlpatterns as app_patterns


@login_required
def floor(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *app_patterns]
