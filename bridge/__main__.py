"""`python -m bridge ...` is the `mgbridge` command, for when the console script is not on PATH."""

from bridge._cli import main

main()
