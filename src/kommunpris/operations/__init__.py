"""Running the installation: backup and restore of the database and the uploaded files."""
