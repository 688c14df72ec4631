"""Jobs: sync runs, agent runs and the worker that schedules both."""
