"""An e-mail backend for the worker-crash test: each message is written to a file (one line:
recipient and subject) and then takes a while, so that a worker can be killed between two
messages and the file shows what went out, across processes."""

import os
import time

from django.core.mail.backends.base import BaseEmailBackend


class SlowFileBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = os.environ["INTERIM_TEST_MAIL_LOG"]
        delay = float(os.environ.get("INTERIM_TEST_MAIL_DELAY", "0.5"))
        for message in email_messages:
            with open(path, "a") as out:
                out.write(f"{','.join(message.to)}|{message.subject}\n")
                out.flush()
                os.fsync(out.fileno())
            time.sleep(delay)
        return len(email_messages)
