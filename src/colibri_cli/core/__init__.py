"""The logic of colibri: validation, SQL and computations. Imports neither typer nor rich."""
