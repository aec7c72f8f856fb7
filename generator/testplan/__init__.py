"""Stage 3, test plan: sample values from the IR and the contract tests planned from them."""
