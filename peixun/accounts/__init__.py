"""Accounts and signing in: the User, login by username, phone or ID number, lockout, idle timeout,
password policy, and the pages that manage accounts and their grants. Layer 5."""
