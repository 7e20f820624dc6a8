import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class UsageSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    USAGE_SOURCE_UNSPECIFIED: _ClassVar[UsageSource]
    USAGE_SOURCE_LIBVIRT: _ClassVar[UsageSource]
    USAGE_SOURCE_KERNEL: _ClassVar[UsageSource]

class StoragePoolState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STORAGE_POOL_STATE_UNSPECIFIED: _ClassVar[StoragePoolState]
    STORAGE_POOL_STATE_INACTIVE: _ClassVar[StoragePoolState]
    STORAGE_POOL_STATE_BUILDING: _ClassVar[StoragePoolState]
    STORAGE_POOL_STATE_RUNNING: _ClassVar[StoragePoolState]
    STORAGE_POOL_STATE_DEGRADED: _ClassVar[StoragePoolState]
    STORAGE_POOL_STATE_INACCESSIBLE: _ClassVar[StoragePoolState]

class Phase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHASE_UNSPECIFIED: _ClassVar[Phase]
    PHASE_PENDING: _ClassVar[Phase]
    PHASE_READY: _ClassVar[Phase]
    PHASE_DEGRADED: _ClassVar[Phase]
    PHASE_ERROR: _ClassVar[Phase]
    PHASE_OFFLINE: _ClassVar[Phase]
    PHASE_DELETING: _ClassVar[Phase]

class PoolBackend(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POOL_BACKEND_UNSPECIFIED: _ClassVar[PoolBackend]
    POOL_BACKEND_LOCAL_DIR: _ClassVar[PoolBackend]
    POOL_BACKEND_NFS: _ClassVar[PoolBackend]
    POOL_BACKEND_CEPH_RBD: _ClassVar[PoolBackend]
    POOL_BACKEND_ISCSI: _ClassVar[PoolBackend]

class IscsiInitiator(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ISCSI_INITIATOR_KERNEL: _ClassVar[IscsiInitiator]
    ISCSI_INITIATOR_USERSPACE: _ClassVar[IscsiInitiator]

class NetworkType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NETWORK_TYPE_UNSPECIFIED: _ClassVar[NetworkType]
    NETWORK_TYPE_NAT: _ClassVar[NetworkType]
    NETWORK_TYPE_ISOLATED: _ClassVar[NetworkType]
    NETWORK_TYPE_BRIDGED: _ClassVar[NetworkType]
    NETWORK_TYPE_PORT_GROUP: _ClassVar[NetworkType]

class SwitchVlanSupport(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SWITCH_VLAN_SUPPORT_UNCHECKED: _ClassVar[SwitchVlanSupport]
    SWITCH_VLAN_SUPPORT_YES: _ClassVar[SwitchVlanSupport]
    SWITCH_VLAN_SUPPORT_NO: _ClassVar[SwitchVlanSupport]

class ImageKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMAGE_KIND_UNSPECIFIED: _ClassVar[ImageKind]
    IMAGE_KIND_ISO: _ClassVar[ImageKind]
    IMAGE_KIND_DISK: _ClassVar[ImageKind]
    IMAGE_KIND_OVA_TEMPLATE: _ClassVar[ImageKind]

class ImagePhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    IMAGE_PHASE_UNSPECIFIED: _ClassVar[ImagePhase]
    IMAGE_PHASE_UPLOADING: _ClassVar[ImagePhase]
    IMAGE_PHASE_DOWNLOADING: _ClassVar[ImagePhase]
    IMAGE_PHASE_EXTRACTING: _ClassVar[ImagePhase]
    IMAGE_PHASE_VERIFYING: _ClassVar[ImagePhase]
    IMAGE_PHASE_CONVERTING: _ClassVar[ImagePhase]
    IMAGE_PHASE_REGISTERING: _ClassVar[ImagePhase]
    IMAGE_PHASE_READY: _ClassVar[ImagePhase]
    IMAGE_PHASE_ERROR: _ClassVar[ImagePhase]
USAGE_SOURCE_UNSPECIFIED: UsageSource
USAGE_SOURCE_LIBVIRT: UsageSource
USAGE_SOURCE_KERNEL: UsageSource
STORAGE_POOL_STATE_UNSPECIFIED: StoragePoolState
STORAGE_POOL_STATE_INACTIVE: StoragePoolState
STORAGE_POOL_STATE_BUILDING: StoragePoolState
STORAGE_POOL_STATE_RUNNING: StoragePoolState
STORAGE_POOL_STATE_DEGRADED: StoragePoolState
STORAGE_POOL_STATE_INACCESSIBLE: StoragePoolState
PHASE_UNSPECIFIED: Phase
PHASE_PENDING: Phase
PHASE_READY: Phase
PHASE_DEGRADED: Phase
PHASE_ERROR: Phase
PHASE_OFFLINE: Phase
PHASE_DELETING: Phase
POOL_BACKEND_UNSPECIFIED: PoolBackend
POOL_BACKEND_LOCAL_DIR: PoolBackend
POOL_BACKEND_NFS: PoolBackend
POOL_BACKEND_CEPH_RBD: PoolBackend
POOL_BACKEND_ISCSI: PoolBackend
ISCSI_INITIATOR_KERNEL: IscsiInitiator
ISCSI_INITIATOR_USERSPACE: IscsiInitiator
NETWORK_TYPE_UNSPECIFIED: NetworkType
NETWORK_TYPE_NAT: NetworkType
NETWORK_TYPE_ISOLATED: NetworkType
NETWORK_TYPE_BRIDGED: NetworkType
NETWORK_TYPE_PORT_GROUP: NetworkType
SWITCH_VLAN_SUPPORT_UNCHECKED: SwitchVlanSupport
SWITCH_VLAN_SUPPORT_YES: SwitchVlanSupport
SWITCH_VLAN_SUPPORT_NO: SwitchVlanSupport
IMAGE_KIND_UNSPECIFIED: ImageKind
IMAGE_KIND_ISO: ImageKind
IMAGE_KIND_DISK: ImageKind
IMAGE_KIND_OVA_TEMPLATE: ImageKind
IMAGE_PHASE_UNSPECIFIED: ImagePhase
IMAGE_PHASE_UPLOADING: ImagePhase
IMAGE_PHASE_DOWNLOADING: ImagePhase
IMAGE_PHASE_EXTRACTING: ImagePhase
IMAGE_PHASE_VERIFYING: ImagePhase
IMAGE_PHASE_CONVERTING: ImagePhase
IMAGE_PHASE_REGISTERING: ImagePhase
IMAGE_PHASE_READY: ImagePhase
IMAGE_PHASE_ERROR: ImagePhase

class HostInfo(_message.Message):
    __slots__ = ("hostname", "cpu", "memory_bytes", "nics", "libvirt_version", "hypervisor", "hypervisor_version", "supported_pool_types", "pool_types_source", "libvirt_uri")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    NICS_FIELD_NUMBER: _ClassVar[int]
    LIBVIRT_VERSION_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_FIELD_NUMBER: _ClassVar[int]
    HYPERVISOR_VERSION_FIELD_NUMBER: _ClassVar[int]
    SUPPORTED_POOL_TYPES_FIELD_NUMBER: _ClassVar[int]
    POOL_TYPES_SOURCE_FIELD_NUMBER: _ClassVar[int]
    LIBVIRT_URI_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    cpu: CpuInfo
    memory_bytes: int
    nics: _containers.RepeatedCompositeFieldContainer[NetworkInterface]
    libvirt_version: str
    hypervisor: str
    hypervisor_version: str
    supported_pool_types: _containers.RepeatedScalarFieldContainer[str]
    pool_types_source: str
    libvirt_uri: str
    def __init__(self, hostname: _Optional[str] = ..., cpu: _Optional[_Union[CpuInfo, _Mapping]] = ..., memory_bytes: _Optional[int] = ..., nics: _Optional[_Iterable[_Union[NetworkInterface, _Mapping]]] = ..., libvirt_version: _Optional[str] = ..., hypervisor: _Optional[str] = ..., hypervisor_version: _Optional[str] = ..., supported_pool_types: _Optional[_Iterable[str]] = ..., pool_types_source: _Optional[str] = ..., libvirt_uri: _Optional[str] = ...) -> None: ...

class HostUsage(_message.Message):
    __slots__ = ("cpu_fraction", "memory_used_bytes", "memory_total_bytes", "source")
    CPU_FRACTION_FIELD_NUMBER: _ClassVar[int]
    MEMORY_USED_BYTES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    cpu_fraction: float
    memory_used_bytes: int
    memory_total_bytes: int
    source: UsageSource
    def __init__(self, cpu_fraction: _Optional[float] = ..., memory_used_bytes: _Optional[int] = ..., memory_total_bytes: _Optional[int] = ..., source: _Optional[_Union[UsageSource, str]] = ...) -> None: ...

class CpuInfo(_message.Message):
    __slots__ = ("model", "arch", "sockets", "cores_per_socket", "threads_per_core", "logical_cpus", "mhz")
    MODEL_FIELD_NUMBER: _ClassVar[int]
    ARCH_FIELD_NUMBER: _ClassVar[int]
    SOCKETS_FIELD_NUMBER: _ClassVar[int]
    CORES_PER_SOCKET_FIELD_NUMBER: _ClassVar[int]
    THREADS_PER_CORE_FIELD_NUMBER: _ClassVar[int]
    LOGICAL_CPUS_FIELD_NUMBER: _ClassVar[int]
    MHZ_FIELD_NUMBER: _ClassVar[int]
    model: str
    arch: str
    sockets: int
    cores_per_socket: int
    threads_per_core: int
    logical_cpus: int
    mhz: int
    def __init__(self, model: _Optional[str] = ..., arch: _Optional[str] = ..., sockets: _Optional[int] = ..., cores_per_socket: _Optional[int] = ..., threads_per_core: _Optional[int] = ..., logical_cpus: _Optional[int] = ..., mhz: _Optional[int] = ...) -> None: ...

class NetworkInterface(_message.Message):
    __slots__ = ("name", "mac", "mtu", "speed_mbps", "link_state", "active")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MAC_FIELD_NUMBER: _ClassVar[int]
    MTU_FIELD_NUMBER: _ClassVar[int]
    SPEED_MBPS_FIELD_NUMBER: _ClassVar[int]
    LINK_STATE_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    name: str
    mac: str
    mtu: int
    speed_mbps: int
    link_state: str
    active: bool
    def __init__(self, name: _Optional[str] = ..., mac: _Optional[str] = ..., mtu: _Optional[int] = ..., speed_mbps: _Optional[int] = ..., link_state: _Optional[str] = ..., active: _Optional[bool] = ...) -> None: ...

class HostStoragePool(_message.Message):
    __slots__ = ("name", "uuid", "type", "state", "capacity_bytes", "allocation_bytes", "available_bytes", "autostart", "persistent", "target_path", "source")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_BYTES_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    AUTOSTART_FIELD_NUMBER: _ClassVar[int]
    PERSISTENT_FIELD_NUMBER: _ClassVar[int]
    TARGET_PATH_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    uuid: str
    type: str
    state: StoragePoolState
    capacity_bytes: int
    allocation_bytes: int
    available_bytes: int
    autostart: bool
    persistent: bool
    target_path: str
    source: str
    def __init__(self, name: _Optional[str] = ..., uuid: _Optional[str] = ..., type: _Optional[str] = ..., state: _Optional[_Union[StoragePoolState, str]] = ..., capacity_bytes: _Optional[int] = ..., allocation_bytes: _Optional[int] = ..., available_bytes: _Optional[int] = ..., autostart: _Optional[bool] = ..., persistent: _Optional[bool] = ..., target_path: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class ChangeStamp(_message.Message):
    __slots__ = ("boot_id", "seq")
    BOOT_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    boot_id: str
    seq: int
    def __init__(self, boot_id: _Optional[str] = ..., seq: _Optional[int] = ...) -> None: ...

class HostNetwork(_message.Message):
    __slots__ = ("name", "uuid", "active", "persistent", "autostart", "bridge", "forward_mode", "ip_cidrs")
    NAME_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    PERSISTENT_FIELD_NUMBER: _ClassVar[int]
    AUTOSTART_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    FORWARD_MODE_FIELD_NUMBER: _ClassVar[int]
    IP_CIDRS_FIELD_NUMBER: _ClassVar[int]
    name: str
    uuid: str
    active: bool
    persistent: bool
    autostart: bool
    bridge: str
    forward_mode: str
    ip_cidrs: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., uuid: _Optional[str] = ..., active: _Optional[bool] = ..., persistent: _Optional[bool] = ..., autostart: _Optional[bool] = ..., bridge: _Optional[str] = ..., forward_mode: _Optional[str] = ..., ip_cidrs: _Optional[_Iterable[str]] = ...) -> None: ...

class StorageUse(_message.Message):
    __slots__ = ("capacity_bytes", "allocation_bytes", "available_bytes")
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_BYTES_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    capacity_bytes: int
    allocation_bytes: int
    available_bytes: int
    def __init__(self, capacity_bytes: _Optional[int] = ..., allocation_bytes: _Optional[int] = ..., available_bytes: _Optional[int] = ...) -> None: ...

class HostStatus(_message.Message):
    __slots__ = ("host", "phase", "message", "reason", "updated_at", "notes", "deadline", "offline_since", "stamp", "storage", "switch_health")
    HOST_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_SINCE_FIELD_NUMBER: _ClassVar[int]
    STAMP_FIELD_NUMBER: _ClassVar[int]
    STORAGE_FIELD_NUMBER: _ClassVar[int]
    SWITCH_HEALTH_FIELD_NUMBER: _ClassVar[int]
    host: str
    phase: Phase
    message: str
    reason: str
    updated_at: _timestamp_pb2.Timestamp
    notes: _containers.RepeatedScalarFieldContainer[str]
    deadline: _timestamp_pb2.Timestamp
    offline_since: _timestamp_pb2.Timestamp
    stamp: ChangeStamp
    storage: StorageUse
    switch_health: SwitchHostHealth
    def __init__(self, host: _Optional[str] = ..., phase: _Optional[_Union[Phase, str]] = ..., message: _Optional[str] = ..., reason: _Optional[str] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., notes: _Optional[_Iterable[str]] = ..., deadline: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., offline_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., stamp: _Optional[_Union[ChangeStamp, _Mapping]] = ..., storage: _Optional[_Union[StorageUse, _Mapping]] = ..., switch_health: _Optional[_Union[SwitchHostHealth, _Mapping]] = ...) -> None: ...

class Realization(_message.Message):
    __slots__ = ("phase", "message", "hosts")
    PHASE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    phase: Phase
    message: str
    hosts: _containers.RepeatedCompositeFieldContainer[HostStatus]
    def __init__(self, phase: _Optional[_Union[Phase, str]] = ..., message: _Optional[str] = ..., hosts: _Optional[_Iterable[_Union[HostStatus, _Mapping]]] = ...) -> None: ...

class LocalDirSource(_message.Message):
    __slots__ = ("path",)
    PATH_FIELD_NUMBER: _ClassVar[int]
    path: str
    def __init__(self, path: _Optional[str] = ...) -> None: ...

class NfsSource(_message.Message):
    __slots__ = ("server", "export_path", "version", "mount_options", "mount_point")
    SERVER_FIELD_NUMBER: _ClassVar[int]
    EXPORT_PATH_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    MOUNT_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    MOUNT_POINT_FIELD_NUMBER: _ClassVar[int]
    server: str
    export_path: str
    version: str
    mount_options: _containers.RepeatedScalarFieldContainer[str]
    mount_point: str
    def __init__(self, server: _Optional[str] = ..., export_path: _Optional[str] = ..., version: _Optional[str] = ..., mount_options: _Optional[_Iterable[str]] = ..., mount_point: _Optional[str] = ...) -> None: ...

class CephRbdSource(_message.Message):
    __slots__ = ("monitors", "pool", "user", "key", "namespace", "has_key")
    MONITORS_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    USER_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    NAMESPACE_FIELD_NUMBER: _ClassVar[int]
    HAS_KEY_FIELD_NUMBER: _ClassVar[int]
    monitors: _containers.RepeatedScalarFieldContainer[str]
    pool: str
    user: str
    key: str
    namespace: str
    has_key: bool
    def __init__(self, monitors: _Optional[_Iterable[str]] = ..., pool: _Optional[str] = ..., user: _Optional[str] = ..., key: _Optional[str] = ..., namespace: _Optional[str] = ..., has_key: _Optional[bool] = ...) -> None: ...

class IscsiSource(_message.Message):
    __slots__ = ("portal", "target_iqn", "lun", "initiator_iqn", "chap_user", "chap_secret", "has_chap_secret", "initiator")
    PORTAL_FIELD_NUMBER: _ClassVar[int]
    TARGET_IQN_FIELD_NUMBER: _ClassVar[int]
    LUN_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_IQN_FIELD_NUMBER: _ClassVar[int]
    CHAP_USER_FIELD_NUMBER: _ClassVar[int]
    CHAP_SECRET_FIELD_NUMBER: _ClassVar[int]
    HAS_CHAP_SECRET_FIELD_NUMBER: _ClassVar[int]
    INITIATOR_FIELD_NUMBER: _ClassVar[int]
    portal: str
    target_iqn: str
    lun: int
    initiator_iqn: str
    chap_user: str
    chap_secret: str
    has_chap_secret: bool
    initiator: IscsiInitiator
    def __init__(self, portal: _Optional[str] = ..., target_iqn: _Optional[str] = ..., lun: _Optional[int] = ..., initiator_iqn: _Optional[str] = ..., chap_user: _Optional[str] = ..., chap_secret: _Optional[str] = ..., has_chap_secret: _Optional[bool] = ..., initiator: _Optional[_Union[IscsiInitiator, str]] = ...) -> None: ...

class PoolSpec(_message.Message):
    __slots__ = ("name", "description", "backend", "hosts", "local_dir", "nfs", "ceph_rbd", "iscsi")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    BACKEND_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    LOCAL_DIR_FIELD_NUMBER: _ClassVar[int]
    NFS_FIELD_NUMBER: _ClassVar[int]
    CEPH_RBD_FIELD_NUMBER: _ClassVar[int]
    ISCSI_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    backend: PoolBackend
    hosts: _containers.RepeatedScalarFieldContainer[str]
    local_dir: LocalDirSource
    nfs: NfsSource
    ceph_rbd: CephRbdSource
    iscsi: IscsiSource
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., backend: _Optional[_Union[PoolBackend, str]] = ..., hosts: _Optional[_Iterable[str]] = ..., local_dir: _Optional[_Union[LocalDirSource, _Mapping]] = ..., nfs: _Optional[_Union[NfsSource, _Mapping]] = ..., ceph_rbd: _Optional[_Union[CephRbdSource, _Mapping]] = ..., iscsi: _Optional[_Union[IscsiSource, _Mapping]] = ...) -> None: ...

class Volume(_message.Message):
    __slots__ = ("name", "key", "path", "format", "capacity_bytes", "allocation_bytes")
    NAME_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_BYTES_FIELD_NUMBER: _ClassVar[int]
    name: str
    key: str
    path: str
    format: str
    capacity_bytes: int
    allocation_bytes: int
    def __init__(self, name: _Optional[str] = ..., key: _Optional[str] = ..., path: _Optional[str] = ..., format: _Optional[str] = ..., capacity_bytes: _Optional[int] = ..., allocation_bytes: _Optional[int] = ...) -> None: ...

class StaticLease(_message.Message):
    __slots__ = ("mac", "ip", "name")
    MAC_FIELD_NUMBER: _ClassVar[int]
    IP_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    mac: str
    ip: str
    name: str
    def __init__(self, mac: _Optional[str] = ..., ip: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class NetworkSpec(_message.Message):
    __slots__ = ("name", "type", "description", "hosts", "subnet", "gateway", "dhcp_start", "dhcp_end", "leases", "dns_servers", "dns_domain", "ipv6_prefix", "mtu", "bridge", "switch_name", "port_group", "vlan")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    SUBNET_FIELD_NUMBER: _ClassVar[int]
    GATEWAY_FIELD_NUMBER: _ClassVar[int]
    DHCP_START_FIELD_NUMBER: _ClassVar[int]
    DHCP_END_FIELD_NUMBER: _ClassVar[int]
    LEASES_FIELD_NUMBER: _ClassVar[int]
    DNS_SERVERS_FIELD_NUMBER: _ClassVar[int]
    DNS_DOMAIN_FIELD_NUMBER: _ClassVar[int]
    IPV6_PREFIX_FIELD_NUMBER: _ClassVar[int]
    MTU_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    SWITCH_NAME_FIELD_NUMBER: _ClassVar[int]
    PORT_GROUP_FIELD_NUMBER: _ClassVar[int]
    VLAN_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: NetworkType
    description: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    subnet: str
    gateway: str
    dhcp_start: str
    dhcp_end: str
    leases: _containers.RepeatedCompositeFieldContainer[StaticLease]
    dns_servers: _containers.RepeatedScalarFieldContainer[str]
    dns_domain: str
    ipv6_prefix: str
    mtu: int
    bridge: str
    switch_name: str
    port_group: str
    vlan: int
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[NetworkType, str]] = ..., description: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ..., subnet: _Optional[str] = ..., gateway: _Optional[str] = ..., dhcp_start: _Optional[str] = ..., dhcp_end: _Optional[str] = ..., leases: _Optional[_Iterable[_Union[StaticLease, _Mapping]]] = ..., dns_servers: _Optional[_Iterable[str]] = ..., dns_domain: _Optional[str] = ..., ipv6_prefix: _Optional[str] = ..., mtu: _Optional[int] = ..., bridge: _Optional[str] = ..., switch_name: _Optional[str] = ..., port_group: _Optional[str] = ..., vlan: _Optional[int] = ...) -> None: ...

class SwitchPortGroup(_message.Message):
    __slots__ = ("name", "vlan", "mtu")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VLAN_FIELD_NUMBER: _ClassVar[int]
    MTU_FIELD_NUMBER: _ClassVar[int]
    name: str
    vlan: int
    mtu: int
    def __init__(self, name: _Optional[str] = ..., vlan: _Optional[int] = ..., mtu: _Optional[int] = ...) -> None: ...

class UplinkNic(_message.Message):
    __slots__ = ("uplink", "nic")
    UPLINK_FIELD_NUMBER: _ClassVar[int]
    NIC_FIELD_NUMBER: _ClassVar[int]
    uplink: str
    nic: str
    def __init__(self, uplink: _Optional[str] = ..., nic: _Optional[str] = ...) -> None: ...

class UplinkMapping(_message.Message):
    __slots__ = ("host", "nics")
    HOST_FIELD_NUMBER: _ClassVar[int]
    NICS_FIELD_NUMBER: _ClassVar[int]
    host: str
    nics: _containers.RepeatedCompositeFieldContainer[UplinkNic]
    def __init__(self, host: _Optional[str] = ..., nics: _Optional[_Iterable[_Union[UplinkNic, _Mapping]]] = ...) -> None: ...

class SwitchSpec(_message.Message):
    __slots__ = ("name", "description", "mtu", "uplinks", "active", "standby", "port_groups", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MTU_FIELD_NUMBER: _ClassVar[int]
    UPLINKS_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    STANDBY_FIELD_NUMBER: _ClassVar[int]
    PORT_GROUPS_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    mtu: int
    uplinks: _containers.RepeatedScalarFieldContainer[str]
    active: _containers.RepeatedScalarFieldContainer[str]
    standby: _containers.RepeatedScalarFieldContainer[str]
    port_groups: _containers.RepeatedCompositeFieldContainer[SwitchPortGroup]
    hosts: _containers.RepeatedCompositeFieldContainer[UplinkMapping]
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., mtu: _Optional[int] = ..., uplinks: _Optional[_Iterable[str]] = ..., active: _Optional[_Iterable[str]] = ..., standby: _Optional[_Iterable[str]] = ..., port_groups: _Optional[_Iterable[_Union[SwitchPortGroup, _Mapping]]] = ..., hosts: _Optional[_Iterable[_Union[UplinkMapping, _Mapping]]] = ...) -> None: ...

class SwitchUplinkHealth(_message.Message):
    __slots__ = ("uplink", "nic", "present", "link_up", "speed_mbps", "mtu", "mtu_matches", "enslaved")
    UPLINK_FIELD_NUMBER: _ClassVar[int]
    NIC_FIELD_NUMBER: _ClassVar[int]
    PRESENT_FIELD_NUMBER: _ClassVar[int]
    LINK_UP_FIELD_NUMBER: _ClassVar[int]
    SPEED_MBPS_FIELD_NUMBER: _ClassVar[int]
    MTU_FIELD_NUMBER: _ClassVar[int]
    MTU_MATCHES_FIELD_NUMBER: _ClassVar[int]
    ENSLAVED_FIELD_NUMBER: _ClassVar[int]
    uplink: str
    nic: str
    present: bool
    link_up: bool
    speed_mbps: int
    mtu: int
    mtu_matches: bool
    enslaved: bool
    def __init__(self, uplink: _Optional[str] = ..., nic: _Optional[str] = ..., present: _Optional[bool] = ..., link_up: _Optional[bool] = ..., speed_mbps: _Optional[int] = ..., mtu: _Optional[int] = ..., mtu_matches: _Optional[bool] = ..., enslaved: _Optional[bool] = ...) -> None: ...

class SwitchPortGroupHealth(_message.Message):
    __slots__ = ("port_group", "vlan", "bridge", "present")
    PORT_GROUP_FIELD_NUMBER: _ClassVar[int]
    VLAN_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    PRESENT_FIELD_NUMBER: _ClassVar[int]
    port_group: str
    vlan: int
    bridge: str
    present: bool
    def __init__(self, port_group: _Optional[str] = ..., vlan: _Optional[int] = ..., bridge: _Optional[str] = ..., present: _Optional[bool] = ...) -> None: ...

class SwitchHostHealth(_message.Message):
    __slots__ = ("switch_name", "bridge", "bridge_present", "bridge_mtu", "bond", "bond_present", "bond_mode", "bond_primary", "vlan_support", "uplinks", "port_groups", "problems")
    SWITCH_NAME_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_PRESENT_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_MTU_FIELD_NUMBER: _ClassVar[int]
    BOND_FIELD_NUMBER: _ClassVar[int]
    BOND_PRESENT_FIELD_NUMBER: _ClassVar[int]
    BOND_MODE_FIELD_NUMBER: _ClassVar[int]
    BOND_PRIMARY_FIELD_NUMBER: _ClassVar[int]
    VLAN_SUPPORT_FIELD_NUMBER: _ClassVar[int]
    UPLINKS_FIELD_NUMBER: _ClassVar[int]
    PORT_GROUPS_FIELD_NUMBER: _ClassVar[int]
    PROBLEMS_FIELD_NUMBER: _ClassVar[int]
    switch_name: str
    bridge: str
    bridge_present: bool
    bridge_mtu: int
    bond: str
    bond_present: bool
    bond_mode: str
    bond_primary: str
    vlan_support: SwitchVlanSupport
    uplinks: _containers.RepeatedCompositeFieldContainer[SwitchUplinkHealth]
    port_groups: _containers.RepeatedCompositeFieldContainer[SwitchPortGroupHealth]
    problems: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, switch_name: _Optional[str] = ..., bridge: _Optional[str] = ..., bridge_present: _Optional[bool] = ..., bridge_mtu: _Optional[int] = ..., bond: _Optional[str] = ..., bond_present: _Optional[bool] = ..., bond_mode: _Optional[str] = ..., bond_primary: _Optional[str] = ..., vlan_support: _Optional[_Union[SwitchVlanSupport, str]] = ..., uplinks: _Optional[_Iterable[_Union[SwitchUplinkHealth, _Mapping]]] = ..., port_groups: _Optional[_Iterable[_Union[SwitchPortGroupHealth, _Mapping]]] = ..., problems: _Optional[_Iterable[str]] = ...) -> None: ...

class OvfDisk(_message.Message):
    __slots__ = ("file", "volume", "capacity_bytes")
    FILE_FIELD_NUMBER: _ClassVar[int]
    VOLUME_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    file: str
    volume: str
    capacity_bytes: int
    def __init__(self, file: _Optional[str] = ..., volume: _Optional[str] = ..., capacity_bytes: _Optional[int] = ...) -> None: ...

class OvfNic(_message.Message):
    __slots__ = ("name", "network", "model")
    NAME_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    name: str
    network: str
    model: str
    def __init__(self, name: _Optional[str] = ..., network: _Optional[str] = ..., model: _Optional[str] = ...) -> None: ...

class OvfFacts(_message.Message):
    __slots__ = ("name", "os", "cpus", "memory_bytes", "disks", "nics", "producer")
    NAME_FIELD_NUMBER: _ClassVar[int]
    OS_FIELD_NUMBER: _ClassVar[int]
    CPUS_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    DISKS_FIELD_NUMBER: _ClassVar[int]
    NICS_FIELD_NUMBER: _ClassVar[int]
    PRODUCER_FIELD_NUMBER: _ClassVar[int]
    name: str
    os: str
    cpus: int
    memory_bytes: int
    disks: _containers.RepeatedCompositeFieldContainer[OvfDisk]
    nics: _containers.RepeatedCompositeFieldContainer[OvfNic]
    producer: str
    def __init__(self, name: _Optional[str] = ..., os: _Optional[str] = ..., cpus: _Optional[int] = ..., memory_bytes: _Optional[int] = ..., disks: _Optional[_Iterable[_Union[OvfDisk, _Mapping]]] = ..., nics: _Optional[_Iterable[_Union[OvfNic, _Mapping]]] = ..., producer: _Optional[str] = ...) -> None: ...

class ImageFacts(_message.Message):
    __slots__ = ("format", "size_bytes", "virtual_size_bytes", "allocated_bytes", "sha256", "path", "ovf", "volumes")
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    VIRTUAL_SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATED_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    PATH_FIELD_NUMBER: _ClassVar[int]
    OVF_FIELD_NUMBER: _ClassVar[int]
    VOLUMES_FIELD_NUMBER: _ClassVar[int]
    format: str
    size_bytes: int
    virtual_size_bytes: int
    allocated_bytes: int
    sha256: str
    path: str
    ovf: OvfFacts
    volumes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, format: _Optional[str] = ..., size_bytes: _Optional[int] = ..., virtual_size_bytes: _Optional[int] = ..., allocated_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., path: _Optional[str] = ..., ovf: _Optional[_Union[OvfFacts, _Mapping]] = ..., volumes: _Optional[_Iterable[str]] = ...) -> None: ...
