import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/*
 * CPU priorities of single threads. Linux gives each thread a nice value of
 * its own (what `top -H` shows), set through the thread's id; a thread starts
 * at the value of the thread that starts it. Lineup's worker threads set
 * their own as the first thing they do: the journal's commit thread asks
 * for precedence (every acknowledgement waits for it, and it spends its
 * time waiting for the disk, not computing), the background threads
 * (snapshots, records) take the time left over. The server's own thread
 * (the event loop every command and message passes through) asks for a
 * priority between the two, ahead of other processes' threads at the
 * default: on a busy machine a thread woken by a socket waits less for a
 * core (docs/api.md).
 */

/** The nice value the journal's commit thread asks for: ahead of the server's own thread. */
export const commitThreadNice = -10;

/** The nice value the server's own thread asks for by default: ahead of the default, behind the commit thread. */
export const serverThreadNiceDefault = -5;

/** The highest nice value (the lowest priority) a thread may have. */
export const niceMax = 19;

/** Throws a RangeError unless `nice` is a nice value (an integer from -20 to 19). */
function checkNice(nice: number): void {
  if (!Number.isInteger(nice) || nice < -20 || nice > niceMax)
    throw new RangeError(`a nice value is an integer from -20 to ${niceMax}, not ${nice}`);
}

/**
 * Sets the calling thread's nice value where the system allows it, and
 * returns the value the thread runs at (null where the system shows none).
 * On Linux a nice value belongs to a thread, so this changes no other
 * thread of the process; raising a priority takes what
 * threadPrioritySource's note says, and without it the thread keeps its own.
 */
export function setOwnThreadNice(nice: number): number | null {
  checkNice(nice);
  try {
    setPriority(nice);
  } catch {
    // Not allowed here: the thread keeps its priority.
  }
  return ownThreadNice();
}

/** The calling thread's nice value, or null where the system shows none. */
export function ownThreadNice(): number | null {
  try {
    return getPriority();
  } catch {
    return null;
  }
}

/**
 * The first lines of a worker thread's script (module or CommonJS alike):
 * the thread sets its own nice value, and declares `threadNice`, the value it
 * then runs at (null where the system shows none). Raising a priority takes
 * root, CAP_SYS_NICE or a RLIMIT_NICE that allows it (systemd's LimitNICE=);
 * where it is not allowed, the thread keeps the priority it has.
 */
export function threadPrioritySource(nice: number): string {
  checkNice(nice);
  return `
const threadNice = (() => {
  try {
    const threadId = Number(process.getBuiltinModule('node:fs').readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return null;
    const os = process.getBuiltinModule('node:os');
    try {
      os.setPriority(threadId, ${nice});
    } catch {
      // Not allowed here: the thread keeps its priority.
    }
    return os.getPriority(threadId);
  } catch {
    return null; // no per-thread priority on this system
  }
})();
`;
}

/** The nice value of each thread of this process, by thread id; empty where /proc has none. */
export function threadNiceValues(): Map<number, number> {
  const values = new Map<number, number>();
  let threadIds: string[];
  try {
    threadIds = readdirSync('/proc/self/task');
  } catch {
    return values;
  }
  for (const threadId of threadIds) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${threadId}/stat`, 'utf8');
    } catch {
      continue; // the thread ended while the list was read
    }
    // Fields after the command name (in parentheses, which may hold spaces) start at the 3rd;
    // the nice value is the 19th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    values.set(Number(threadId), Number(fields[19 - 3]));
  }
  return values;
}
