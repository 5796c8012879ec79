"""Training: annual plans, projects and their lifecycle (the table in rules/, the steps other apps
register in lifecycle.py), enrolment, quotas, lotteries, classes, learning codes, notices. Layer 9."""
