"""The pages that read many apps: the home page with each role's figures, the navigation each
user's roles allow, and the audit log for bureau admins. Top layer (interfaces)."""
