"""The credit ledger: append-only CreditEntry, rollups and ComplianceResult, posting and reversal,
my hours, the compliance report, what-if runs and historical imports. Layer 7."""
