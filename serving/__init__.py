"""Machinery shared by the coordinator and node daemon servers (gRPC, logging, shutdown)."""
