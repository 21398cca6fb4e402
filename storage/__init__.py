"""Storage: SQLModel tables, engine and sessions, Alembic migrations, and the queries."""
