import secrets

# Crockford-style alphabet: no I, L, O or U to misread on a phone call.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A random 10-character reference, for records made in this system.

    Imported records keep the source system's own reference instead."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(10))
