"""`field__any_of=[...]`: membership in a long list of values.

On PostgreSQL it is `field = ANY(%s)` with the whole list as one array parameter: an IN of 50,000
placeholders costs psycopg more to build than the server takes to answer it (a roster import
looks up every row's ID hash at once). Elsewhere it is the usual IN, and the caller keeps to the
database's variable limit.
"""

from typing import Any

from django.db.models import CharField, Lookup
from django.db.models.lookups import In


@CharField.register_lookup
class AnyOf(Lookup):
    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql":
            return compiler.compile(In(self.lhs, list(self.rhs)))
        lhs, lhs_params = self.process_lhs(compiler, connection)
        _rhs, rhs_params = self.process_rhs(compiler, connection)
        values: Any = rhs_params[0]  # type: ignore[misc]  # the one parameter: the list of values (prepare_rhs off)
        return f"{lhs} = ANY(%s)", (*lhs_params, [str(value) for value in values])
