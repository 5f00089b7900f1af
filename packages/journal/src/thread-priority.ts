import { readdirSync, readFileSync } from 'node:fs';

/*
 * CPU priorities of single threads. Linux gives each thread a nice value of
 * its own (what `top -H` shows), set through the thread's id; a thread starts
 * at the value of the thread that starts it. Lineup's worker threads set
 * their own as the first thing they do: the journal's commit thread asks
 * for precedence (every acknowledgement waits for it, and it spends its
 * time waiting for the disk, not computing), the background threads
 * (snapshots, records) take the time left over.
 */

/** The nice value the journal's commit thread asks for: ahead of the server's own thread. */
export const commitThreadNice = -10;

/**
 * The first lines of a worker thread's script (module or CommonJS alike):
 * the thread sets its own nice value, and declares `threadNice`, the value it
 * then runs at (null where the system shows none). Raising a priority takes
 * root, CAP_SYS_NICE or a RLIMIT_NICE that allows it (systemd's LimitNICE=);
 * where it is not allowed, the thread keeps the priority it has.
 */
export function threadPrioritySource(nice: number): string {
  if (!Number.isInteger(nice) || nice < -20 || nice > 19)
    throw new RangeError(`a nice value is an integer from -20 to 19, not ${nice}`);
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
