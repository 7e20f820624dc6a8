"""Virtual networks in the console: the Create Network wizard (the Networks page joins later)."""
