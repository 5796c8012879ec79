"""What training lets higher apps add to its pages (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, training never imports them). What they do when a project moves is the
lifecycle's hook, peixun.training.lifecycle.

- `inbox_panels(request=…)`: sections of the inbox, each as HTML (or None to show nothing), in
  order — the leave requests waiting for the user's decision.
- `move_confirmation(project=…, action=…)` (first answer): the address of a page where the user
  must confirm a move before it is made, or None to make it at once — delivery: moving to
  assessment while lessons are still ahead.
- `class_in_use(cohort=…)` (first answer): why a class may not be removed by a change request
  besides its trainees, in words, or None — delivery: the class has lessons.
"""

from peixun.core.hooks import Hook

inbox_panels = Hook("training: the inbox")
move_confirmation = Hook("training: a move to confirm first")
class_in_use = Hook("training: what keeps a class from being removed")
