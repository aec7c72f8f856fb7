"""Stage 5, write: rendered files into the output folder atomically, and the drift check."""
