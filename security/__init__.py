"""Sign-in, second factor, sessions and request ids (issue 9).

A small Django app on the ground floor: it knows users and services, never
clients. The client access audit lives in clients/audit.py.
"""
