/**
 * Waits for a CodeBuild build (the `panther-pulumi` step): one BatchGetBuilds per interval,
 * a `build.phase` message whenever the phase changes, resolving with the final status.
 */
import { pollUntil } from './poll.js';
import type { BuildOutcome, BuildWaitOptions, BuildWaitResult } from './types.js';
import type { BuildInfo } from '../aws/types.js';
import { MSG } from '../../io/messages.js';

const FINAL = new Set<string>(['SUCCEEDED', 'FAILED', 'FAULT', 'STOPPED', 'TIMED_OUT']);

export async function waitForBuild(options: BuildWaitOptions): Promise<BuildWaitResult> {
  const { gateway, buildId, io } = options;
  let lastPhase: string | undefined;
  const { value, elapsedMs } = await pollUntil<BuildInfo>({
    what: `build ${buildId}`,
    hint: 'The build continues in CodeBuild; run `pantherctl resume` to pick it up.',
    timeoutMs: options.timeoutMs,
    pollIntervalMs: options.pollIntervalMs ?? 1000,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    poll: async () => {
      const build = await gateway.getBuild(buildId);
      options.onBuild?.(build);
      const phase = build.currentPhase;
      if (phase && phase !== lastPhase) {
        lastPhase = phase;
        io?.notify(MSG['build.phase'].msg(`Build ${buildId}: ${phase}`, { buildId, phase, status: build.status }));
      }
      return FINAL.has(build.status) ? build : undefined;
    },
  });
  return { status: value.status as BuildOutcome, build: value, elapsedMs };
}
