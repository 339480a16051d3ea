"""Sharewall: an employee-advocacy wall kept as code.

The content core (`settings`, `frontmatter`, `content`, `sharing`, `checks`) imports nothing
from MkDocs; `plugin` is the one thin adapter to it.
"""
