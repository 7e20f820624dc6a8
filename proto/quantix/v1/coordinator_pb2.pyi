import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import field_mask_pb2 as _field_mask_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from proto.quantix.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class NodeStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NODE_STATUS_UNSPECIFIED: _ClassVar[NodeStatus]
    NODE_STATUS_CONNECTED: _ClassVar[NodeStatus]
    NODE_STATUS_OFFLINE: _ClassVar[NodeStatus]
    NODE_STATUS_MAINTENANCE: _ClassVar[NodeStatus]

class ObjectKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OBJECT_KIND_UNSPECIFIED: _ClassVar[ObjectKind]
    OBJECT_KIND_NODE: _ClassVar[ObjectKind]
    OBJECT_KIND_POOL: _ClassVar[ObjectKind]
    OBJECT_KIND_DISCOVERED_POOL: _ClassVar[ObjectKind]
    OBJECT_KIND_AUDIT_ENTRY: _ClassVar[ObjectKind]
    OBJECT_KIND_NETWORK: _ClassVar[ObjectKind]
    OBJECT_KIND_SWITCH: _ClassVar[ObjectKind]
    OBJECT_KIND_DISCOVERED_NETWORK: _ClassVar[ObjectKind]
    OBJECT_KIND_TASK: _ClassVar[ObjectKind]
    OBJECT_KIND_IMAGE: _ClassVar[ObjectKind]
    OBJECT_KIND_CLUSTER: _ClassVar[ObjectKind]
    OBJECT_KIND_HOST_USAGE: _ClassVar[ObjectKind]

class JoinTokenState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    JOIN_TOKEN_STATE_UNSPECIFIED: _ClassVar[JoinTokenState]
    JOIN_TOKEN_STATE_VALID: _ClassVar[JoinTokenState]
    JOIN_TOKEN_STATE_USED: _ClassVar[JoinTokenState]
    JOIN_TOKEN_STATE_EXPIRED: _ClassVar[JoinTokenState]
    JOIN_TOKEN_STATE_REVOKED: _ClassVar[JoinTokenState]

class TaskKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_KIND_UNSPECIFIED: _ClassVar[TaskKind]
    TASK_KIND_UPLOAD: _ClassVar[TaskKind]
    TASK_KIND_DOWNLOAD: _ClassVar[TaskKind]
    TASK_KIND_OVA_IMPORT: _ClassVar[TaskKind]

class TaskPhase(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TASK_PHASE_UNSPECIFIED: _ClassVar[TaskPhase]
    TASK_PHASE_QUEUED: _ClassVar[TaskPhase]
    TASK_PHASE_RUNNING: _ClassVar[TaskPhase]
    TASK_PHASE_CANCELLING: _ClassVar[TaskPhase]
    TASK_PHASE_SUCCEEDED: _ClassVar[TaskPhase]
    TASK_PHASE_FAILED: _ClassVar[TaskPhase]
    TASK_PHASE_CANCELLED: _ClassVar[TaskPhase]

class RestartPriority(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESTART_PRIORITY_UNSPECIFIED: _ClassVar[RestartPriority]
    RESTART_PRIORITY_LOWEST: _ClassVar[RestartPriority]
    RESTART_PRIORITY_LOW: _ClassVar[RestartPriority]
    RESTART_PRIORITY_MEDIUM: _ClassVar[RestartPriority]
    RESTART_PRIORITY_HIGH: _ClassVar[RestartPriority]
    RESTART_PRIORITY_HIGHEST: _ClassVar[RestartPriority]

class IsolationResponse(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ISOLATION_RESPONSE_UNSPECIFIED: _ClassVar[IsolationResponse]
    ISOLATION_RESPONSE_LEAVE_POWERED_ON: _ClassVar[IsolationResponse]
    ISOLATION_RESPONSE_SHUT_DOWN: _ClassVar[IsolationResponse]
    ISOLATION_RESPONSE_POWER_OFF: _ClassVar[IsolationResponse]

class DrsAutomation(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DRS_AUTOMATION_UNSPECIFIED: _ClassVar[DrsAutomation]
    DRS_AUTOMATION_MANUAL: _ClassVar[DrsAutomation]
    DRS_AUTOMATION_PARTIALLY_AUTOMATED: _ClassVar[DrsAutomation]
    DRS_AUTOMATION_FULLY_AUTOMATED: _ClassVar[DrsAutomation]

class ClusterStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CLUSTER_STATUS_UNSPECIFIED: _ClassVar[ClusterStatus]
    CLUSTER_STATUS_HEALTHY: _ClassVar[ClusterStatus]
    CLUSTER_STATUS_WARNING: _ClassVar[ClusterStatus]
    CLUSTER_STATUS_CRITICAL: _ClassVar[ClusterStatus]
    CLUSTER_STATUS_EMPTY: _ClassVar[ClusterStatus]
NODE_STATUS_UNSPECIFIED: NodeStatus
NODE_STATUS_CONNECTED: NodeStatus
NODE_STATUS_OFFLINE: NodeStatus
NODE_STATUS_MAINTENANCE: NodeStatus
OBJECT_KIND_UNSPECIFIED: ObjectKind
OBJECT_KIND_NODE: ObjectKind
OBJECT_KIND_POOL: ObjectKind
OBJECT_KIND_DISCOVERED_POOL: ObjectKind
OBJECT_KIND_AUDIT_ENTRY: ObjectKind
OBJECT_KIND_NETWORK: ObjectKind
OBJECT_KIND_SWITCH: ObjectKind
OBJECT_KIND_DISCOVERED_NETWORK: ObjectKind
OBJECT_KIND_TASK: ObjectKind
OBJECT_KIND_IMAGE: ObjectKind
OBJECT_KIND_CLUSTER: ObjectKind
OBJECT_KIND_HOST_USAGE: ObjectKind
JOIN_TOKEN_STATE_UNSPECIFIED: JoinTokenState
JOIN_TOKEN_STATE_VALID: JoinTokenState
JOIN_TOKEN_STATE_USED: JoinTokenState
JOIN_TOKEN_STATE_EXPIRED: JoinTokenState
JOIN_TOKEN_STATE_REVOKED: JoinTokenState
TASK_KIND_UNSPECIFIED: TaskKind
TASK_KIND_UPLOAD: TaskKind
TASK_KIND_DOWNLOAD: TaskKind
TASK_KIND_OVA_IMPORT: TaskKind
TASK_PHASE_UNSPECIFIED: TaskPhase
TASK_PHASE_QUEUED: TaskPhase
TASK_PHASE_RUNNING: TaskPhase
TASK_PHASE_CANCELLING: TaskPhase
TASK_PHASE_SUCCEEDED: TaskPhase
TASK_PHASE_FAILED: TaskPhase
TASK_PHASE_CANCELLED: TaskPhase
RESTART_PRIORITY_UNSPECIFIED: RestartPriority
RESTART_PRIORITY_LOWEST: RestartPriority
RESTART_PRIORITY_LOW: RestartPriority
RESTART_PRIORITY_MEDIUM: RestartPriority
RESTART_PRIORITY_HIGH: RestartPriority
RESTART_PRIORITY_HIGHEST: RestartPriority
ISOLATION_RESPONSE_UNSPECIFIED: IsolationResponse
ISOLATION_RESPONSE_LEAVE_POWERED_ON: IsolationResponse
ISOLATION_RESPONSE_SHUT_DOWN: IsolationResponse
ISOLATION_RESPONSE_POWER_OFF: IsolationResponse
DRS_AUTOMATION_UNSPECIFIED: DrsAutomation
DRS_AUTOMATION_MANUAL: DrsAutomation
DRS_AUTOMATION_PARTIALLY_AUTOMATED: DrsAutomation
DRS_AUTOMATION_FULLY_AUTOMATED: DrsAutomation
CLUSTER_STATUS_UNSPECIFIED: ClusterStatus
CLUSTER_STATUS_HEALTHY: ClusterStatus
CLUSTER_STATUS_WARNING: ClusterStatus
CLUSTER_STATUS_CRITICAL: ClusterStatus
CLUSTER_STATUS_EMPTY: ClusterStatus

class Node(_message.Message):
    __slots__ = ("name", "address", "status", "status_message", "last_seen", "registered_at", "host_info", "daemon_version", "offline_since")
    NAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_AT_FIELD_NUMBER: _ClassVar[int]
    HOST_INFO_FIELD_NUMBER: _ClassVar[int]
    DAEMON_VERSION_FIELD_NUMBER: _ClassVar[int]
    OFFLINE_SINCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    address: str
    status: NodeStatus
    status_message: str
    last_seen: _timestamp_pb2.Timestamp
    registered_at: _timestamp_pb2.Timestamp
    host_info: _common_pb2.HostInfo
    daemon_version: str
    offline_since: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., address: _Optional[str] = ..., status: _Optional[_Union[NodeStatus, str]] = ..., status_message: _Optional[str] = ..., last_seen: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., registered_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., host_info: _Optional[_Union[_common_pb2.HostInfo, _Mapping]] = ..., daemon_version: _Optional[str] = ..., offline_since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RegisterNodeRequest(_message.Message):
    __slots__ = ("hostname", "address", "host_info", "daemon_version")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    ADDRESS_FIELD_NUMBER: _ClassVar[int]
    HOST_INFO_FIELD_NUMBER: _ClassVar[int]
    DAEMON_VERSION_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    address: str
    host_info: _common_pb2.HostInfo
    daemon_version: str
    def __init__(self, hostname: _Optional[str] = ..., address: _Optional[str] = ..., host_info: _Optional[_Union[_common_pb2.HostInfo, _Mapping]] = ..., daemon_version: _Optional[str] = ...) -> None: ...

class RegisterNodeResponse(_message.Message):
    __slots__ = ("node", "heartbeat_interval")
    NODE_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    node: Node
    heartbeat_interval: _duration_pb2.Duration
    def __init__(self, node: _Optional[_Union[Node, _Mapping]] = ..., heartbeat_interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class HeartbeatRequest(_message.Message):
    __slots__ = ("hostname", "usage")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    usage: _common_pb2.HostUsage
    def __init__(self, hostname: _Optional[str] = ..., usage: _Optional[_Union[_common_pb2.HostUsage, _Mapping]] = ...) -> None: ...

class HeartbeatResponse(_message.Message):
    __slots__ = ("heartbeat_interval",)
    HEARTBEAT_INTERVAL_FIELD_NUMBER: _ClassVar[int]
    heartbeat_interval: _duration_pb2.Duration
    def __init__(self, heartbeat_interval: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class ListNodesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNodesResponse(_message.Message):
    __slots__ = ("nodes", "revision")
    NODES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    nodes: _containers.RepeatedCompositeFieldContainer[Node]
    revision: int
    def __init__(self, nodes: _Optional[_Iterable[_Union[Node, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class GetNodeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class SetNodeMaintenanceRequest(_message.Message):
    __slots__ = ("name", "maintenance")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MAINTENANCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    maintenance: bool
    def __init__(self, name: _Optional[str] = ..., maintenance: _Optional[bool] = ...) -> None: ...

class RemoveNodeRequest(_message.Message):
    __slots__ = ("name", "force")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    force: bool
    def __init__(self, name: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class RemoveNodeResponse(_message.Message):
    __slots__ = ("pools_released",)
    POOLS_RELEASED_FIELD_NUMBER: _ClassVar[int]
    pools_released: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, pools_released: _Optional[_Iterable[str]] = ...) -> None: ...

class ReportStoragePoolsRequest(_message.Message):
    __slots__ = ("hostname", "pools", "stamp")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    POOLS_FIELD_NUMBER: _ClassVar[int]
    STAMP_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    pools: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostStoragePool]
    stamp: _common_pb2.ChangeStamp
    def __init__(self, hostname: _Optional[str] = ..., pools: _Optional[_Iterable[_Union[_common_pb2.HostStoragePool, _Mapping]]] = ..., stamp: _Optional[_Union[_common_pb2.ChangeStamp, _Mapping]] = ...) -> None: ...

class ReportStoragePoolsResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WatchRequest(_message.Message):
    __slots__ = ("since_revision",)
    SINCE_REVISION_FIELD_NUMBER: _ClassVar[int]
    since_revision: int
    def __init__(self, since_revision: _Optional[int] = ...) -> None: ...

class WatchEvent(_message.Message):
    __slots__ = ("type", "revision", "kind", "key", "node", "pool", "discovered_pool", "audit_entry", "network", "switch", "discovered_network", "task", "image", "cluster", "usage")
    class Type(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
        __slots__ = ()
        TYPE_UNSPECIFIED: _ClassVar[WatchEvent.Type]
        TYPE_RESET: _ClassVar[WatchEvent.Type]
        TYPE_ADDED: _ClassVar[WatchEvent.Type]
        TYPE_UPDATED: _ClassVar[WatchEvent.Type]
        TYPE_REMOVED: _ClassVar[WatchEvent.Type]
        TYPE_SYNCED: _ClassVar[WatchEvent.Type]
    TYPE_UNSPECIFIED: WatchEvent.Type
    TYPE_RESET: WatchEvent.Type
    TYPE_ADDED: WatchEvent.Type
    TYPE_UPDATED: WatchEvent.Type
    TYPE_REMOVED: WatchEvent.Type
    TYPE_SYNCED: WatchEvent.Type
    TYPE_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    KEY_FIELD_NUMBER: _ClassVar[int]
    NODE_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    DISCOVERED_POOL_FIELD_NUMBER: _ClassVar[int]
    AUDIT_ENTRY_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    SWITCH_FIELD_NUMBER: _ClassVar[int]
    DISCOVERED_NETWORK_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    CLUSTER_FIELD_NUMBER: _ClassVar[int]
    USAGE_FIELD_NUMBER: _ClassVar[int]
    type: WatchEvent.Type
    revision: int
    kind: ObjectKind
    key: str
    node: Node
    pool: Pool
    discovered_pool: DiscoveredPool
    audit_entry: AuditEntry
    network: Network
    switch: Switch
    discovered_network: DiscoveredNetwork
    task: Task
    image: Image
    cluster: Cluster
    usage: UsageSamples
    def __init__(self, type: _Optional[_Union[WatchEvent.Type, str]] = ..., revision: _Optional[int] = ..., kind: _Optional[_Union[ObjectKind, str]] = ..., key: _Optional[str] = ..., node: _Optional[_Union[Node, _Mapping]] = ..., pool: _Optional[_Union[Pool, _Mapping]] = ..., discovered_pool: _Optional[_Union[DiscoveredPool, _Mapping]] = ..., audit_entry: _Optional[_Union[AuditEntry, _Mapping]] = ..., network: _Optional[_Union[Network, _Mapping]] = ..., switch: _Optional[_Union[Switch, _Mapping]] = ..., discovered_network: _Optional[_Union[DiscoveredNetwork, _Mapping]] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., image: _Optional[_Union[Image, _Mapping]] = ..., cluster: _Optional[_Union[Cluster, _Mapping]] = ..., usage: _Optional[_Union[UsageSamples, _Mapping]] = ...) -> None: ...

class Pool(_message.Message):
    __slots__ = ("spec", "realization", "capacity_bytes", "allocation_bytes", "available_bytes", "created_at", "updated_at")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REALIZATION_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_BYTES_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.PoolSpec
    realization: _common_pb2.Realization
    capacity_bytes: int
    allocation_bytes: int
    available_bytes: int
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, spec: _Optional[_Union[_common_pb2.PoolSpec, _Mapping]] = ..., realization: _Optional[_Union[_common_pb2.Realization, _Mapping]] = ..., capacity_bytes: _Optional[int] = ..., allocation_bytes: _Optional[int] = ..., available_bytes: _Optional[int] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreatePoolRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.PoolSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.PoolSpec, _Mapping]] = ...) -> None: ...

class GetPoolRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListPoolsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListPoolsResponse(_message.Message):
    __slots__ = ("pools", "revision")
    POOLS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    pools: _containers.RepeatedCompositeFieldContainer[Pool]
    revision: int
    def __init__(self, pools: _Optional[_Iterable[_Union[Pool, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class RetryPoolRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class AssignHostsRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class UnassignHostsRequest(_message.Message):
    __slots__ = ("name", "hosts", "force")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    force: bool
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ..., force: _Optional[bool] = ...) -> None: ...

class DeletePoolRequest(_message.Message):
    __slots__ = ("name", "force")
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORCE_FIELD_NUMBER: _ClassVar[int]
    name: str
    force: bool
    def __init__(self, name: _Optional[str] = ..., force: _Optional[bool] = ...) -> None: ...

class DeletePoolResponse(_message.Message):
    __slots__ = ("deleted", "results", "pool")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    results: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostStatus]
    pool: Pool
    def __init__(self, deleted: _Optional[bool] = ..., results: _Optional[_Iterable[_Union[_common_pb2.HostStatus, _Mapping]]] = ..., pool: _Optional[_Union[Pool, _Mapping]] = ...) -> None: ...

class DiscoveredPoolHost(_message.Message):
    __slots__ = ("host", "state", "capacity_bytes", "allocation_bytes", "available_bytes", "autostart", "persistent", "uuid")
    HOST_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    ALLOCATION_BYTES_FIELD_NUMBER: _ClassVar[int]
    AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    AUTOSTART_FIELD_NUMBER: _ClassVar[int]
    PERSISTENT_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    host: str
    state: _common_pb2.StoragePoolState
    capacity_bytes: int
    allocation_bytes: int
    available_bytes: int
    autostart: bool
    persistent: bool
    uuid: str
    def __init__(self, host: _Optional[str] = ..., state: _Optional[_Union[_common_pb2.StoragePoolState, str]] = ..., capacity_bytes: _Optional[int] = ..., allocation_bytes: _Optional[int] = ..., available_bytes: _Optional[int] = ..., autostart: _Optional[bool] = ..., persistent: _Optional[bool] = ..., uuid: _Optional[str] = ...) -> None: ...

class DiscoveredPool(_message.Message):
    __slots__ = ("key", "name", "type", "source", "target_path", "hosts", "adoptable", "not_adoptable_reason")
    KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    TARGET_PATH_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    ADOPTABLE_FIELD_NUMBER: _ClassVar[int]
    NOT_ADOPTABLE_REASON_FIELD_NUMBER: _ClassVar[int]
    key: str
    name: str
    type: str
    source: str
    target_path: str
    hosts: _containers.RepeatedCompositeFieldContainer[DiscoveredPoolHost]
    adoptable: bool
    not_adoptable_reason: str
    def __init__(self, key: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[str] = ..., source: _Optional[str] = ..., target_path: _Optional[str] = ..., hosts: _Optional[_Iterable[_Union[DiscoveredPoolHost, _Mapping]]] = ..., adoptable: _Optional[bool] = ..., not_adoptable_reason: _Optional[str] = ...) -> None: ...

class ListDiscoveredPoolsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDiscoveredPoolsResponse(_message.Message):
    __slots__ = ("pools", "revision")
    POOLS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    pools: _containers.RepeatedCompositeFieldContainer[DiscoveredPool]
    revision: int
    def __init__(self, pools: _Optional[_Iterable[_Union[DiscoveredPool, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class AdoptPoolRequest(_message.Message):
    __slots__ = ("name", "hosts", "secret", "dry_run")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    secret: str
    dry_run: bool
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ..., secret: _Optional[str] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class JoinToken(_message.Message):
    __slots__ = ("id", "state", "created_at", "expires_at", "created_by", "used_at", "used_by", "revoked_at", "revoked_by")
    ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    USED_AT_FIELD_NUMBER: _ClassVar[int]
    USED_BY_FIELD_NUMBER: _ClassVar[int]
    REVOKED_AT_FIELD_NUMBER: _ClassVar[int]
    REVOKED_BY_FIELD_NUMBER: _ClassVar[int]
    id: str
    state: JoinTokenState
    created_at: _timestamp_pb2.Timestamp
    expires_at: _timestamp_pb2.Timestamp
    created_by: str
    used_at: _timestamp_pb2.Timestamp
    used_by: str
    revoked_at: _timestamp_pb2.Timestamp
    revoked_by: str
    def __init__(self, id: _Optional[str] = ..., state: _Optional[_Union[JoinTokenState, str]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., created_by: _Optional[str] = ..., used_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., used_by: _Optional[str] = ..., revoked_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., revoked_by: _Optional[str] = ...) -> None: ...

class CreateJoinTokenRequest(_message.Message):
    __slots__ = ("ttl",)
    TTL_FIELD_NUMBER: _ClassVar[int]
    ttl: _duration_pb2.Duration
    def __init__(self, ttl: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class CreateJoinTokenResponse(_message.Message):
    __slots__ = ("token", "secret", "ca_fingerprint", "enrolment_port")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    CA_FINGERPRINT_FIELD_NUMBER: _ClassVar[int]
    ENROLMENT_PORT_FIELD_NUMBER: _ClassVar[int]
    token: JoinToken
    secret: str
    ca_fingerprint: str
    enrolment_port: int
    def __init__(self, token: _Optional[_Union[JoinToken, _Mapping]] = ..., secret: _Optional[str] = ..., ca_fingerprint: _Optional[str] = ..., enrolment_port: _Optional[int] = ...) -> None: ...

class ListJoinTokensRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListJoinTokensResponse(_message.Message):
    __slots__ = ("tokens",)
    TOKENS_FIELD_NUMBER: _ClassVar[int]
    tokens: _containers.RepeatedCompositeFieldContainer[JoinToken]
    def __init__(self, tokens: _Optional[_Iterable[_Union[JoinToken, _Mapping]]] = ...) -> None: ...

class RevokeJoinTokenRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class EnrolRequest(_message.Message):
    __slots__ = ("token", "hostname", "csr")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    CSR_FIELD_NUMBER: _ClassVar[int]
    token: str
    hostname: str
    csr: bytes
    def __init__(self, token: _Optional[str] = ..., hostname: _Optional[str] = ..., csr: _Optional[bytes] = ...) -> None: ...

class EnrolResponse(_message.Message):
    __slots__ = ("certificate", "ca")
    CERTIFICATE_FIELD_NUMBER: _ClassVar[int]
    CA_FIELD_NUMBER: _ClassVar[int]
    certificate: bytes
    ca: bytes
    def __init__(self, certificate: _Optional[bytes] = ..., ca: _Optional[bytes] = ...) -> None: ...

class AuditEntry(_message.Message):
    __slots__ = ("id", "time", "who", "role", "peer", "rpc", "object", "code", "message", "count", "last_time")
    ID_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    PEER_FIELD_NUMBER: _ClassVar[int]
    RPC_FIELD_NUMBER: _ClassVar[int]
    OBJECT_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    LAST_TIME_FIELD_NUMBER: _ClassVar[int]
    id: int
    time: _timestamp_pb2.Timestamp
    who: str
    role: str
    peer: str
    rpc: str
    object: str
    code: str
    message: str
    count: int
    last_time: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[int] = ..., time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., who: _Optional[str] = ..., role: _Optional[str] = ..., peer: _Optional[str] = ..., rpc: _Optional[str] = ..., object: _Optional[str] = ..., code: _Optional[str] = ..., message: _Optional[str] = ..., count: _Optional[int] = ..., last_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListAuditEntriesRequest(_message.Message):
    __slots__ = ("since", "limit")
    SINCE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    since: _timestamp_pb2.Timestamp
    limit: int
    def __init__(self, since: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., limit: _Optional[int] = ...) -> None: ...

class ListAuditEntriesResponse(_message.Message):
    __slots__ = ("entries",)
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[AuditEntry]
    def __init__(self, entries: _Optional[_Iterable[_Union[AuditEntry, _Mapping]]] = ...) -> None: ...

class WatchBatch(_message.Message):
    __slots__ = ("events",)
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    events: _containers.RepeatedCompositeFieldContainer[WatchEvent]
    def __init__(self, events: _Optional[_Iterable[_Union[WatchEvent, _Mapping]]] = ...) -> None: ...

class Network(_message.Message):
    __slots__ = ("spec", "realization", "created_at", "updated_at")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REALIZATION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.NetworkSpec
    realization: _common_pb2.Realization
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, spec: _Optional[_Union[_common_pb2.NetworkSpec, _Mapping]] = ..., realization: _Optional[_Union[_common_pb2.Realization, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateNetworkRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.NetworkSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.NetworkSpec, _Mapping]] = ...) -> None: ...

class GetNetworkRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListNetworksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListNetworksResponse(_message.Message):
    __slots__ = ("networks", "revision")
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    networks: _containers.RepeatedCompositeFieldContainer[Network]
    revision: int
    def __init__(self, networks: _Optional[_Iterable[_Union[Network, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class UpdateNetworkRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.NetworkSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.NetworkSpec, _Mapping]] = ...) -> None: ...

class RetryNetworkRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class AssignNetworkHostsRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class UnassignNetworkHostsRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteNetworkRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteNetworkResponse(_message.Message):
    __slots__ = ("deleted", "results", "network")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    NETWORK_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    results: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostStatus]
    network: Network
    def __init__(self, deleted: _Optional[bool] = ..., results: _Optional[_Iterable[_Union[_common_pb2.HostStatus, _Mapping]]] = ..., network: _Optional[_Union[Network, _Mapping]] = ...) -> None: ...

class Switch(_message.Message):
    __slots__ = ("spec", "realization", "created_at", "updated_at")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REALIZATION_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.SwitchSpec
    realization: _common_pb2.Realization
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, spec: _Optional[_Union[_common_pb2.SwitchSpec, _Mapping]] = ..., realization: _Optional[_Union[_common_pb2.Realization, _Mapping]] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSwitchRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.SwitchSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.SwitchSpec, _Mapping]] = ...) -> None: ...

class GetSwitchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListSwitchesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListSwitchesResponse(_message.Message):
    __slots__ = ("switches", "revision")
    SWITCHES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    switches: _containers.RepeatedCompositeFieldContainer[Switch]
    revision: int
    def __init__(self, switches: _Optional[_Iterable[_Union[Switch, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class UpdateSwitchRequest(_message.Message):
    __slots__ = ("spec",)
    SPEC_FIELD_NUMBER: _ClassVar[int]
    spec: _common_pb2.SwitchSpec
    def __init__(self, spec: _Optional[_Union[_common_pb2.SwitchSpec, _Mapping]] = ...) -> None: ...

class RetrySwitchRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class DeleteSwitchRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class DeleteSwitchResponse(_message.Message):
    __slots__ = ("deleted", "results", "switch")
    DELETED_FIELD_NUMBER: _ClassVar[int]
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    SWITCH_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    results: _containers.RepeatedCompositeFieldContainer[_common_pb2.HostStatus]
    switch: Switch
    def __init__(self, deleted: _Optional[bool] = ..., results: _Optional[_Iterable[_Union[_common_pb2.HostStatus, _Mapping]]] = ..., switch: _Optional[_Union[Switch, _Mapping]] = ...) -> None: ...

class DiscoveredNetworkHost(_message.Message):
    __slots__ = ("host", "active", "autostart", "persistent", "uuid")
    HOST_FIELD_NUMBER: _ClassVar[int]
    ACTIVE_FIELD_NUMBER: _ClassVar[int]
    AUTOSTART_FIELD_NUMBER: _ClassVar[int]
    PERSISTENT_FIELD_NUMBER: _ClassVar[int]
    UUID_FIELD_NUMBER: _ClassVar[int]
    host: str
    active: bool
    autostart: bool
    persistent: bool
    uuid: str
    def __init__(self, host: _Optional[str] = ..., active: _Optional[bool] = ..., autostart: _Optional[bool] = ..., persistent: _Optional[bool] = ..., uuid: _Optional[str] = ...) -> None: ...

class DiscoveredNetwork(_message.Message):
    __slots__ = ("key", "name", "forward_mode", "bridge", "subnets", "hosts", "adoptable", "not_adoptable_reason")
    KEY_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FORWARD_MODE_FIELD_NUMBER: _ClassVar[int]
    BRIDGE_FIELD_NUMBER: _ClassVar[int]
    SUBNETS_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    ADOPTABLE_FIELD_NUMBER: _ClassVar[int]
    NOT_ADOPTABLE_REASON_FIELD_NUMBER: _ClassVar[int]
    key: str
    name: str
    forward_mode: str
    bridge: str
    subnets: _containers.RepeatedScalarFieldContainer[str]
    hosts: _containers.RepeatedCompositeFieldContainer[DiscoveredNetworkHost]
    adoptable: bool
    not_adoptable_reason: str
    def __init__(self, key: _Optional[str] = ..., name: _Optional[str] = ..., forward_mode: _Optional[str] = ..., bridge: _Optional[str] = ..., subnets: _Optional[_Iterable[str]] = ..., hosts: _Optional[_Iterable[_Union[DiscoveredNetworkHost, _Mapping]]] = ..., adoptable: _Optional[bool] = ..., not_adoptable_reason: _Optional[str] = ...) -> None: ...

class ListDiscoveredNetworksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListDiscoveredNetworksResponse(_message.Message):
    __slots__ = ("networks", "revision")
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    networks: _containers.RepeatedCompositeFieldContainer[DiscoveredNetwork]
    revision: int
    def __init__(self, networks: _Optional[_Iterable[_Union[DiscoveredNetwork, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class AdoptNetworkRequest(_message.Message):
    __slots__ = ("name", "hosts", "dry_run")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    dry_run: bool
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ..., dry_run: _Optional[bool] = ...) -> None: ...

class Task(_message.Message):
    __slots__ = ("id", "kind", "object_name", "pool", "host", "phase", "step", "bytes_done", "bytes_total", "rate_bytes_per_second", "eta", "message", "started_by", "created_at", "updated_at", "finished_at")
    ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    OBJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    POOL_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    BYTES_DONE_FIELD_NUMBER: _ClassVar[int]
    BYTES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    RATE_BYTES_PER_SECOND_FIELD_NUMBER: _ClassVar[int]
    ETA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    STARTED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    FINISHED_AT_FIELD_NUMBER: _ClassVar[int]
    id: str
    kind: TaskKind
    object_name: str
    pool: str
    host: str
    phase: TaskPhase
    step: str
    bytes_done: int
    bytes_total: int
    rate_bytes_per_second: float
    eta: _duration_pb2.Duration
    message: str
    started_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    finished_at: _timestamp_pb2.Timestamp
    def __init__(self, id: _Optional[str] = ..., kind: _Optional[_Union[TaskKind, str]] = ..., object_name: _Optional[str] = ..., pool: _Optional[str] = ..., host: _Optional[str] = ..., phase: _Optional[_Union[TaskPhase, str]] = ..., step: _Optional[str] = ..., bytes_done: _Optional[int] = ..., bytes_total: _Optional[int] = ..., rate_bytes_per_second: _Optional[float] = ..., eta: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., message: _Optional[str] = ..., started_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finished_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListTasksRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListTasksResponse(_message.Message):
    __slots__ = ("tasks", "revision")
    TASKS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    tasks: _containers.RepeatedCompositeFieldContainer[Task]
    revision: int
    def __init__(self, tasks: _Optional[_Iterable[_Union[Task, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class GetTaskRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class CancelTaskRequest(_message.Message):
    __slots__ = ("id",)
    ID_FIELD_NUMBER: _ClassVar[int]
    id: str
    def __init__(self, id: _Optional[str] = ...) -> None: ...

class ReportTaskProgressRequest(_message.Message):
    __slots__ = ("hostname", "id", "phase", "step", "bytes_done", "bytes_total", "message", "image_phase", "image_facts")
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    ID_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    BYTES_DONE_FIELD_NUMBER: _ClassVar[int]
    BYTES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_PHASE_FIELD_NUMBER: _ClassVar[int]
    IMAGE_FACTS_FIELD_NUMBER: _ClassVar[int]
    hostname: str
    id: str
    phase: TaskPhase
    step: str
    bytes_done: int
    bytes_total: int
    message: str
    image_phase: _common_pb2.ImagePhase
    image_facts: _common_pb2.ImageFacts
    def __init__(self, hostname: _Optional[str] = ..., id: _Optional[str] = ..., phase: _Optional[_Union[TaskPhase, str]] = ..., step: _Optional[str] = ..., bytes_done: _Optional[int] = ..., bytes_total: _Optional[int] = ..., message: _Optional[str] = ..., image_phase: _Optional[_Union[_common_pb2.ImagePhase, str]] = ..., image_facts: _Optional[_Union[_common_pb2.ImageFacts, _Mapping]] = ...) -> None: ...

class ReportTaskProgressResponse(_message.Message):
    __slots__ = ("cancel",)
    CANCEL_FIELD_NUMBER: _ClassVar[int]
    cancel: bool
    def __init__(self, cancel: _Optional[bool] = ...) -> None: ...

class Image(_message.Message):
    __slots__ = ("pool", "name", "kind", "host", "phase", "message", "facts", "task_id", "source", "expected_sha256", "managed", "created_by", "created_at", "updated_at", "checksum_url", "volume_made")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    PHASE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FACTS_FIELD_NUMBER: _ClassVar[int]
    TASK_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_SHA256_FIELD_NUMBER: _ClassVar[int]
    MANAGED_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_URL_FIELD_NUMBER: _ClassVar[int]
    VOLUME_MADE_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    kind: _common_pb2.ImageKind
    host: str
    phase: _common_pb2.ImagePhase
    message: str
    facts: _common_pb2.ImageFacts
    task_id: str
    source: str
    expected_sha256: str
    managed: bool
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    checksum_url: str
    volume_made: bool
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ImageKind, str]] = ..., host: _Optional[str] = ..., phase: _Optional[_Union[_common_pb2.ImagePhase, str]] = ..., message: _Optional[str] = ..., facts: _Optional[_Union[_common_pb2.ImageFacts, _Mapping]] = ..., task_id: _Optional[str] = ..., source: _Optional[str] = ..., expected_sha256: _Optional[str] = ..., managed: _Optional[bool] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., checksum_url: _Optional[str] = ..., volume_made: _Optional[bool] = ...) -> None: ...

class ListImagesRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListImagesResponse(_message.Message):
    __slots__ = ("images", "revision")
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    images: _containers.RepeatedCompositeFieldContainer[Image]
    revision: int
    def __init__(self, images: _Optional[_Iterable[_Union[Image, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class GetImageRequest(_message.Message):
    __slots__ = ("pool", "name")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class CreateUploadRequest(_message.Message):
    __slots__ = ("pool", "name", "kind", "size_bytes", "sha256", "host", "source")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    kind: _common_pb2.ImageKind
    size_bytes: int
    sha256: str
    host: str
    source: str
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ImageKind, str]] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ..., host: _Optional[str] = ..., source: _Optional[str] = ...) -> None: ...

class CreateUploadResponse(_message.Message):
    __slots__ = ("image", "task", "host", "node_address", "ticket", "expires_at")
    IMAGE_FIELD_NUMBER: _ClassVar[int]
    TASK_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    NODE_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_AT_FIELD_NUMBER: _ClassVar[int]
    image: Image
    task: Task
    host: str
    node_address: str
    ticket: str
    expires_at: _timestamp_pb2.Timestamp
    def __init__(self, image: _Optional[_Union[Image, _Mapping]] = ..., task: _Optional[_Union[Task, _Mapping]] = ..., host: _Optional[str] = ..., node_address: _Optional[str] = ..., ticket: _Optional[str] = ..., expires_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateDownloadRequest(_message.Message):
    __slots__ = ("pool", "name", "kind", "url", "sha256", "checksum_url", "host", "catalog_id")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_URL_FIELD_NUMBER: _ClassVar[int]
    HOST_FIELD_NUMBER: _ClassVar[int]
    CATALOG_ID_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    kind: _common_pb2.ImageKind
    url: str
    sha256: str
    checksum_url: str
    host: str
    catalog_id: str
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[_common_pb2.ImageKind, str]] = ..., url: _Optional[str] = ..., sha256: _Optional[str] = ..., checksum_url: _Optional[str] = ..., host: _Optional[str] = ..., catalog_id: _Optional[str] = ...) -> None: ...

class RetryImageRequest(_message.Message):
    __slots__ = ("pool", "name")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class DeleteImageRequest(_message.Message):
    __slots__ = ("pool", "name")
    POOL_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    pool: str
    name: str
    def __init__(self, pool: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class DeleteImageResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HaSettings(_message.Message):
    __slots__ = ("enabled", "admission_control", "host_failures_to_tolerate", "host_monitoring", "vm_monitoring", "restart_priority", "isolation_response")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    ADMISSION_CONTROL_FIELD_NUMBER: _ClassVar[int]
    HOST_FAILURES_TO_TOLERATE_FIELD_NUMBER: _ClassVar[int]
    HOST_MONITORING_FIELD_NUMBER: _ClassVar[int]
    VM_MONITORING_FIELD_NUMBER: _ClassVar[int]
    RESTART_PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ISOLATION_RESPONSE_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    admission_control: bool
    host_failures_to_tolerate: int
    host_monitoring: bool
    vm_monitoring: bool
    restart_priority: RestartPriority
    isolation_response: IsolationResponse
    def __init__(self, enabled: _Optional[bool] = ..., admission_control: _Optional[bool] = ..., host_failures_to_tolerate: _Optional[int] = ..., host_monitoring: _Optional[bool] = ..., vm_monitoring: _Optional[bool] = ..., restart_priority: _Optional[_Union[RestartPriority, str]] = ..., isolation_response: _Optional[_Union[IsolationResponse, str]] = ...) -> None: ...

class DrsSettings(_message.Message):
    __slots__ = ("enabled", "automation", "migration_threshold", "power_management")
    ENABLED_FIELD_NUMBER: _ClassVar[int]
    AUTOMATION_FIELD_NUMBER: _ClassVar[int]
    MIGRATION_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    POWER_MANAGEMENT_FIELD_NUMBER: _ClassVar[int]
    enabled: bool
    automation: DrsAutomation
    migration_threshold: int
    power_management: bool
    def __init__(self, enabled: _Optional[bool] = ..., automation: _Optional[_Union[DrsAutomation, str]] = ..., migration_threshold: _Optional[int] = ..., power_management: _Optional[bool] = ...) -> None: ...

class ClusterSpec(_message.Message):
    __slots__ = ("name", "description", "labels", "ha", "drs", "default_pool", "default_network")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    HA_FIELD_NUMBER: _ClassVar[int]
    DRS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_POOL_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_NETWORK_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    labels: _containers.ScalarMap[str, str]
    ha: HaSettings
    drs: DrsSettings
    default_pool: str
    default_network: str
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., ha: _Optional[_Union[HaSettings, _Mapping]] = ..., drs: _Optional[_Union[DrsSettings, _Mapping]] = ..., default_pool: _Optional[str] = ..., default_network: _Optional[str] = ...) -> None: ...

class ClusterFigures(_message.Message):
    __slots__ = ("hosts_online", "hosts_total", "cores", "memory_bytes", "storage_capacity_bytes", "storage_available_bytes")
    HOSTS_ONLINE_FIELD_NUMBER: _ClassVar[int]
    HOSTS_TOTAL_FIELD_NUMBER: _ClassVar[int]
    CORES_FIELD_NUMBER: _ClassVar[int]
    MEMORY_BYTES_FIELD_NUMBER: _ClassVar[int]
    STORAGE_CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    STORAGE_AVAILABLE_BYTES_FIELD_NUMBER: _ClassVar[int]
    hosts_online: int
    hosts_total: int
    cores: int
    memory_bytes: int
    storage_capacity_bytes: int
    storage_available_bytes: int
    def __init__(self, hosts_online: _Optional[int] = ..., hosts_total: _Optional[int] = ..., cores: _Optional[int] = ..., memory_bytes: _Optional[int] = ..., storage_capacity_bytes: _Optional[int] = ..., storage_available_bytes: _Optional[int] = ...) -> None: ...

class Cluster(_message.Message):
    __slots__ = ("spec", "hosts", "status", "status_message", "figures", "pools", "networks", "created_by", "created_at", "updated_at")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    STATUS_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    FIGURES_FIELD_NUMBER: _ClassVar[int]
    POOLS_FIELD_NUMBER: _ClassVar[int]
    NETWORKS_FIELD_NUMBER: _ClassVar[int]
    CREATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATED_AT_FIELD_NUMBER: _ClassVar[int]
    UPDATED_AT_FIELD_NUMBER: _ClassVar[int]
    spec: ClusterSpec
    hosts: _containers.RepeatedScalarFieldContainer[str]
    status: ClusterStatus
    status_message: str
    figures: ClusterFigures
    pools: _containers.RepeatedScalarFieldContainer[str]
    networks: _containers.RepeatedScalarFieldContainer[str]
    created_by: str
    created_at: _timestamp_pb2.Timestamp
    updated_at: _timestamp_pb2.Timestamp
    def __init__(self, spec: _Optional[_Union[ClusterSpec, _Mapping]] = ..., hosts: _Optional[_Iterable[str]] = ..., status: _Optional[_Union[ClusterStatus, str]] = ..., status_message: _Optional[str] = ..., figures: _Optional[_Union[ClusterFigures, _Mapping]] = ..., pools: _Optional[_Iterable[str]] = ..., networks: _Optional[_Iterable[str]] = ..., created_by: _Optional[str] = ..., created_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., updated_at: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateClusterRequest(_message.Message):
    __slots__ = ("spec", "hosts")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    spec: ClusterSpec
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, spec: _Optional[_Union[ClusterSpec, _Mapping]] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class GetClusterRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class ListClustersRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListClustersResponse(_message.Message):
    __slots__ = ("clusters", "revision")
    CLUSTERS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    clusters: _containers.RepeatedCompositeFieldContainer[Cluster]
    revision: int
    def __init__(self, clusters: _Optional[_Iterable[_Union[Cluster, _Mapping]]] = ..., revision: _Optional[int] = ...) -> None: ...

class UpdateClusterRequest(_message.Message):
    __slots__ = ("spec", "update_mask")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    UPDATE_MASK_FIELD_NUMBER: _ClassVar[int]
    spec: ClusterSpec
    update_mask: _field_mask_pb2.FieldMask
    def __init__(self, spec: _Optional[_Union[ClusterSpec, _Mapping]] = ..., update_mask: _Optional[_Union[_field_mask_pb2.FieldMask, _Mapping]] = ...) -> None: ...

class DeleteClusterRequest(_message.Message):
    __slots__ = ("name", "release_hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    RELEASE_HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    release_hosts: bool
    def __init__(self, name: _Optional[str] = ..., release_hosts: _Optional[bool] = ...) -> None: ...

class DeleteClusterResponse(_message.Message):
    __slots__ = ("released_hosts",)
    RELEASED_HOSTS_FIELD_NUMBER: _ClassVar[int]
    released_hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, released_hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class AddClusterHostsRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class RemoveClusterHostsRequest(_message.Message):
    __slots__ = ("name", "hosts")
    NAME_FIELD_NUMBER: _ClassVar[int]
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    name: str
    hosts: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, name: _Optional[str] = ..., hosts: _Optional[_Iterable[str]] = ...) -> None: ...

class UsageSeries(_message.Message):
    __slots__ = ("host", "start", "step_seconds", "cpu", "memory", "memory_total_bytes", "logical_cpus", "source")
    HOST_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    STEP_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    MEMORY_TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    LOGICAL_CPUS_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    host: str
    start: _timestamp_pb2.Timestamp
    step_seconds: int
    cpu: _containers.RepeatedScalarFieldContainer[float]
    memory: _containers.RepeatedScalarFieldContainer[float]
    memory_total_bytes: int
    logical_cpus: int
    source: _common_pb2.UsageSource
    def __init__(self, host: _Optional[str] = ..., start: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., step_seconds: _Optional[int] = ..., cpu: _Optional[_Iterable[float]] = ..., memory: _Optional[_Iterable[float]] = ..., memory_total_bytes: _Optional[int] = ..., logical_cpus: _Optional[int] = ..., source: _Optional[_Union[_common_pb2.UsageSource, str]] = ...) -> None: ...

class GetUsageHistoryRequest(_message.Message):
    __slots__ = ("hosts", "window")
    HOSTS_FIELD_NUMBER: _ClassVar[int]
    WINDOW_FIELD_NUMBER: _ClassVar[int]
    hosts: _containers.RepeatedScalarFieldContainer[str]
    window: _duration_pb2.Duration
    def __init__(self, hosts: _Optional[_Iterable[str]] = ..., window: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ...) -> None: ...

class GetUsageHistoryResponse(_message.Message):
    __slots__ = ("series", "now")
    SERIES_FIELD_NUMBER: _ClassVar[int]
    NOW_FIELD_NUMBER: _ClassVar[int]
    series: _containers.RepeatedCompositeFieldContainer[UsageSeries]
    now: _timestamp_pb2.Timestamp
    def __init__(self, series: _Optional[_Iterable[_Union[UsageSeries, _Mapping]]] = ..., now: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class HostUsageSample(_message.Message):
    __slots__ = ("host", "cpu", "memory", "memory_total_bytes", "source")
    HOST_FIELD_NUMBER: _ClassVar[int]
    CPU_FIELD_NUMBER: _ClassVar[int]
    MEMORY_FIELD_NUMBER: _ClassVar[int]
    MEMORY_TOTAL_BYTES_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    host: str
    cpu: float
    memory: float
    memory_total_bytes: int
    source: _common_pb2.UsageSource
    def __init__(self, host: _Optional[str] = ..., cpu: _Optional[float] = ..., memory: _Optional[float] = ..., memory_total_bytes: _Optional[int] = ..., source: _Optional[_Union[_common_pb2.UsageSource, str]] = ...) -> None: ...

class UsageSamples(_message.Message):
    __slots__ = ("time", "samples")
    TIME_FIELD_NUMBER: _ClassVar[int]
    SAMPLES_FIELD_NUMBER: _ClassVar[int]
    time: _timestamp_pb2.Timestamp
    samples: _containers.RepeatedCompositeFieldContainer[HostUsageSample]
    def __init__(self, time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., samples: _Optional[_Iterable[_Union[HostUsageSample, _Mapping]]] = ...) -> None: ...
