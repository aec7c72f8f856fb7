"""Stage 3, test plan: sample values from the IR and the contract tests planned from them.

Samples: ``samples`` (a value per type construct), ``formats``, ``patterns`` and
``conformance`` (what a valid value is), ``calls`` (the keyword arguments of sample calls),
``sample_source`` (samples as Python source). Plan: ``cases`` (one row per operation),
``routing`` (routing traps), ``invalid_requests`` (calls Prism must reject) and
``contract_plan`` (the whole plan the test templates print).
"""
