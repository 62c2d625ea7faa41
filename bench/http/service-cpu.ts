/**
 * CPU spent by PostgreSQL and Redis during a scenario, from /proc (both run on this machine in the bench's setup).
 *
 * PostgreSQL runs a process per connection, so the set changes while a scenario runs: it is read at the start, every
 * 250 ms and at the end, and each process (pid + start time, so a reused pid is a new process) counts the CPU it
 * gained between its first and last sighting; one that started in between counts everything it has. A process that
 * ended between two readings loses at most 250 ms of its work. Counted: the postmaster, its background processes
 * (WAL writer, checkpointer, autovacuum: they work for every database) and the client backends of the database under
 * test. Not counted: client backends of other databases (other work on the same server). Redis is one process
 * (`redis-server`); other clients of the same server are in its figure too.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { CLK_TCK, statFields } from './processes.js';

interface Sighting {
  first: number;
  last: number;
}

/** µs of utime + stime, keyed by `pid:starttime`, of the processes `wanted` accepts. */
function snapshot(wanted: (comm: string, cmdline: string) => boolean): Map<string, number> {
  const out = new Map<string, number>();
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      if (comm !== 'postgres' && comm !== 'redis-server') continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      if (!wanted(comm, cmdline)) continue;
      const fields = statFields(pid);
      out.set(`${pid}:${fields[19]}`, ((Number(fields[11]) + Number(fields[12])) * 1e6) / CLK_TCK);
    } catch {
      // gone between readdir and read
    }
  }
  return out;
}

/** A client backend's title: `postgres: [cluster: ]user database host(port) state` (or `[local]`). */
const BACKEND = /^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])/;

export function postgresOf(database: string): (comm: string, cmdline: string) => boolean {
  return (comm, cmdline) => {
    if (comm !== 'postgres') return false;
    const backend = BACKEND.exec(cmdline);
    return !backend || backend[1] === database;
  };
}

export const redisServer = (comm: string): boolean => comm === 'redis-server';

/** Follows the matching processes from now until `stop()`, which answers the µs of CPU they spent meanwhile. */
export function followCpu(wanted: (comm: string, cmdline: string) => boolean): { stop(): number } {
  const seen = new Map<string, Sighting>();
  const read = (initial: boolean) => {
    for (const [key, us] of snapshot(wanted)) {
      const s = seen.get(key);
      if (s) s.last = us;
      else seen.set(key, { first: initial ? us : 0, last: us });
    }
  };
  read(true);
  const timer = setInterval(() => read(false), 250);
  return {
    stop() {
      clearInterval(timer);
      read(false);
      let total = 0;
      for (const s of seen.values()) total += s.last - s.first;
      return total;
    },
  };
}
