"""The Create Network wizard's pages, one module per step."""
