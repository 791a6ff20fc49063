"""``python -m amplify_bias`` runs the command line."""

from ._cli import main

main()
