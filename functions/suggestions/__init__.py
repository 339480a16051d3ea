"""The suggestions function: employees suggest posts, comms accept (a draft pull request) or decline."""
