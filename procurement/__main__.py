"""`python -m procurement` runs the command line."""

from procurement.cli import main

main()
