"""E-mail on a developer's console: one line per message, unless asked for the whole text."""

import re

from django.conf import settings
from django.core.mail.backends import console

LINK = re.compile(r"https?://\S+")


class EmailBackend(console.EmailBackend):
    """Who, what and where to click, one line each; EMAIL_CONSOLE_FULL prints every message whole.

    A demo world sends dozens of reminders at start-up: printed whole, they bury the server's
    own output."""

    def write_message(self, message):
        if getattr(settings, "EMAIL_CONSOLE_FULL", False):
            return super().write_message(message)
        link = LINK.search(message.body)
        line = f"E-mail to {', '.join(message.recipients())}: {message.subject}"
        self.stream.write(f"{line} {link.group().rstrip('.,;)>')}\n" if link else f"{line}\n")
