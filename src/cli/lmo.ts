/**
 * What every CLI verb does around its work: a log on stderr (traces only with --verbose), one session
 * to the LMO checked for the License Management App, every failure to start as a message and exit code
 * 2, and the session closed at the end.
 */
import { checkLmaPresence, noAccessAdvice } from '../lma/records/lmaPresence';
import { LmoSession, type SessionState } from '../org/lmoSession';
import type { Log } from '../org/log';

export type ConnectedLmo = Extract<SessionState, { kind: 'connected' }>;

/** A line on stderr: what a verb says besides its answer on stdout. */
export const note = (line: string): void => void process.stderr.write(`${line}\n`);

export function cliLog(verbose: boolean): Log {
  const write = note;
  const quiet = () => undefined;
  return verbose
    ? { trace: write, info: write, warn: write, error: write }
    : { trace: quiet, info: quiet, warn: write, error: write };
}

/** Runs `work` on a session to the LMO `alias`; its exit code, or 2 when it can't start or throws. */
export async function withLmo(
  alias: string,
  log: Log,
  work: (session: LmoSession, state: ConnectedLmo) => Promise<number>,
): Promise<number> {
  const session = new LmoSession({
    log,
    checkLma: (request, apiVersion) => checkLmaPresence({ request, apiVersion }),
  });
  try {
    const state = await session.connect(alias);
    if (state.kind !== 'connected') {
      console.error(
        `Could not connect to the LMO ${alias}: ${state.kind === 'failed' ? state.error.message : state.kind}`,
      );
      return 2;
    }
    if (state.lma.kind !== 'installed') {
      console.error(
        state.lma.kind === 'noAccess'
          ? `${alias} has the License Management App, but ${noAccessAdvice(state.lma.missing)}`
          : `${alias} has no License Management App: it is not an LMO.`,
      );
      return 2;
    }
    return await work(session, state);
  } catch (error) {
    console.error((error as Error).message);
    return 2;
  } finally {
    session.dispose();
  }
}
