#!/usr/bin/env bash
# Copied from ../shared/cluster/slurm-onenode.sh (the tested recipe), so that .ci/run starts the
# one-node cluster of test/cluster/ on any machine with apt. Keep the two in step.
# A real one-node SLURM cluster (Debian's slurm-wlm + munge) for tests, started without systemd.
#   slurm-onenode.sh up PIDFILE      install if needed, configure, start munged/slurmctld/slurmd,
#                                    wait until the node is idle; the daemons' PIDs go to PIDFILE
#   slurm-onenode.sh down PIDFILE    stop them (newest first), by PID
#   slurm-onenode.sh selftest        up, a 4-task job array + srun + sbatch --wait, down
# Tested as root on this kind of machine: 18-37 s from a clean install, 13-16 s after.
# Pitfalls handled: slurmctld -c clears saved state (a node left drained by an earlier bad
# RealMemory stays drained otherwise); pid files live in /run/slurm (slurm-owned) so apt can
# purge; slurmstepd outlives a job by ~1 s, so `down` waits for it; sacct needs slurmdbd (use
# squeue, `scontrol show job` or sbatch --wait, which passes the job's exit code through).
set -euo pipefail
cmd=${1:-selftest}; pids=${2:-}
up() {
  export DEBIAN_FRONTEND=noninteractive
  if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq; apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
  fi
  local H NCPU MEM; H=$(hostname -s); NCPU=$(nproc)
  MEM=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 256 ))
  [ -s /etc/munge/munge.key ] || mungekey --create
  chown munge:munge /etc/munge/munge.key && chmod 400 /etc/munge/munge.key
  install -d -o munge -g munge -m 755 /run/munge
  install -d -o slurm -g slurm /var/spool/slurmctld /var/log/slurm /run/slurm
  install -d /var/spool/slurmd
  rm -f /var/spool/slurmctld/clustername   # slurmctld refuses a state dir saved under another ClusterName
  cat > /etc/slurm/slurm.conf <<CONF
ClusterName=onenode
SlurmctldHost=$H(127.0.0.1)
SlurmUser=slurm
AuthType=auth/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurm/slurmctld.pid
SlurmdPidFile=/run/slurm/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
NodeName=$H NodeAddr=127.0.0.1 CPUs=$NCPU RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
  setsid setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged -F \
    2>>/var/log/slurm/munged.err </dev/null & echo $! > "$pids"
  for i in $(seq 20); do munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1 && break; sleep 0.5; done
  setsid slurmctld -D -c 2>>/var/log/slurm/slurmctld.err </dev/null & echo $! >> "$pids"
  setsid slurmd -D -N "$H" 2>>/var/log/slurm/slurmd.err </dev/null & echo $! >> "$pids"
  for i in $(seq 60); do
    case "$(sinfo -h -n "$H" -o %t 2>/dev/null)" in idle|drain*|inval*) break;; esac; sleep 1
  done
  [ "$(sinfo -h -n "$H" -o %t)" = idle ] || { tail -n 20 /var/log/slurm/*.log; return 1; }
}
down() {
  [ -f "$pids" ] || return 0
  for i in $(seq 40); do grep -qsx slurmstepd /proc/[0-9]*/comm || break; sleep 0.5; done
  for p in $(tac "$pids"); do kill "$p" 2>/dev/null || true; done
  sleep 1; for p in $(cat "$pids"); do kill -9 "$p" 2>/dev/null || true; done
  rm -f "$pids"
}
case "$cmd" in
  up) [ -n "$pids" ] || { echo "usage: $0 up PIDFILE" >&2; exit 2; }; up ;;
  down) [ -n "$pids" ] || { echo "usage: $0 down PIDFILE" >&2; exit 2; }; down ;;
  selftest)
    work=$(mktemp -d); pids=$work/pids; trap down EXIT; up
    job=$(sbatch --parsable --array=0-3 -o "$work/slurm-%A_%a.log" \
      --wrap "echo task \$SLURM_ARRAY_TASK_ID of \$SLURM_ARRAY_TASK_COUNT > $work/out-\$SLURM_ARRAY_TASK_ID.txt")
    for i in $(seq 120); do [ -n "$(squeue -h -j "$job" 2>/dev/null)" ] || break; sleep 1; done
    cat "$work"/out-{0,1,2,3}.txt
    srun -n1 hostname
    sbatch --wait -o "$work/wait.log" --wrap 'echo sbatch --wait ran job $SLURM_JOB_ID' && cat "$work/wait.log"
    echo "one-node SLURM selftest passed in ${SECONDS}s" ;;
  *) echo "usage: $0 up PIDFILE | down PIDFILE | selftest" >&2; exit 2 ;;
esac
