"""Writers: one module per output format, each taking the finished run and a target directory."""
