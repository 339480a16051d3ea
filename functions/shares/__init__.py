"""The shares function: POST /shares counts a share exactly once, GET /go/ counts a click and redirects,
GET /stats reads the aggregates (and exports them as CSV)."""
