"""Moments on the wire: seconds since the epoch to a protobuf Timestamp, and a Timestamp from
a request back to seconds, checked first: the conversions raise on values the wire format
allows (negative nanos, a year past 9999), which would reach the client as UNKNOWN instead of a
refusal naming the field."""

from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from domain.errors import ValidationError

# Timestamp's documented range: 0001-01-01 to 9999-12-31.
MIN_SECONDS = -62_135_596_800
MAX_SECONDS = 253_402_300_799
NANOS_PER_SECOND = 1_000_000_000


def timestamp_of(seconds: float) -> Timestamp:
    stamp = Timestamp()
    stamp.FromNanoseconds(int(seconds * 1e9))
    return stamp


def timestamp_seconds(stamp: Timestamp, field: str) -> float:
    """Seconds since the epoch of a valid Timestamp, or ValidationError naming ``field``."""
    if not 0 <= stamp.nanos < NANOS_PER_SECOND:
        raise ValidationError(field, f"nanos must be 0-{NANOS_PER_SECOND - 1} (got {stamp.nanos})")
    if not MIN_SECONDS <= stamp.seconds <= MAX_SECONDS:
        raise ValidationError(field, "must be a time between the years 1 and 9999")
    return stamp.seconds + stamp.nanos / NANOS_PER_SECOND
