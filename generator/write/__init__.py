"""Stage 5, write: rendered files into the output folder atomically, the manifest and spec copy
the next generation reads, and the drift check."""
