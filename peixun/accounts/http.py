"""The request of a signed-in view, for the type checker."""

from peixun.accounts.models import User
from peixun.core.http import HtmxRequest


class SignedInRequest(HtmxRequest):
    """A request to a view behind `@login_required`: its user is an account, never anonymous
    (django-stubs' recipe for authenticated requests)."""

    user: User
