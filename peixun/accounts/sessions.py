"""Django's database sessions, with the one lookup every request makes compiled once
(peixun.core.compiled). Used unless REDIS_URL puts the sessions in Redis (settings.py)."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.utils import timezone

from peixun.core.compiled import CompiledLookup

BY_KEY = CompiledLookup(lambda key: Session.objects.filter(session_key=key), key_type=str)


class SessionStore(db.SessionStore):
    def _get_session_from_db(self):
        """The unexpired session row for the key, or None (the key is then forgotten), as Django's."""
        session = BY_KEY.one(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session
