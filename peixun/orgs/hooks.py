"""What the org tree and the registry let higher apps do at their moments (peixun.core.hooks; the
apps register in their `AppConfig.ready()`, orgs never imports them):

- `subtree_moved(old_path=…, new_path=…)`: an org and its subtree moved (their paths were
  rewritten); run inside the transaction that moved them.
- `people_changed(person_ids=…)`: people were created, or their facts changed (org, title, roles,
  status …), by an import;
  run inside its transaction.
"""

from peixun.core.hooks import Hook

subtree_moved = Hook("orgs: a subtree moved")
people_changed = Hook("orgs: people changed")
