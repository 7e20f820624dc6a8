"""quantix-coordinator: inventory, desired state, per-host status and the Watch stream."""
