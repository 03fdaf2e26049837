"""Full-text search over articles, created here rather than on the web app's first use:
a contentless FTS5 table on SQLite (filled as searches catch up), a GIN expression index
on PostgreSQL. The web app's own earlier copy (`web_article_search`) is dropped.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# the expression newsprism.store.search queries (kept identical, or the index is not used)
PG_DOCUMENT = "to_tsvector('english', coalesce(title, '') || ' ' || text)"


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS web_article_search")
        op.execute("CREATE VIRTUAL TABLE article_search USING fts5(title, text, content='', "
                   "tokenize='porter unicode61')")
    else:
        op.execute("DROP INDEX IF EXISTS web_article_search")
        op.execute(f"CREATE INDEX article_search ON articles USING gin ({PG_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_search")
    else:
        op.execute("DROP INDEX IF EXISTS article_search")
