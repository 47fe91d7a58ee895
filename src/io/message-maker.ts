/**
 * The "message maker": each message code is declared once (src/io/message-codes.ts) with its
 * level, a description and the type of its payload; the declaration makes the messages of that
 * code and recognises them (`MSG['hop.start'].msg(text, data)`, `MSG['hop.start'].is(m)`).
 * Renderers and tests switch on typed codes (a misspelt code fails to compile), and
 * docs/codes.md is generated from the declarations.
 *
 * After aws-cdk-cli's toolkit-lib (`lib/api/io/private/messages.ts`): read, not copied.
 */

export type MessageLevel = 'debug' | 'info' | 'warn' | 'error' | 'result';

/** One message as the core sends it. `data` is absent for codes declared without a payload. */
export interface Message<C extends string = string, D = unknown, L extends MessageLevel = MessageLevel> {
  level: L;
  /** Stable, kebab-case, namespaced: `plan.hop`, `stack.event`, `hop.done`. */
  code: C;
  /** One human sentence. Renderers may use it as is; never contains a secret value. */
  text: string;
  data?: D;
}

/** A question the core asks through `IoHost.requestResponse`: a message that carries its default answer. */
export interface IoRequest<C extends string = string, D = unknown, R = unknown> extends Message<C, D, 'info'> {
  data: D;
  /** What a host that cannot ask (no terminal, a script) answers. */
  defaultResponse: R;
}

/** Arguments after `text`: the payload, optional only when the declaration allows none. */
type DataArgs<D> = [D] extends [undefined] ? [] : undefined extends D ? [data?: D] : [data: D];

/** What a declaration says before it is given its code (the key it is declared under). */
export interface MessageSpec<D, L extends MessageLevel> {
  readonly levels: readonly L[];
  readonly description: string;
  /** Type carrier only, never set. */
  readonly _data?: D;
  /** True: the level is chosen per message (`msg(level, text, data)`). */
  readonly leveled: boolean;
}

export interface LeveledMessageSpec<D, L extends MessageLevel> extends MessageSpec<D, L> {
  readonly leveled: true;
}

export interface RequestSpec<D, R> {
  readonly description: string;
  readonly _data?: D;
  readonly _response?: R;
  readonly request: true;
}

interface DeclBase<C extends string, D, L extends MessageLevel> {
  readonly code: C;
  readonly levels: readonly L[];
  readonly description: string;
  /** Type guard: `MSG['hop.start'].is(m)` narrows `m.data` to the declared payload. */
  is(message: { code: string }): message is Message<C, D, L>;
}

/** A code sent at one level: `MSG['hop.start'].msg(text, data)`. */
export interface MessageDecl<C extends string, D, L extends MessageLevel> extends DeclBase<C, D, L> {
  msg(text: string, ...data: DataArgs<D>): Message<C, D, L>;
}

/** A code whose level is chosen per message (`params.issue` is an error or a warning). */
export interface LeveledMessageDecl<C extends string, D, L extends MessageLevel> extends DeclBase<C, D, L> {
  msg(level: L, text: string, ...data: DataArgs<D>): Message<C, D, L>;
}

export interface RequestDecl<C extends string, D, R> {
  readonly code: C;
  readonly description: string;
  is(message: { code: string }): message is IoRequest<C, D, R>;
  req(text: string, data: D, defaultResponse: R): IoRequest<C, D, R>;
}

function spec<L extends MessageLevel>(level: L) {
  return <D = undefined>(description: string): MessageSpec<D, L> => ({ levels: [level], description, leveled: false });
}

/** Makers of specs, one per level; `leveled` for codes whose level is chosen per message. */
export const make = {
  debug: spec('debug'),
  info: spec('info'),
  warn: spec('warn'),
  error: spec('error'),
  result: spec('result'),
  /** `make.leveled(['error', 'warn'])<Payload>('description')`: the level is given per message. */
  leveled<const L extends MessageLevel>(levels: readonly L[]) {
    return <D = undefined>(description: string): LeveledMessageSpec<D, L> => ({ levels, description, leveled: true });
  },
  /** A question; the caller of `req` gives the default answer. */
  request<D, R>(description: string): RequestSpec<D, R> {
    return { description, request: true };
  },
};

type DeclOf<C extends string, S> =
  S extends LeveledMessageSpec<infer D, infer L> ? LeveledMessageDecl<C, D, L> : S extends MessageSpec<infer D, infer L> ? MessageDecl<C, D, L> : never;

export type MessageDecls<T> = { readonly [K in keyof T & string]: DeclOf<K, T[K]> };

function build(level: MessageLevel, code: string, text: string, data: unknown[]): Message {
  return data.length > 0 && data[0] !== undefined ? { level, code, text, data: data[0] } : { level, code, text };
}

/**
 * Turns `{ 'hop.start': make.info<HopData>('...') }` into declarations keyed by their code.
 * `leveled` specs make messages with `msg(level, text, data)`.
 */
export function declareMessages<const T extends Record<string, MessageSpec<unknown, MessageLevel>>>(specs: T): MessageDecls<T> {
  const out: Record<string, unknown> = {};
  for (const [code, s] of Object.entries(specs)) {
    const is = (m: { code: string }): boolean => m.code === code;
    out[code] = s.leveled
      ? { code, levels: s.levels, description: s.description, is, msg: (level: MessageLevel, text: string, ...data: unknown[]) => build(level, code, text, data) }
      : { code, levels: s.levels, description: s.description, is, msg: (text: string, ...data: unknown[]) => build(s.levels[0]!, code, text, data) };
  }
  // The mapped type is exactly what the loop builds; TypeScript cannot follow a loop over keys.
  return out as MessageDecls<T>;
}

export type RequestDecls<T> = { readonly [K in keyof T & string]: T[K] extends RequestSpec<infer D, infer R> ? RequestDecl<K, D, R> : never };

export function declareRequests<const T extends Record<string, RequestSpec<unknown, unknown>>>(specs: T): RequestDecls<T> {
  const out: Record<string, unknown> = {};
  for (const [code, s] of Object.entries(specs)) {
    out[code] = {
      code,
      description: s.description,
      is: (m: { code: string }) => m.code === code,
      req: (text: string, data: unknown, defaultResponse: unknown) => ({ level: 'info', code, text, data, defaultResponse }),
    };
  }
  return out as RequestDecls<T>;
}

/** The message type a declaration makes. */
export type MessageOf<T> = T extends DeclBase<infer C, infer D, infer L> ? Message<C, D, L> : never;
/** The request type a declaration makes. */
export type RequestOf<T> = T extends RequestDecl<infer C, infer D, infer R> ? IoRequest<C, D, R> : never;
/** What answers a request. */
export type ResponseOf<Q> = Q extends IoRequest<string, unknown, infer R> ? R : never;
