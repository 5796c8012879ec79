"""The org tree, the people registry and role grants, with access.py (every permission); roster
and org imports; hooks for a moved subtree and changed people. Layer 4."""
