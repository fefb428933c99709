"""Helpers for the DAGs in this folder (not DAGs themselves: listed in .airflowignore)."""
