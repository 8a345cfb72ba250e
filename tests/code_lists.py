"""Seeding the code lists a flushed test database lacks: the root conftest
puts them back once a session, and transactional tests after each flush."""


def seed_all_code_lists() -> None:
    from django.apps import apps

    from clients.code_lists import seed_code_lists as seed_clients
    from clients.review_codes import seed_review_code_lists
    from keywork.code_lists import seed_code_lists as seed_keywork

    seed_clients(apps.get_model)
    seed_keywork(apps.get_model)
    seed_review_code_lists(apps.get_model)
