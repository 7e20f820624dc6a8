"""Qt item models of the console."""
