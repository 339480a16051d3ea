"""The daily digest: the posts that became active since the last one, to a Teams channel and by e-mail."""
