/**
 * Puts an AWS SDK v3 client's requests through an ApiPacer: a middleware placed before
 * signing, inside the retry loop, so that every HTTP attempt (retries of a throttled call
 * included) is counted, and the signature is made after the wait (never stale). Works for any
 * gateway built on the client: the CloudFormation gateway, the status sweep, root discovery.
 */
import type { AcquireOptions, ApiPacer, PacerLane } from './api-pacer.js';

/**
 * The parts of a smithy client this needs, structurally (the SDK's own middleware types live
 * in @smithy/types, not a dependency of ours). The handler's arguments are the SDK's to
 * define; this middleware passes them through untouched, hence `any`.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Handler = (args: any) => Promise<any>;
export interface PaceableClient {
  middlewareStack: {
    addRelativeTo(
      middleware: (next: Handler, context: { commandName?: string }) => Handler,
      options: { relation: 'before' | 'after'; toMiddleware: string; name: string; override?: boolean },
    ): void;
  };
}

export interface SdkPacingOptions {
  /** The pacer key, `pacingKey(account, region)`. */
  key: string;
  /** The run's signal: a request waiting for its slot stops waiting when it fires. */
  signal?: AbortSignal;
  /**
   * Which operations are paced. Default `isReadOperation`: the describe limits are what the
   * pacing keeps to, and a change set's execution must not queue behind thirty polls.
   */
  paced?: (operation: string) => boolean;
  /** The lane of an operation. Default `defaultLane`: ListStacks (the status sweep) in `status`. */
  lane?: (operation: string) => PacerLane;
}

/** The middleware's name in the client's stack (replaced, not doubled, when attached again). */
export const PACING_MIDDLEWARE = 'pantherctlApiPacing';
/** The SDK's signing middleware; pacing goes right before it. */
const SIGNING_MIDDLEWARE = 'httpSigningMiddleware';

/** `DescribeStackEvents`, `ListStacks`, `GetTemplate`, `BatchGetBuilds`: calls that only read. */
export function isReadOperation(operation: string): boolean {
  return /^(Describe|List|Get|BatchGet)/.test(operation);
}

export function defaultLane(operation: string): PacerLane {
  return operation === 'ListStacks' ? 'status' : 'detail';
}

/** Attaches the pacing middleware to `client`. */
export function attachPacing(client: PaceableClient, pacer: ApiPacer, options: SdkPacingOptions): void {
  const paced = options.paced ?? isReadOperation;
  const lane = options.lane ?? defaultLane;
  client.middlewareStack.addRelativeTo(
    (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (paced(operation)) {
        const acquire: AcquireOptions = { lane: lane(operation), ...(options.signal ? { signal: options.signal } : {}) };
        await pacer.acquire(options.key, acquire);
      }
      return next(args);
    },
    { relation: 'before', toMiddleware: SIGNING_MIDDLEWARE, name: PACING_MIDDLEWARE, override: true },
  );
}
