from domain.realization import HostPhase, Phase, aggregate, timeout_message

READY = Phase.READY


def test_no_hosts_is_an_error_that_says_what_to_do():
    phase, message = aggregate("pool nfs-vms", [])
    assert phase is Phase.ERROR
    assert message == (
        "No connected nodes available to initialize pool nfs-vms: register a node or bring "
        "one online"
    )


def test_all_ready_is_ready_with_no_message():
    assert aggregate("pool p", [HostPhase("a", READY), HostPhase("b", READY)]) == (READY, "")


def test_some_ready_is_degraded_naming_every_failing_host_with_its_error():
    phase, message = aggregate(
        "pool p",
        [
            HostPhase("host-a", READY),
            HostPhase("host-c", Phase.OFFLINE, "host-c is offline: No heartbeat for 9 s"),
            HostPhase("host-b", Phase.ERROR, timeout_message("host-b", 30)),
        ],
    )
    assert phase is Phase.DEGRADED
    assert message == (
        "Ready on 1 of 3 hosts; not on host-b, host-c: host-b did not answer within 30 s; "
        "host-c is offline: No heartbeat for 9 s"
    )


def test_none_ready_is_an_error_listing_each_hosts_own_error():
    phase, message = aggregate(
        "pool p",
        [
            HostPhase("a", Phase.ERROR, "NFS mount failed: mount.nfs: access denied by server"),
            HostPhase("b", Phase.ERROR, "NFS mount failed: mount.nfs: No such device"),
        ],
    )
    assert phase is Phase.ERROR
    assert message == (
        "Not ready on any host: a: NFS mount failed: mount.nfs: access denied by server; "
        "b: NFS mount failed: mount.nfs: No such device"
    )


def test_pending_shows_failures_so_far():
    phase, message = aggregate(
        "pool p", [HostPhase("a", Phase.PENDING), HostPhase("b", Phase.ERROR, "boom")]
    )
    assert phase is Phase.PENDING
    assert message == "Initializing on 1 of 2 hosts; failed so far: b: boom"


def test_the_rules_are_the_same_for_every_kind_and_name_the_object():
    hosts = [HostPhase("a", READY), HostPhase("b", Phase.ERROR, "no bridge br0")]
    phase, message = aggregate("network lab", hosts)
    assert phase is Phase.DEGRADED
    assert message == "Ready on 1 of 2 hosts; not on b: b: no bridge br0"
    assert aggregate("switch dvs1", [])[1].startswith(
        "No connected nodes available to initialize switch dvs1"
    )
