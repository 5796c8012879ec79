"""Helpers with no Django and no app: ID numbers and their encryption, dates, safe xlsx and csv
reading and writing, pinyin, PDF fonts, logging filters, the catalog compiler. Layer 1 (the ground)."""
