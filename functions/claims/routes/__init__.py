"""One Router per resource of the claims function: invites, claims, uploads, exports."""
