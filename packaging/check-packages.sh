#!/usr/bin/env bash
# CI check of the .debs in dist/ (run as root, after `make packages`): install them with apt
# (dependencies resolved), check every command's --version, verify the installed systemd units
# and print their sandbox's exposure score (systemd-analyze, offline), start the INSTALLED
# coordinator and node the way their units do (packaging/run_as_unit.py: the unit's ExecStart,
# User, Group, Environment, WorkingDirectory, UMask, StateDirectory, capability bounding set and
# NoNewPrivileges, a clean environment; a setting it cannot honour fails the check), from the
# installed config files, enrol the node with a token from the installed quantixctl, and run
# the installed console offscreen until its Hosts page shows the node. No systemd here, so the
# daemons run as background processes. Everything is purged on exit, pass or fail.
#
# The installed /etc/quantix/*.toml are rewritten for the check (loopback, free ports, the
# libvirt test driver, a join string): the defaults listen on 0.0.0.0:7443-7445, which another
# service or engineer on the CI machine may hold. Data stays in the packages' /var/lib/quantix.
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=$(/usr/bin/python3 -m domain.version)
NODE_NAME=ci-node
# A daemon starts in ~1 s on an idle machine; a loaded 2-core CI machine gets 60 s.
START_S=60
PACKAGES=(quantix-console quantix-coordinator quantix-node)
scratch=$(mktemp -d)
pids=()

fail() {
    echo "check-packages: $*" >&2
    exit 1
}

cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq "${PACKAGES[@]}" >/dev/null 2>&1 || true
    rm -rf /var/lib/quantix /etc/quantix /opt/quantix /opt/quantix-console "$scratch"
    getent passwd quantix >/dev/null && deluser --system quantix >/dev/null 2>&1 || true
    getent group quantix >/dev/null && delgroup --system quantix >/dev/null 2>&1 || true
    if dpkg -l 'quantix-*' 2>/dev/null | grep -q '^[ir]i'; then
        echo "check-packages: packages left installed after purge" >&2
    fi
}
trap cleanup EXIT

[[ $(id -u) -eq 0 ]] || fail "must run as root (it installs the packages)"
# It installs, rewrites /etc/quantix and purges everything at the end: never on a machine that
# has a Quantix install of its own (its CA and settings would go), nor beside another check.
if dpkg -l 'quantix-*' 2>/dev/null | grep -q '^[ir][iHUFW]' || [[ -e /etc/quantix || -e /var/lib/quantix ]]; then
    trap - EXIT
    fail "this machine has Quantix installed (or another check is running): refusing to install over it and purge it"
fi
for package in "${PACKAGES[@]}"; do
    compgen -G "dist/${package}_${VERSION}-1_*.deb" >/dev/null || fail "no dist/${package}_${VERSION}-1_*.deb: run make packages"
done

DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$PWD"/dist/quantix-*_"$VERSION"-1_*.deb >"$scratch/apt.log" 2>&1 ||
    fail "apt-get install failed:"$'\n'"$(tail -n 20 "$scratch/apt.log")"
echo "check-packages: installed ${PACKAGES[*]} $VERSION"

for command in quantix-console quantix-coordinator quantix-node quantixctl; do
    got=$(env -i PATH=/usr/bin:/bin "/usr/bin/$command" --version 2>&1) || fail "$command --version failed: $got"
    [[ $got == "$command $VERSION" ]] || fail "$command --version printed '$got', expected '$command $VERSION'"
done
# quantixctl comes with both daemons' packages (a node's admin has it on the host too), as an
# alternative for /usr/bin/quantixctl: both venvs' copies run and both are registered.
alternatives=$(update-alternatives --list quantixctl) || fail "no alternatives for quantixctl"
for daemon in coordinator node; do
    got=$(env -i PATH=/usr/bin:/bin "/opt/quantix/$daemon/bin/quantixctl" --version 2>&1) ||
        fail "quantix-$daemon's quantixctl --version failed: $got"
    [[ $got == "quantixctl $VERSION" ]] || fail "quantix-$daemon's quantixctl printed '$got'"
    grep -qx "/opt/quantix/$daemon/bin/quantixctl" <<<"$alternatives" ||
        fail "quantix-$daemon's quantixctl is not an alternative for /usr/bin/quantixctl"
done
echo "check-packages: every command says $VERSION (quantixctl from both daemons' packages)"

# The installed units: `verify` must print nothing (an unknown or misspelt key is only a warning
# with exit 0, and it would silently drop a line of the sandbox), and no unit's exposure may grow
# past today's score (`security --offline`: scores as on Debian 12's systemd 252; 0 is fully
# locked down, 10 not at all). Raise a limit only with the unit change that needs it.
declare -A EXPOSURE_LIMIT=([quantix-coordinator]=1.3 [quantix-node]=2.4)
units=(/lib/systemd/system/quantix-coordinator.service /lib/systemd/system/quantix-node.service)
verified=$(systemd-analyze verify "${units[@]}" 2>&1) && [[ -z $verified ]] ||
    fail "systemd-analyze verify of the installed units:"$'\n'"${verified:-(exit status only)}"
echo "check-packages: systemd-analyze verify passes ${units[*]}"
for unit_file in "${units[@]}"; do
    name=$(basename "$unit_file" .service)
    limit=${EXPOSURE_LIMIT[$name]}
    score=$(systemd-analyze security --offline=true --no-pager "$unit_file" 2>&1 | sed -n 's/^.*Overall exposure level for [^:]*: //p')
    [[ -n $score ]] || fail "systemd-analyze security printed no exposure level for $unit_file"
    echo "check-packages: $name.service exposure $score (at most $limit)"
    # --threshold takes tenths; its exit status is the comparison.
    systemd-analyze security --offline=true --threshold="${limit/./}" "$unit_file" >/dev/null 2>&1 ||
        fail "$name.service's exposure ${score%% *} is above $limit: a sandbox setting was loosened"
done

free_port() { /usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
listen=127.0.0.1:$(free_port)
enrol=127.0.0.1:$(free_port)
node_listen=127.0.0.1:$(free_port)
cat >/etc/quantix/coordinator.toml <<TOML
listen = "$listen"
enrol_listen = "$enrol"
data_dir = "/var/lib/quantix/coordinator"
TOML

# The daemon as its installed unit starts it (run_as_unit.py execs it: $! is the daemon).
start_as_unit() {
    local name=$1
    /usr/bin/python3 packaging/run_as_unit.py "/lib/systemd/system/$name.service" >"$scratch/$name.log" 2>&1 &
    pids+=($!)
}

# The coordinator is ready when its port answers (its log says "serving" too).
start_as_unit quantix-coordinator
deadline=$((SECONDS + START_S))
until /usr/bin/python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "${listen#*:}" 2>/dev/null; do
    kill -0 "${pids[0]}" 2>/dev/null || fail "the installed coordinator exited; its log:"$'\n'"$(tail -n 20 "$scratch/quantix-coordinator.log")"
    ((SECONDS < deadline)) || fail "the installed coordinator did not listen on $listen within ${START_S} s"
    sleep 0.2
done
echo "check-packages: the installed coordinator serves on $listen (as user quantix)"

admin=$scratch/admin.pem
quantixctl pki issue-admin ci-admin --role admin --out "$admin" --data-dir /var/lib/quantix/coordinator >/dev/null
join=$(quantixctl --coordinator "$listen" --identity "$admin" hosts join-token --ttl 10m --address "$listen" --json |
    /usr/bin/python3 -c 'import json, sys; print(json.load(sys.stdin)["join_string"])') ||
    fail "quantixctl hosts join-token failed"
cat >/etc/quantix/node.toml <<TOML
libvirt_uri = "test:///default"
listen = "$node_listen"
data_dir = "/var/lib/quantix/node"
name = "$NODE_NAME"
join = "$join"
TOML
chmod 0600 /etc/quantix/node.toml
start_as_unit quantix-node
echo "check-packages: the installed node started with a join token from the installed quantixctl"

if ! QT_QPA_PLATFORM=offscreen HOME=$scratch timeout $((START_S + 30)) /usr/bin/quantix-console \
    --coordinator "$listen" --identity "$admin" --check-shows-host "$NODE_NAME"; then
    echo "coordinator log:"; tail -n 20 "$scratch/quantix-coordinator.log"
    echo "node log:"; tail -n 20 "$scratch/quantix-node.log"
    fail "the installed console did not show $NODE_NAME"
fi
echo "check-packages: passed"
