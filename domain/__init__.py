"""Quantix's domain layer: specs, validation and state rules.

Nothing here imports Qt, gRPC or libvirt, so the console (inline validation), quantixctl and
both servers (authoritative validation) call the very same functions.
"""
