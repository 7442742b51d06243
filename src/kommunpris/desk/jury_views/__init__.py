"""The jury's desk pages, one module per part of the work; every page asks permissions.jury."""
