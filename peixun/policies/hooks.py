"""What policies let higher apps do at their moments (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, policies never imports them):

- `adopted(version=…, actor=…)`: a version was put in force; run inside the adoption's transaction
  (the ledger queues the recompute of everyone the policy governs, once committed).
"""

from peixun.core.hooks import Hook

adopted = Hook("policies: a version adopted")
