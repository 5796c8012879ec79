"""What policies let higher apps do at their moments (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, policies never imports them):

- `adopted(version=…, actor=…)`: a version was put in force; run inside the adoption's transaction
  (the ledger queues the recompute of everyone the policy governs, once committed).
- `what_if_task`: the task that does a what-if run's work (the ledger's: it evaluates the version
  against the people's hours); `WhatIfRun.run_task` answers with the first one registered.
- `sample_result`: evaluates a policy being written for one person from their hours (the ledger's:
  `(policy, person, as_of) → Result`), for the editor's live preview.
"""

from peixun.core.hooks import Hook, Registry

adopted = Hook("policies: a version adopted")
what_if_task: Registry = Registry("policies: the task that runs a what-if")
sample_result: Registry = Registry("policies: one person evaluated under a policy being written")
