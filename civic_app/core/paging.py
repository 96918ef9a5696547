"""Pages of a long list: `db.paginate` that never answers 404 and never overflows.

Every list a person can make long (the inbox, the events, the participants) is cut into
pages, and `macros.pager` shows "page N of M" with the links to the others: nothing is
cut silently.
"""

from flask_sqlalchemy.pagination import Pagination

from civic_app.core.inputs import MAX_ID
from civic_app.extensions import db


def paginate(select, page, per_page: int) -> Pagination:
    """Page `page` (the first is 1) of `select`, which must be ordered.

    A page that is not a number of 1 or more is the first; one past the last is the last
    (after a row went away, or a hand-made URL), so the pager never leads to an empty
    page; a page number too big for the database's offset is treated the same.
    """
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        page = 1
    page = min(page, MAX_ID // per_page)
    result = _paginate(select, page, per_page)
    if page > 1 and page > result.pages:
        result = _paginate(select, max(result.pages, 1), per_page)
    return result


def _paginate(select, page: int, per_page: int) -> Pagination:
    return db.paginate(select, page=page, per_page=per_page, max_per_page=per_page, error_out=False)
