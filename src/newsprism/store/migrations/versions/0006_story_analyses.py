"""Stored analysis per story version (with its entities and contradictions as rows, for
views across stories), and the queue of stories to analyse again.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_analyses",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("story_id", sa.String(64), nullable=False, index=True),
        sa.Column("version", sa.String(64), nullable=False),
        sa.Column("n_articles", sa.Integer(), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("story_id", "version"),
    )
    op.create_table(
        "analysis_entities",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("analysis_pk", sa.Integer(), sa.ForeignKey("story_analyses.pk", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("story_id", sa.String(64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("spellings", sa.Text(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "analysis_contradictions",
        sa.Column("pk", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("analysis_pk", sa.Integer(), sa.ForeignKey("story_analyses.pk", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("story_id", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False, index=True),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_table(
        "story_queue",
        sa.Column("story_id", sa.String(64), primary_key=True),
        sa.Column("state", sa.String(16), nullable=False, index=True),
        sa.Column("again", sa.Boolean(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(255), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("story_queue")
    op.drop_table("analysis_contradictions")
    op.drop_table("analysis_entities")
    op.drop_table("story_analyses")
