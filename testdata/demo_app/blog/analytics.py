"""Reporting queries against the analytics warehouse (a separate PostgreSQL database)."""

import os

from sqlalchemy import create_engine, text

WAREHOUSE_URL = os.environ.get(
    "WAREHOUSE_URL",
    "postgresql://reporter:r3p0rt-2024@warehouse.internal:5432/analytics?sslmode=prefer",  # expect: FC504, FC505
)
TOP_POSTS_LIMIT = 10

engine = create_engine(WAREHOUSE_URL)


def top_posts(order_by):
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                f"SELECT post_id, views FROM post_views ORDER BY {order_by} DESC LIMIT {TOP_POSTS_LIMIT}"  # expect: FC402
            )
        )
        return [{"post_id": row.post_id, "views": row.views} for row in rows]


def views_for(post_id):
    with engine.connect() as conn:
        row = conn.execute(
            text("SELECT views FROM post_views WHERE post_id = :post_id"), {"post_id": post_id}
        ).first()
        return row.views if row else 0
