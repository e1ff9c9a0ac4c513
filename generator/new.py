"""`dotpha new`: a commented registration file at the right path (placeholder, being written)."""

from __future__ import annotations

from argparse import ArgumentParser, Namespace


def add_new_arguments(parser: ArgumentParser) -> None:
    pass


def run_new(args: Namespace) -> int:
    raise NotImplementedError
