"""Pure rules of competitions (no Django): quotas, draws, scores, awards, groups and exemptions."""
