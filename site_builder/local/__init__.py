"""The local stack behind `sharewall serve`: moto on loopback, resources from template.yaml, the dev server."""
