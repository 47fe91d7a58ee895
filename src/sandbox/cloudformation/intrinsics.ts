/**
 * Just enough of CloudFormation's intrinsic functions to give resources physical ids,
 * nested stacks their parameters and stacks their outputs. Anything that cannot be resolved
 * yet (a resource not created) stays as written, which is also how a change set tells a
 * "Conditional" replacement from a certain one.
 */
export interface ResourceView {
  physicalId: string;
  attribute(name: string): string | undefined;
}

export interface ResolveContext {
  params: Readonly<Record<string, string>>;
  region: string;
  accountId: string;
  stackName: string;
  stackId: string;
  mappings: Record<string, unknown>;
  resource(logicalId: string): ResourceView | undefined;
}

/** Marks a value that could not be resolved: the caller decides what that means. */
export const UNRESOLVED = Symbol('unresolved');

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pseudo(name: string, ctx: ResolveContext): string | undefined {
  switch (name) {
    case 'AWS::Region':
      return ctx.region;
    case 'AWS::AccountId':
      return ctx.accountId;
    case 'AWS::StackName':
      return ctx.stackName;
    case 'AWS::StackId':
      return ctx.stackId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    default:
      return undefined;
  }
}

function ref(name: string, ctx: ResolveContext): string | typeof UNRESOLVED {
  const p = pseudo(name, ctx);
  if (p !== undefined) return p;
  if (name in ctx.params) return ctx.params[name] as string;
  const r = ctx.resource(name);
  return r ? r.physicalId : UNRESOLVED;
}

function getAtt(target: string, attr: string, ctx: ResolveContext): string | typeof UNRESOLVED {
  const r = ctx.resource(target);
  if (!r) return UNRESOLVED;
  return r.attribute(attr) ?? UNRESOLVED;
}

function sub(text: string, vars: Record<string, unknown>, ctx: ResolveContext): string | typeof UNRESOLVED {
  let failed = false;
  const out = text.replace(/\$\{([^}]*)\}/g, (whole, inner: string) => {
    if (inner.startsWith('!')) return `\${${inner.slice(1)}}`;
    const name = inner.trim();
    if (name in vars) {
      const v = resolveValue(vars[name], ctx);
      if (typeof v !== 'string') failed = true;
      return typeof v === 'string' ? v : whole;
    }
    const dot = name.indexOf('.');
    const v = dot > 0 && !name.startsWith('AWS::') ? getAtt(name.slice(0, dot), name.slice(dot + 1), ctx) : ref(name, ctx);
    if (v === UNRESOLVED) {
      failed = true;
      return whole;
    }
    return v;
  });
  return failed ? UNRESOLVED : out;
}

/** Resolves a value; returns UNRESOLVED (not a partial value) when any part is unknown. */
export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const r = resolveValue(v, ctx);
      if (r === UNRESOLVED) return UNRESOLVED;
      out.push(r);
    }
    return out;
  }
  if (!isObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const k = keys[0] as string;
    const arg = value[k];
    switch (k) {
      case 'Ref':
        return typeof arg === 'string' ? ref(arg, ctx) : UNRESOLVED;
      case 'Fn::GetAtt': {
        const [target, attr] = Array.isArray(arg) ? arg : typeof arg === 'string' ? [arg.slice(0, arg.indexOf('.')), arg.slice(arg.indexOf('.') + 1)] : [];
        return typeof target === 'string' && typeof attr === 'string' ? getAtt(target, attr, ctx) : UNRESOLVED;
      }
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, {}];
        return typeof text === 'string' ? sub(text, isObject(vars) ? vars : {}, ctx) : UNRESOLVED;
      }
      case 'Fn::Join': {
        if (!Array.isArray(arg) || typeof arg[0] !== 'string') return UNRESOLVED;
        const parts = resolveValue(arg[1], ctx);
        return Array.isArray(parts) ? parts.map(String).join(arg[0]) : UNRESOLVED;
      }
      case 'Fn::FindInMap': {
        const args = resolveValue(arg, ctx);
        if (!Array.isArray(args)) return UNRESOLVED;
        let cur: unknown = ctx.mappings;
        for (const a of args) cur = isObject(cur) ? cur[String(a)] : undefined;
        return cur === undefined ? UNRESOLVED : typeof cur === 'object' ? cur : String(cur);
      }
      case 'Fn::Select': {
        const args = resolveValue(arg, ctx);
        if (!Array.isArray(args)) return UNRESOLVED;
        const list = args[1];
        return Array.isArray(list) ? (list[Number(args[0])] ?? UNRESOLVED) : UNRESOLVED;
      }
      case 'Fn::Split': {
        const args = resolveValue(arg, ctx);
        return Array.isArray(args) && typeof args[1] === 'string' ? args[1].split(String(args[0])) : UNRESOLVED;
      }
      case 'Fn::Base64': {
        const v = resolveValue(arg, ctx);
        return typeof v === 'string' ? Buffer.from(v).toString('base64') : UNRESOLVED;
      }
      default:
        if (k.startsWith('Fn::') || k === 'Condition') return value;
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const r = resolveValue(v, ctx);
    if (r === UNRESOLVED) return UNRESOLVED;
    out[k] = r;
  }
  return out;
}

/**
 * Resolves each property on its own, keeping the written form of those that cannot be
 * resolved yet; the result is what the sandbox compares to decide whether a resource changes.
 */
export function resolveProperties(props: Record<string, unknown>, ctx: ResolveContext): { values: Record<string, unknown>; unresolved: Set<string> } {
  const values: Record<string, unknown> = {};
  const unresolved = new Set<string>();
  for (const [k, v] of Object.entries(props)) {
    const r = resolveValue(v, ctx);
    if (r === UNRESOLVED) {
      unresolved.add(k);
      values[k] = v;
    } else {
      values[k] = r;
    }
  }
  return { values, unresolved };
}

/** Resolves to a string for a parameter or an output value; objects become JSON. */
export function resolveString(value: unknown, ctx: ResolveContext): string | undefined {
  const r = resolveValue(value, ctx);
  if (r === UNRESOLVED) return undefined;
  if (typeof r === 'string') return r;
  if (Array.isArray(r)) return r.map(String).join(',');
  return typeof r === 'object' ? JSON.stringify(r) : String(r);
}
