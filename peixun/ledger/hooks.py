"""What the ledger lets higher apps add to its pages (peixun.core.hooks; the apps register in their
`AppConfig.ready()`, the ledger never imports them):

- `my_hours_panels(request=…, standing=…)`: sections of a teacher's own hours page under their
  standing, each as HTML (or None to show nothing), in order — the open trainings that would close
  a gap.
"""

from peixun.core.hooks import Hook

my_hours_panels = Hook("ledger: my hours")
