"""Who may see the site's pages: the home page is everyone's (each figure follows the grants behind
it, peixun.site.selectors); the audit log needs `audit.view`, its rows scoped by the org path each
event carries. The site's pages ask only this module (it re-exports the org-level checks they use).
"""

from peixun.orgs.access import has_perm as has_perm
from peixun.orgs.access import require_perm as require_perm
from peixun.orgs.access import roles_of as roles_of
