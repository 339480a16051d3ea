"""`python -m site_builder` is the `sharewall` command."""

from site_builder.cli import main

main()
