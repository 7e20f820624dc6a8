"""The create-pool wizard's pages, one module per step."""
