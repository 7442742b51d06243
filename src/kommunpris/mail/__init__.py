"""Outgoing e-mail: rendered from templates, stored, sent after the transaction commits, retried."""
