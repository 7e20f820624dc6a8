"""Every tunable of Quantix's PKI, each with the reason for its value.

One CA per coordinator; it signs the coordinator's server certificate, each node's certificate
(enrolment, a later step) and each admin's identity. Keys never leave the machine that made them:
the CA key and the coordinator key stay in the coordinator's data directory, 0600.
"""

from __future__ import annotations

import datetime

# ECDSA on P-256: what TLS 1.3 negotiates everywhere (gRPC's BoringSSL included), signatures in
# microseconds, 64-byte keys. RSA-3072 would be as safe and ~10x slower to handshake.
KEY_CURVE_NAME = "secp256r1"

# The CA lives as long as the fleet is likely to: ten years, as libvirt's and oVirt's own CAs.
# Replacing it means re-enrolling every node, so it must not expire under a running fleet.
CA_VALIDITY = datetime.timedelta(days=3650)

# Coordinator, node and admin certificates: one year. Short enough that a leaked key stops
# working within a year without revocation; long enough that renewal (`quantixctl pki rotate`)
# is a yearly chore, not a weekly one.
CERT_VALIDITY = datetime.timedelta(days=365)

# Certificates are valid from a little before they are made: a node whose clock is a few
# minutes behind the coordinator's must not see its brand-new certificate as "not yet valid".
CLOCK_SKEW = datetime.timedelta(minutes=5)

# Files in the coordinator's data directory.
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca-key.pem"
SERVER_CERT_FILE = "coordinator.pem"
SERVER_KEY_FILE = "coordinator-key.pem"

# Private keys and identity files: readable by their owner only.
PRIVATE_MODE = 0o600
# Certificates are public: readable by everyone, writable by the owner.
PUBLIC_MODE = 0o644

# Admin roles, weakest first: viewer reads and watches; operator also retries, toggles
# maintenance and uploads; admin does everything (deletes and PKI included).
ROLES = ("viewer", "operator", "admin")
ADMIN_ROLE = ROLES[-1]
# The two services' roles, carried by the certificates the CA gives them (never by an admin's).
NODE_ROLE = "node"
COORDINATOR_ROLE = "coordinator"

# A node's certificate carries the DNS name ``<host>.node.quantix.invalid``: clients dialling
# a node verify that name (gRPC's target-name override), whatever address the node has today.
# ``.invalid`` can never be a real domain (RFC 2606), so no coordinator name collides with it.
NODE_NAME_SUFFIX = ".node.quantix.invalid"

# Files in a node's data directory: its own key and certificate, the CA that issued it, and
# the coordinator address stored with them (so starts need no --coordinator).
NODE_CERT_FILE = "node.pem"
NODE_KEY_FILE = "node-key.pem"
NODE_CA_FILE = "ca.pem"
NODE_COORDINATOR_FILE = "coordinator"
