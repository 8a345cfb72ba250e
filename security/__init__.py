"""Sign-in, second factor, sessions and request ids.

A small Django app just above the tenant: it knows users and services,
never clients. The client access audit lives in audit/ (its writer in
clients/access_log.py).
"""
