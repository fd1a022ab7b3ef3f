/**
 * Child processes started by tests never outlive the test file: a server or worker left running keeps the runner's
 * file process alive, and CI waits on it until its deadline. Every guarded child is killed when the test process exits,
 * however it exits (normally, or on an assertion failure), and `after` hooks kill them as soon as the file is done.
 */
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();
let hooked = false;

export function guardChild<T extends ChildProcess>(child: T): T {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Kills every guarded child still running (for an `after` hook). */
export function killGuardedChildren(): void {
  for (const child of live) child.kill('SIGKILL');
}
