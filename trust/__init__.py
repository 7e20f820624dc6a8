"""Quantix's PKI: a CA per coordinator, certificates for the coordinator, nodes and admins."""
