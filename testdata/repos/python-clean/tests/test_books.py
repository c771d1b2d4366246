from app.db import books_by_author


def test_no_books(session):
    assert books_by_author(session, 42) == []
