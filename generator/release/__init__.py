"""Beside the pipeline, release: spec diff, verdicts for users, changelog and the version bump."""
