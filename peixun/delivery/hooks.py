"""What delivery lets higher apps do at its moments (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, delivery never imports them):

- `marks_changed(project=…, enrolment_ids=…)`: attendance, leave, coursework or outside results of
  those trainees (all of them when None) changed. Steps run in the change's transaction — assessment
  recomputes the results there, so a result never lags its inputs.
- `absence_limit(project=…)`: the share of lessons a trainee may miss, and whether leave counts as an
  absence, as `(share, leave_counts)`; None when nothing limits it. The first answer counts —
  assessment answers from the scheme in force.
- `clock_ticked(now=…)`: `manage.py delivery_tick` ran (after closing the lessons that ended) —
  assessment recomputes the results whose next due date has passed, so 待提交 turns into 缺交 on
  time.
- `my_project_panels(request=…, project=…, enrolment=…)`: sections of the trainee's project page, each
  as HTML (or None to show nothing), in order — the result, the certificates.
"""

from peixun.core.hooks import Hook

marks_changed = Hook("delivery: marks changed")
absence_limit = Hook("delivery: absence limit")
clock_ticked = Hook("delivery: the clock ticked")
my_project_panels = Hook("delivery: the trainee's project page")
