"""Accounts, roles, passwords, login and server-side sessions."""
