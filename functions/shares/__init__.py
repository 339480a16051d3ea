"""The shares function: POST /shares counts a share exactly once, GET /stats reads the aggregates."""
