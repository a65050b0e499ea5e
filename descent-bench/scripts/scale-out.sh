#!/usr/bin/env bash
# Trials per hour of one shared study with 1, 2 and 4 worker processes (docs/SCALE-OUT.md).
#
#   PGPASSWORD=… descent-bench/scripts/scale-out.sh 'postgresql://HOST:PORT/DB?user=NAME' [TRIALS] [REPEATS]
#
# Each round starts W workers of a new study (`descent tune --storage URL --study …`, one kernel thread
# each; a trial is one epoch of the tutorial's 784-200-100-50-10 MLP on MNIST) and times the study by the database's own clock: from the first trial's creation to the last
# trial's finish (so JVM start and data loading, paid once per worker, are left out), and counts the
# database's committed transactions per trial (pg_stat_database). Rounds of 1, 2 and 4 workers are
# interleaved, REPEATS times; the medians are printed last. Needs psql.
set -euo pipefail
URL="${1:?usage: scale-out.sh POSTGRESQL_URL [TRIALS] [REPEATS]}"
TRIALS="${2:-16}"
REPEATS="${3:-3}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT
# psql takes the same URL (libpq's URI form); PGPASSWORD comes from the environment.
psql_q() { psql -X -A -t -q "$URL" -c "$1"; }
DB="$(psql_q 'SELECT current_database()')"
commits() { psql_q "SELECT xact_commit FROM pg_stat_database WHERE datname = '$DB'"; }
"$ROOT/descent" --version >/dev/null   # builds the jar once, outside the timings

declare -A RATE OPS
for r in $(seq 1 "$REPEATS"); do
  for w in 1 2 4; do
    study="scale-$w-$r-$$"
    before=$(commits)
    pids=()
    for i in $(seq 1 "$w"); do
      "$ROOT/descent" tune --storage "$URL" --study "$study" --dataset mnist --epochs 1 --hidden 200,100,50 --batch-size 64 \
        --param lr=log:1e-4..1e-2 --param 'optimizer=choice:sgd|adam' --trials "$TRIALS" --pruner none --threads 1 \
        --out "$OUT/$study/w$i" >"$OUT/$study-w$i.log" 2>&1 &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || { echo "a worker failed: see $OUT/$study-w*.log" >&2; cat "$OUT/$study"-w*.log >&2; exit 1; }; done
    after=$(commits)
    span=$(psql_q "SELECT extract(epoch FROM max(e.recorded) FILTER (WHERE e.op = 'finish') - min(e.recorded) FILTER (WHERE e.op = 'trial'))
                   FROM descent_events e JOIN descent_studies s ON s.id = e.study_id WHERE s.name = '$study'")
    rate=$(awk -v n="$TRIALS" -v s="$span" 'BEGIN { printf "%.0f", n / s * 3600 }')
    ops=$(awk -v a="$after" -v b="$before" -v n="$TRIALS" 'BEGIN { printf "%.1f", (a - b) / n }')
    RATE[$w]="${RATE[$w]:-} $rate"
    OPS[$w]="${OPS[$w]:-} $ops"
    printf 'round %d, %d worker(s): %d trials in %.1f s = %s trials/hour, %s transactions per trial (load average %s)\n' \
      "$r" "$w" "$TRIALS" "$span" "$rate" "$ops" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
one=$(echo "${RATE[1]}" | median)
for w in 1 2 4; do
  m=$(echo "${RATE[$w]}" | median)
  printf 'median, %d worker(s): %s trials/hour (rounds:%s), speed-up %.2f, efficiency %.0f%%, %s transactions per trial\n' \
    "$w" "$m" "${RATE[$w]}" "$(awk -v a="$m" -v b="$one" 'BEGIN { print a / b }')" "$(awk -v a="$m" -v b="$one" -v w="$w" 'BEGIN { print 100 * a / b / w }')" \
    "$(echo "${OPS[$w]}" | median)"
done
