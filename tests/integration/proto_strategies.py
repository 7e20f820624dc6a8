"""Hypothesis strategies that build any protobuf message from its descriptor, leaning towards
what breaks servers: control and non-ASCII characters, huge strings, numbers at their limits,
enum values no one defined, repeated fields with many elements, nested messages, oneofs. Well
formed values (``hints``) are mixed in so that generated requests also get past validation and
reach deeper code."""

from __future__ import annotations

from collections.abc import Sequence

from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from hypothesis import strategies as st

F = FieldDescriptor

# Characters that have broken parsers: controls, a newline, NUL, non-ASCII digits, right-to-left
# marks, surrogate-free astral characters, path separators and dots.
NASTY_CHARACTERS = "\x00\n\r\t\x1b\x7f ²٣\u202e\u200b\U0001f600/.:%\\'\"-_[]@"
# The longest string generated: well past every bound the validators enforce (a few hundred
# characters) and a 64 KiB message, yet far below gRPC's 16 MiB message limit.
HUGE = 70_000
# A repeated field is sometimes this long: past MAX_LIST (1,000).
MANY = 1_500
MAX_DEPTH = 3

INT32 = (0, 1, -1, 2**31 - 1, -(2**31))
INT64 = (*INT32, 2**63 - 1, -(2**63))
UINT32 = (0, 1, 2**32 - 1)
UINT64 = (0, 1, 2**32, 2**64 - 1)
FLOATS = (0.0, -0.0, 1e308, -1e308, float("inf"), float("-inf"), float("nan"))


def _text(hints: Sequence[str]) -> st.SearchStrategy[str]:
    alphabet = st.one_of(st.characters(codec="utf-8"), st.sampled_from(NASTY_CHARACTERS))
    return st.one_of(
        st.sampled_from(list(hints) or [""]),
        st.text(alphabet, max_size=40),
        st.builds(
            lambda hint, tail: hint + tail,
            st.sampled_from(list(hints) or ["x"]),
            st.sampled_from(["\n", "\x00", "²", " ", "/..", "%n"]),
        ),
        st.integers(1, HUGE).map(lambda n: "a" * n),
    )


def _scalar(field: FieldDescriptor, hints: Sequence[str]) -> st.SearchStrategy[object]:
    kind = field.type
    if kind == FieldDescriptor.TYPE_STRING:
        return _text(hints)
    if kind == FieldDescriptor.TYPE_BYTES:
        return st.one_of(st.binary(max_size=64), st.integers(1, HUGE).map(lambda n: b"\x00" * n))
    if kind == FieldDescriptor.TYPE_BOOL:
        return st.booleans()
    if kind == FieldDescriptor.TYPE_ENUM:
        # Defined values and undefined ones: proto3 enums are open, a server must cope.
        defined = [value.number for value in field.enum_type.values]
        return st.one_of(st.sampled_from(defined), st.integers(-(2**31), 2**31 - 1))
    if kind in (
        FieldDescriptor.TYPE_INT32,
        FieldDescriptor.TYPE_SINT32,
        FieldDescriptor.TYPE_SFIXED32,
    ):
        return st.one_of(st.sampled_from(INT32), st.integers(-(2**31), 2**31 - 1))
    if kind in (
        FieldDescriptor.TYPE_INT64,
        FieldDescriptor.TYPE_SINT64,
        FieldDescriptor.TYPE_SFIXED64,
    ):
        return st.one_of(st.sampled_from(INT64), st.integers(-(2**63), 2**63 - 1))
    if kind in (FieldDescriptor.TYPE_UINT32, FieldDescriptor.TYPE_FIXED32):
        return st.one_of(st.sampled_from(UINT32), st.integers(0, 2**32 - 1))
    if kind in (FieldDescriptor.TYPE_UINT64, FieldDescriptor.TYPE_FIXED64):
        return st.one_of(st.sampled_from(UINT64), st.integers(0, 2**64 - 1))
    if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
        return st.one_of(
            st.sampled_from(FLOATS),
            st.floats(width=32 if kind == FieldDescriptor.TYPE_FLOAT else 64),
        )
    raise TypeError(f"no strategy for field type {kind} ({field.full_name})")


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf 5+: ``is_repeated``; older: ``label``.
    repeated = getattr(field, "is_repeated", None)
    if repeated is not None:
        return bool(repeated)
    return field.label == FieldDescriptor.LABEL_REPEATED


@st.composite
def messages(
    draw: st.DrawFn, descriptor: Descriptor, hints: Sequence[str] = (), depth: int = 0
) -> Message:
    """A message of ``descriptor``'s type with any subset of its fields set."""
    from google.protobuf import message_factory

    message = message_factory.GetMessageClass(descriptor)()
    chosen_oneofs: dict[str, str] = {
        oneof.name: draw(st.sampled_from([f.name for f in oneof.fields]))
        for oneof in descriptor.oneofs
        if oneof.fields
    }
    for field in descriptor.fields:
        oneof = field.containing_oneof
        if oneof is not None and chosen_oneofs.get(oneof.name) != field.name:
            continue
        if not draw(st.booleans()):
            continue
        is_message = field.type == FieldDescriptor.TYPE_MESSAGE
        if is_message and depth >= MAX_DEPTH:
            continue
        if is_message and field.message_type.GetOptions().map_entry:
            continue  # no map fields in Quantix's protos
        if _is_repeated(field):
            if is_message:
                items = draw(st.lists(messages(field.message_type, hints, depth + 1), max_size=3))
                getattr(message, field.name).extend(items)
            else:
                element = _scalar(field, hints)
                items = draw(
                    st.one_of(
                        st.lists(element, max_size=4),
                        element.map(lambda value: [value] * MANY),
                    )
                )
                getattr(message, field.name).extend(items)
        elif is_message:
            getattr(message, field.name).CopyFrom(
                draw(messages(field.message_type, hints, depth + 1))
            )
        else:
            setattr(message, field.name, draw(_scalar(field, hints)))
    return message
