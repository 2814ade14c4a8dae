#!/usr/bin/env bash
# ./build.sh        publish the Native AOT relay binary to artifacts/relay/relay
# ./build.sh test   publish it, then run every test (unit, conformance, interop with real peers, CLI against the
#                   binary) and a one-minute fuzz run of the parsers; extra arguments go to dotnet test and skip the fuzzing
set -euo pipefail
cd "$(dirname "$0")"
rid=linux-x64
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac

dotnet publish src/Relay.Cli -c Release -r "$rid" -o artifacts/relay --nologo -v quiet
echo "built artifacts/relay/relay ($(du -h artifacts/relay/relay | cut -f1))"

if [ "${1:-}" = "test" ]; then
  shift
  # The interop tests drive real peers: OpenSSH, Chromium, python3-websockets, tinyproxy, microsocks (Debian packages) and node's ws (npm,
  # pinned by tests/Relay.Interop.Tests/peers/package-lock.json). Install what is missing.
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  missing=""
  { command -v sshd >/dev/null 2>&1 || [ -x /usr/sbin/sshd ]; } || missing="$missing openssh-server"
  command -v ssh >/dev/null 2>&1 || missing="$missing openssh-client"
  command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
  /usr/bin/python3 -c 'import websockets' >/dev/null 2>&1 || missing="$missing python3-websockets"
  command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
  command -v afl-fuzz >/dev/null 2>&1 || missing="$missing afl++"
  command -v tinyproxy >/dev/null 2>&1 || [ -x /usr/bin/tinyproxy ] || missing="$missing tinyproxy"
  command -v microsocks >/dev/null 2>&1 || missing="$missing microsocks"
  command -v systemd-socket-activate >/dev/null 2>&1 || missing="$missing systemd"
  if [ -n "$missing" ]; then
    echo "installing test peers:$missing"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null ||
      { $sudo_cmd apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq $missing >/dev/null; }
  fi
  [ -d tests/Relay.Interop.Tests/peers/node_modules/ws ] ||
    (cd tests/Relay.Interop.Tests/peers && npm ci --no-audit --no-fund --loglevel=error)
  export RELAY_BIN="$PWD/artifacts/relay/relay"
  fuzz=$(( $# == 0 ))
  dotnet test Relay.sln -c Release --nologo "$@"
  if [ "$fuzz" = 1 ]; then
    # A short coverage-guided run of the frame and handshake parsers from the committed corpus (docs/fuzzing.md).
    export PATH="$PATH:$HOME/.dotnet/tools"
    command -v sharpfuzz >/dev/null 2>&1 || dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0 >/dev/null
    if fuzz/run.sh 30; then echo "fuzz: passed"; else echo "fuzz: FAILED"; exit 1; fi
  fi
fi
