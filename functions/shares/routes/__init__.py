"""One Router per resource of the shares function."""
