#!/usr/bin/env bash
# ./build.sh        publish the Native AOT relay binary to artifacts/relay/relay
# ./build.sh test   publish it, then run every test (unit, interop with real peers, CLI against the binary)
set -euo pipefail
cd "$(dirname "$0")"
rid=linux-x64
case "$(uname -m)" in aarch64|arm64) rid=linux-arm64 ;; esac

dotnet publish src/Relay.Cli -c Release -r "$rid" -o artifacts/relay --nologo -v quiet
echo "built artifacts/relay/relay ($(du -h artifacts/relay/relay | cut -f1))"

if [ "${1:-}" = "test" ]; then
  shift
  # The interop tests drive real OpenSSH: install it when it is missing (Debian package names).
  if ! command -v sshd >/dev/null 2>&1 && ! [ -x /usr/sbin/sshd ] || ! command -v ssh >/dev/null 2>&1; then
    sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq openssh-server openssh-client >/dev/null
  fi
  export RELAY_BIN="$PWD/artifacts/relay/relay"
  dotnet test Relay.sln -c Release --nologo "$@"
fi
