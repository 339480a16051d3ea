"""Code every Sharewall function shares: identity, errors, the resolver set-up, AWS clients, pseudonyms.

Kept free of anything heavy at import time: each function's cold start pays for what it imports.
"""
