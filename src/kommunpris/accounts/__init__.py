"""Signing in: passwords, two-factor sign-in (TOTP and recovery codes), throttling, the audit."""
