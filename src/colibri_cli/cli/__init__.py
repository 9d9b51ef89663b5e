"""The face of colibri: Typer commands, prompts and rendering. Logic lives in core/."""
