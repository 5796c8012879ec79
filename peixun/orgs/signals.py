"""Signals other apps listen to, so the org tree and the registry need not know them.

- `subtree_moved(sender=Org, old_path, new_path)`: an org and its subtree moved (their paths were
  rewritten); sent inside the transaction that moved them.
- `people_changed(sender=Person, person_ids)`: people were created, or their facts changed (org,
  title, roles, status …), by an import; sent inside its transaction.
"""

from django.dispatch import Signal

subtree_moved = Signal()
people_changed = Signal()
