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
