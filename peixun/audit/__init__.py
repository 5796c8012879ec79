"""The audit log as it is written: AuditEvent (append-only) and `events.record`, which every state
change calls, with the events about one object. Layer 3; its page is peixun.site's."""
