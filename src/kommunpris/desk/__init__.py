"""The desk: signed-in work for organisers, municipality contacts, jurors and the jury chair."""
