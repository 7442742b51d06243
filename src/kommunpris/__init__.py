"""kommunpris: the platform that runs Sveriges DigitaliseringsKommun."""
