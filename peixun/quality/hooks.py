"""What quality lets higher apps tell it (peixun.core.hooks; quality never imports them). The
surveys app registers into these; with nobody registered, or nobody answering, the pages say
"暂无评价" — unknown, not zero.

- `trainer_satisfaction(person_ids=…, year=…)`: {person id: (rate, responses)} for the trainers
  rated in that year (rate a Decimal share of 0–1), or None when the listener knows nothing. The
  answers are merged; a person missing from every answer has no rating.
- `project_satisfaction(project=…)` (first answer): (rate, responses) or None.
"""

from peixun.core.hooks import Hook

trainer_satisfaction = Hook("quality: trainers' satisfaction in a year")
project_satisfaction = Hook("quality: a project's satisfaction")
