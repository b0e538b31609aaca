#!/usr/bin/env bash
# Runs the N shards of one seedforge run on plain hosts over ssh (docs/scale.md,
# "Plain hosts"): shard K goes to host K mod H, at most -j shards per host at
# once; `--shard K/N` is added to the command, and {K} in its arguments becomes
# the shard's index (for --out). Exits non-zero, naming the shards that failed,
# when any does: rerun just those with -k.
#
# Usage: deploy/hosts/run-shards.sh -n N -H "host1 host2 ..." [-j JOBS] [-k "K1 K2"] -- \
#          generate --domain banking --seed 1 --as-of 2026-01-01 --out /data/shard-{K}
#   -H   hosts for ssh (user@host works); "local" runs on this machine without ssh
#   -j   shards at once per host (default 1; a shard uses every core of its host)
#   -k   only these shard indices (default: 0 .. N-1)
# SEEDFORGE names the binary on the hosts (default: seedforge, on their PATH).
# Every host must run the same seedforge version, or the shards are not parts
# of one data set.
set -euo pipefail

n= hosts= jobs=1 only=
while getopts "n:H:j:k:" opt; do
  case $opt in
    n) n=$OPTARG ;;
    H) hosts=$OPTARG ;;
    j) jobs=$OPTARG ;;
    k) only=$OPTARG ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))
[[ ${1:-} == -- ]] && shift
if [[ -z $n || -z $hosts || $# -eq 0 ]]; then
  sed -n '2,16p' "$0" >&2
  exit 2
fi
read -r -a host_list <<<"$hosts"
binary=${SEEDFORGE:-seedforge}
shards=${only:-$(seq 0 $((n - 1)))}

run_shard() {  # K ARGS...: runs shard K on its host
  local k=$1 host=${host_list[$(($1 % ${#host_list[@]}))]} args=() a quoted
  for a in "${@:2}"; do args+=("${a//\{K\}/$k}"); done
  args+=(--shard "$k/$n")
  if [[ $host == local ]]; then
    "$binary" "${args[@]}" || { echo "shard $k failed on $host" >&2; return 1; }
  else
    printf -v quoted ' %q' "$binary" "${args[@]}"
    ssh -o BatchMode=yes "$host" "$quoted" || { echo "shard $k failed on $host" >&2; return 1; }
  fi
}
failed=()
pids=() ks=()
# H × JOBS shards at once; when the pool is full, wait for the oldest.
limit=$((${#host_list[@]} * jobs))
for k in $shards; do
  if ((${#pids[@]} >= limit)); then
    wait "${pids[0]}" || failed+=("${ks[0]}")
    pids=("${pids[@]:1}") ks=("${ks[@]:1}")
  fi
  run_shard "$k" "$@" &
  pids+=($!) ks+=("$k")
done
for i in "${!pids[@]}"; do wait "${pids[$i]}" || failed+=("${ks[$i]}"); done
if ((${#failed[@]})); then
  echo "run-shards: shards failed: ${failed[*]} (rerun with -k \"${failed[*]}\")" >&2
  exit 1
fi
