"""The signed-in person's own language, over the cookie and the browser's."""

from django.db import InterfaceError, OperationalError
from django.utils import translation


class UserLanguageMiddleware:
    """After LocaleMiddleware and authentication: a language kept on the account (chosen
    with the switcher, `partners.views.set_language`) wins over the browser's; an account
    without one keeps what LocaleMiddleware chose from the cookie or Accept-Language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            user = request.user
            language = user.language if user.is_authenticated else ""
        except (OperationalError, InterfaceError):
            # The database is down: the view will meet it and answer its 503 page.
            language = ""
        if language and language != request.LANGUAGE_CODE:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
