"""The create-pool wizard's backend forms: the fields of each backend, one module each."""
