"""Imports of files: ImportJob (upload, background check, preview, all-or-nothing apply) and the
registry of import kinds the apps register. Layer 8."""
