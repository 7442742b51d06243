"""The nominations desk, one module per part of the work: the organiser's editions and field,
the municipalities' contacts and attachments, and the municipality contact's own pages. Thin
views: they ask kommunpris.permissions.nominations, read through the nominations selectors and
change things only through services."""
