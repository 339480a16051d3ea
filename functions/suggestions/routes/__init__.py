"""One Router per resource of the suggestions function."""
