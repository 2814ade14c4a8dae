#!/usr/bin/env bash
# fuzz/run.sh [SECONDS] [TARGET]   coverage-guided fuzzing of the frame and handshake parsers with AFL++ (docs/fuzzing.md)
#
# Builds fuzz/Relay.Fuzz, instruments its copy of Relay.Core.dll with sharpfuzz, runs afl-fuzz on each target for
# SECONDS (default 30) starting from fuzz/corpus/TARGET, prints executions and crashes per target, and exits non-zero
# on any crash. TARGET is frames or handshake (default: both). Installs nothing: it needs afl-fuzz (Debian afl++) and
# the dotnet tool SharpFuzz.CommandLine 2.3.0. Findings land in artifacts/fuzz/out/TARGET/default/{crashes,hangs,queue};
# the previous run's are kept in artifacts/fuzz/out/TARGET.prev.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
targets=${2:-frames handshake}

if ! command -v afl-fuzz >/dev/null 2>&1; then
  echo "fuzz: afl-fuzz not found: apt-get install afl++" >&2
  exit 2
fi
sharpfuzz=$(command -v sharpfuzz || echo "$HOME/.dotnet/tools/sharpfuzz")
if ! [ -x "$sharpfuzz" ]; then
  echo "fuzz: sharpfuzz not found: dotnet tool install --global SharpFuzz.CommandLine --version 2.3.0" >&2
  exit 2
fi

# A fresh output folder every time: sharpfuzz instruments in place and refuses a DLL it already instrumented.
bin=artifacts/fuzz/bin
rm -rf "$bin"
mkdir -p artifacts/fuzz/out
if ! dotnet build fuzz/Relay.Fuzz -c Release -o "$bin" --nologo -v quiet >artifacts/fuzz/build.log 2>&1; then
  cat artifacts/fuzz/build.log >&2
  echo "fuzz: build failed" >&2
  exit 2
fi
if ! "$sharpfuzz" "$bin/Relay.Core.dll" >/dev/null; then
  echo "fuzz: sharpfuzz could not instrument $bin/Relay.Core.dll" >&2
  exit 2
fi

# TOOLING.md: no CPU frequency or core pinning control here, dotnet is not an AFL binary, and the kernel's
# core_pattern is not ours to change (a managed crash is reported through the fork server, not a core dump).
export AFL_SKIP_BIN_CHECK=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_NO_UI=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1

stat_of() { awk -F' *: *' -v key="$1" '$1 == key { print $2 }' "$2"; }
status=0
for target in $targets; do
  if ! [ -d "fuzz/corpus/$target" ]; then
    echo "fuzz: unknown target $target (frames, handshake)" >&2
    status=2
    continue
  fi

  out=artifacts/fuzz/out/$target
  log=artifacts/fuzz/afl-$target.log
  rm -rf "$out.prev"
  [ -d "$out" ] && mv "$out" "$out.prev"
  # -t: a generous per-input timeout (dotnet's first run JIT-compiles; the machine is shared); -m none: the CLR
  # reserves far more address space than afl's default memory limit.
  afl-fuzz -i "fuzz/corpus/$target" -o "$out" -t 5000 -m none -V "$seconds" -- dotnet "$bin/Relay.Fuzz.dll" "$target" >"$log" 2>&1
  rc=$?
  stats=$out/default/fuzzer_stats
  if ! [ -f "$stats" ]; then
    echo "fuzz: $target: afl-fuzz did not run (exit $rc); the end of $log:" >&2
    tail -15 "$log" >&2
    status=1
    continue
  fi

  execs=$(stat_of execs_done "$stats")
  crashes=$(stat_of saved_crashes "$stats")
  hangs=$(stat_of saved_hangs "$stats")
  corpus=$(stat_of corpus_count "$stats")
  echo "fuzz: $target: ${execs:-?} executions, ${crashes:-?} crashes, ${hangs:-?} hangs, ${corpus:-?} inputs in the queue (${seconds}s)"
  if [ "${crashes:-1}" != "0" ]; then
    status=1
    echo "fuzz: $target: crashing inputs in $out/default/crashes; replay them on a normal build:" >&2
    echo "  dotnet build fuzz/Relay.Fuzz -c Release && dotnet fuzz/Relay.Fuzz/bin/Release/net10.0/Relay.Fuzz.dll $target $out/default/crashes" >&2
  fi
  if [ "$rc" -ne 0 ]; then
    echo "fuzz: $target: afl-fuzz exited with $rc (see $log)" >&2
    status=1
  fi
done
exit "$status"
