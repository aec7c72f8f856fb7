"""Beside the pipeline, release: what changed between two specs, the verdict for users, the
CHANGELOG and the version bump.

``diff`` compares two documents (``sides`` builds each, ``matching`` pairs old and new
names, the ``compare_*`` modules judge each subject) into a ``report`` of ``changes``,
shown by ``formats``; ``plan`` turns the report against the ``previous`` generation into
the ``version`` and the ``changelog``.
"""
