"""What every app builds on: shared fields, choices and form widgets, DomainError, pagination,
append-only tables, compiled statements, the ID vault, hooks, shared view helpers. Layer 2."""
