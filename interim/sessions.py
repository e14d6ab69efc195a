"""Sessions read from the cache and written through to the database (Django's `cached_db`),
with the cache as an accelerator only: a cache that is down costs a database read, never
the request. Django's own store already survives a failing read or save; this one also
survives a failing refill after a database read, an existence check and a delete (a
sign-out)."""

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def _quietly(self, operation, *args):
        try:
            return operation(*args)
        except Exception:
            logger.warning("Session cache unavailable (%s).", operation.__name__, exc_info=True)
            return None

    def load(self):
        data = self._quietly(self._cache.get, self.cache_key)
        if data is not None:
            return data
        stored = self._get_session_from_db()
        if not stored:
            return {}
        data = self.decode(stored.session_data)
        self._quietly(
            self._cache.set, self.cache_key, data, self.get_expiry_age(expiry=stored.expire_date)
        )
        return data

    def exists(self, session_key):
        if session_key and self._quietly(self._cache.has_key, self.cache_key_prefix + session_key):
            return True
        return DatabaseStore.exists(self, session_key)

    def delete(self, session_key=None):
        DatabaseStore.delete(self, session_key)
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self._quietly(self._cache.delete, self.cache_key_prefix + session_key)
