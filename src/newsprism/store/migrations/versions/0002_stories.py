"""Story index: stories, story_members, story_index_meta.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stories",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("story_id", sa.String(64), nullable=False, unique=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "story_members",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("article_pk", sa.Integer(), sa.ForeignKey("articles.pk", ondelete="CASCADE"), nullable=False,
                  unique=True),
        sa.Column("story_pk", sa.Integer(), sa.ForeignKey("stories.pk", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("origin_pk", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("copy_of_pk", sa.Integer(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("vector", sa.LargeBinary(), nullable=True),
        sa.Column("sketch", sa.LargeBinary(), nullable=True),
        sa.Column("sketch_size", sa.Integer(), nullable=False),
        sa.Column("terms", sa.LargeBinary(), nullable=True),
        sa.Column("checksum", sa.String(64), nullable=False),
    )
    op.create_table(
        "story_index_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("story_members")
    op.drop_table("stories")
    op.drop_table("story_index_meta")
