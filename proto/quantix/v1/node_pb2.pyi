import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from proto.quantix.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PoolErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POOL_ERROR_REASON_UNSPECIFIED: _ClassVar[PoolErrorReason]
    INVALID_SPEC: _ClassVar[PoolErrorReason]
    CONFLICT: _ClassVar[PoolErrorReason]
    SECRET_FAILED: _ClassVar[PoolErrorReason]
    DEFINE_FAILED: _ClassVar[PoolErrorReason]
    BUILD_FAILED: _ClassVar[PoolErrorReason]
    MOUNT_FAILED: _ClassVar[PoolErrorReason]
    ISCSI_LOGIN_FAILED: _ClassVar[PoolErrorReason]
    CEPH_CONNECT_FAILED: _ClassVar[PoolErrorReason]
    START_FAILED: _ClassVar[PoolErrorReason]
    AUTOSTART_FAILED: _ClassVar[PoolErrorReason]
    HAS_VOLUMES: _ClassVar[PoolErrorReason]
    POOL_NOT_FOUND: _ClassVar[PoolErrorReason]
    LIBVIRT_UNAVAILABLE: _ClassVar[PoolErrorReason]
    DESTROY_FAILED: _ClassVar[PoolErrorReason]
    UNDEFINE_FAILED: _ClassVar[PoolErrorReason]
    REFRESH_FAILED: _ClassVar[PoolErrorReason]
    SOURCE_CONFLICT: _ClassVar[PoolErrorReason]

class SwitchErrorReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SWITCH_ERROR_REASON_UNSPECIFIED: _ClassVar[SwitchErrorReason]
    NIC_MISSING: _ClassVar[SwitchErrorReason]
    NIC_IN_USE: _ClassVar[SwitchErrorReason]
    NAME_TAKEN: _ClassVar[SwitchErrorReason]
    NO_BONDING: _ClassVar[SwitchErrorReason]
    NO_VLAN: _ClassVar[SwitchErrorReason]
    NETLINK_FAILED: _ClassVar[SwitchErrorReason]
    NAMESPACE_MISSING: _ClassVar[SwitchErrorReason]
POOL_ERROR_REASON_UNSPECIFIED: PoolErrorReason
INVALID_SPEC: PoolErrorReason
CONFLICT: PoolErrorReason
SECRET_FAILED: PoolErrorReason
DEFINE_FAILED: PoolErrorReason
BUILD_FAILED: PoolErrorReason
MOUNT_FAILED: PoolErrorReason
ISCSI_LOGIN_FAILED: PoolErrorReason
CEPH_CONNECT_FAILED: PoolErrorReason
START_FAILED: PoolErrorReason
AUTOSTART_FAILED: PoolErrorReason
HAS_VOLUMES: PoolErrorReason
POOL_NOT_FOUND: PoolErrorReason
LIBVIRT_UNAVAILABLE: PoolErrorReason
DESTROY_FAILED: PoolErrorReason
UNDEFINE_FAILED: PoolErrorReason
REFRESH_FAILED: PoolErrorReason
SOURCE_CONFLICT: PoolErrorReason
SWITCH_ERROR_REASON_UNSPECIFIED: SwitchErrorReason
NIC_MISSING: SwitchErrorReason
NIC_IN_USE: SwitchErrorReason
NAME_TAKEN: SwitchErrorReason
NO_BONDING: SwitchErrorReason
NO_VLAN: SwitchErrorReason
NETLINK_FAILED: SwitchErrorReason
NAMESPACE_MISSING: SwitchErrorReason

class InitStoragePoolRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.PoolSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.PoolSpec, _Mapping]] = ...) -> None: ...

class InitStoragePoolResponse(_message.Message):
    __slots__ = ("pool", "notes", "stamp")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    STAMP_FIELD_NUMBER: _ClassVar[int]
    pool: _common_pb2.HostStoragePool
    notes: _containers.RepeatedScalarFieldContainer[str]
    stamp: _common_pb2.ChangeStamp
    def __init__(self, pool: _Optional[_Union[_common_pb2.HostStoragePool, _Mapping]] = ..., notes: _Optional[_Iterable[str]] = ..., stamp: _Optional[_Union[_common_pb2.ChangeStamp, _Mapping]] = ...) -> None: ...

class DestroyStoragePoolRequest(_message.Message):
    __slots__ = ("name", "force")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    force: bool
    def __init__(self, name: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class DestroyStoragePoolResponse(_message.Message):
    __slots__ = ("existed",)
    EXISTED_FIELD_NUMBER: _ClassVar[int]
    existed: bool
    def __init__(self, existed: _Optional[bool] = ...) -> None: ...

class RefreshStoragePoolRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListVolumesRequest(_message.Message):
    __slots__ = ("pool",)
    POOL_FIELD_NUMBER: _ClassVar[int]
    pool: str
    def __init__(self, pool: _Optional[str] = ...) -> None: ...

class ListVolumesResponse(_message.Message):
    __slots__ = ("volumes",)
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    volumes: _containers.RepeatedCompositeFieldContainer[_common_pb2.Volume]
    def __init__(self, volumes: _Optional[_Iterable[_Union[_common_pb2.Volume, _Mapping]]] = ...) -> None: ...

class GetStoragePoolXmlRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetStoragePoolXmlResponse(_message.Message):
    __slots__ = ("xml",)
    XML_FIELD_NUMBER: _ClassVar[int]
    xml: str
    def __init__(self, xml: _Optional[str] = ...) -> None: ...

class GetHostInfoRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStoragePoolsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListStoragePoolsResponse(_message.Message):
    __slots__ = ("pools", "stamp")
    POOLS_FIELD_NUMBER: _ClassVar[int]
    STAMP_FIELD_NUMBER: _ClassVar[int]
    pools: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostStoragePool]
    stamp: _common_pb2.ChangeStamp
    def __init__(self, pools: _Optional[_Iterable[_Union[_common_pb2.HostStoragePool, _Mapping]]] = ..., stamp: _Optional[_Union[_common_pb2.ChangeStamp, _Mapping]] = ...) -> None: ...

class ListHostNetworksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListHostNetworksResponse(_message.Message):
    __slots__ = ("networks",)
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    networks: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostNetwork]
    def __init__(self, networks: _Optional[_Iterable[_Union[_common_pb2.HostNetwork, _Mapping]]] = ...) -> None: ...

class InitNetworkRequest(_message.Message):
    __slots__ = ("spec", "port_group_bridge", "replace")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    PORT_GROUP_BRIDGE_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.NetworkSpec
    port_group_bridge: str
    replace: bool
    def __init__(self, spec: _Optional[_Union[_common_pb2.NetworkSpec, _Mapping]] = ..., port_group_bridge: _Optional[str] = ..., replace: _Optional[bool] = ...) -> None: ...

class InitNetworkResponse(_message.Message):
    __slots__ = ("network",)
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    network: _common_pb2.HostNetwork
    def __init__(self, network: _Optional[_Union[_common_pb2.HostNetwork, _Mapping]] = ...) -> None: ...

class DestroyNetworkRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DestroyNetworkResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetNetworkXmlRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetNetworkXmlResponse(_message.Message):
    __slots__ = ("xml",)
    XML_FIELD_NUMBER: _ClassVar[int]
    xml: str
    def __init__(self, xml: _Optional[str] = ...) -> None: ...

class InitSwitchRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.SwitchSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.SwitchSpec, _Mapping]] = ...) -> None: ...

class InitSwitchResponse(_message.Message):
    __slots__ = ("health",)
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    health: _common_pb2.SwitchHostHealth
    def __init__(self, health: _Optional[_Union[_common_pb2.SwitchHostHealth, _Mapping]] = ...) -> None: ...

class DestroySwitchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DestroySwitchResponse(_message.Message):
    __slots__ = ("removed",)
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    removed: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, removed: _Optional[_Iterable[str]] = ...) -> None: ...

class GetSwitchHealthRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.SwitchSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.SwitchSpec, _Mapping]] = ...) -> None: ...

class AddTransferTicketRequest(_message.Message):
    __slots__ = ("task_id", "secret_sha256", "identity", "pool", "volume", "kind", "size_bytes", "expected_sha256", "expires_at")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_SHA256_FIELD_NUMBER: _ClassVar[int]
    IDENTITY_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHA256_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    secret_sha256: str
    identity: str
    pool: str
    volume: str
    kind: _common_pb2.ImageKind
    size_bytes: int
    expected_sha256: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, task_id: _Optional[str] = ..., secret_sha256: _Optional[str] = ..., identity: _Optional[str] = ..., pool: _Optional[str] = ..., volume: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ImageKind, str]] = ..., size_bytes: _Optional[int] = ..., expected_sha256: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AddTransferTicketResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class UploadImageRequest(_message.Message):
    __slots__ = ("ticket", "data", "hole", "sha256")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    HOLE_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    data: UploadData
    hole: UploadHole
    sha256: str
    def __init__(self, ticket: _Optional[str] = ..., data: _Optional[_Union[UploadData, _Mapping]] = ..., hole: _Optional[_Union[UploadHole, _Mapping]] = ..., sha256: _Optional[str] = ...) -> None: ...

class UploadData(_message.Message):
    __slots__ = ("offset", "data")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    offset: int
    data: bytes
    def __init__(self, offset: _Optional[int] = ..., data: _Optional[bytes] = ...) -> None: ...

class UploadHole(_message.Message):
    __slots__ = ("offset", "length")
    OFFSET_FIELD_NUMBER: _ClassVar[int]
    LENGTH_FIELD_NUMBER: _ClassVar[int]
    offset: int
    length: int
    def __init__(self, offset: _Optional[int] = ..., length: _Optional[int] = ...) -> None: ...

class UploadImageResponse(_message.Message):
    __slots__ = ("facts",)
    FACTS_FIELD_NUMBER: _ClassVar[int]
    facts: _common_pb2.ImageFacts
    def __init__(self, facts: _Optional[_Union[_common_pb2.ImageFacts, _Mapping]] = ...) -> None: ...

class StartDownloadRequest(_message.Message):
    __slots__ = ("task_id", "pool", "volume", "kind", "url", "sha256", "checksum_url", "resume")
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_URL_FIELD_NUMBER: _ClassVar[int]
    RESUME_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    pool: str
    volume: str
    kind: _common_pb2.ImageKind
    url: str
    sha256: str
    checksum_url: str
    resume: bool
    def __init__(self, task_id: _Optional[str] = ..., pool: _Optional[str] = ..., volume: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ImageKind, str]] = ..., url: _Optional[str] = ..., sha256: _Optional[str] = ..., checksum_url: _Optional[str] = ..., resume: _Optional[bool] = ...) -> None: ...

class StartDownloadResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class CancelJobRequest(_message.Message):
    __slots__ = ("task_id",)
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    task_id: str
    def __init__(self, task_id: _Optional[str] = ...) -> None: ...

class CancelJobResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteVolumesRequest(_message.Message):
    __slots__ = ("pool", "volumes")
    POOL_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    pool: str
    volumes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, pool: _Optional[str] = ..., volumes: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteVolumesResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
