"""Who may manage which account: accounts are scoped by the orgs their grants and their person lie
in (`accounts.manage`: the bureau; `accounts.provision`: a school creating its teachers' accounts).
The rules live in peixun.orgs.access beside the grants they read; the accounts pages ask only this
module, which re-exports them.
"""

from peixun.orgs.access import access_account as access_account
from peixun.orgs.access import access_grant as access_grant
from peixun.orgs.access import access_org as access_org
from peixun.orgs.access import accounts_in_scope as accounts_in_scope
from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import path_in_scope as path_in_scope
from peixun.orgs.access import require_perm as require_perm
