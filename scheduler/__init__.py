"""Scheduling: the working-day calendar, the reminder policy, the APScheduler wiring and the
outbox dispatcher."""
