"""`python -m newsfeed` runs the command line."""

from newsfeed.cli import run_and_exit

run_and_exit()
