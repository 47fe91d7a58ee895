import { parseDocument } from 'yaml';
import { validationError } from '../aws-error.js';
import { CFN_YAML_TAGS, splitGetAtt } from './yaml-tags.js';

/**
 * The constraint members a parameter may declare (User Guide,
 * parameters-section-structure.md: AllowedPattern, AllowedValues, MaxLength, MaxValue,
 * MinLength, MinValue).
 */
export interface ParameterConstraints {
  allowedValues?: string[];
  allowedPattern?: string;
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
}

/** One declared parameter, as CloudFormation reads it from the template. */
export interface ParamDecl extends ParameterConstraints {
  name: string;
  type: string;
  default?: string;
  noEcho: boolean;
  description?: string;
  constraintDescription?: string;
}

export interface ResourceDecl {
  logicalId: string;
  type: string;
  properties: Record<string, unknown>;
  /** DependsOn plus every resource the properties refer to: the order CloudFormation honours. */
  dependsOn: string[];
}

export interface OutputDecl {
  key: string;
  value: unknown;
  description?: string;
  exportName?: unknown;
}

export interface ParsedTemplate {
  body: string;
  formatVersion?: string;
  description?: string;
  parameters: ParamDecl[];
  paramByName: Map<string, ParamDecl>;
  resources: ResourceDecl[];
  resourceById: Map<string, ResourceDecl>;
  outputs: OutputDecl[];
  mappings: Record<string, unknown>;
  metadata?: unknown;
  transforms: string[];
  /** `v1.25.18` from `Mappings.Constants.Panther.Version`, where the deploy tooling put it. */
  pantherVersion?: string;
  /** Capabilities the template needs, and the resource types that need them. */
  capabilities: string[];
  capabilityTypes: string[];
}

const TOP_LEVEL = new Set([
  'AWSTemplateFormatVersion', 'Description', 'Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions',
  'Transform', 'Resources', 'Outputs', 'Hooks',
]);

const PARAM_TYPES = new Set(['String', 'Number', 'List<Number>', 'CommaDelimitedList']);
const PSEUDO = new Set([
  'AWS::AccountId', 'AWS::NotificationARNs', 'AWS::NoValue', 'AWS::Partition', 'AWS::Region', 'AWS::StackId',
  'AWS::StackName', 'AWS::URLSuffix',
]);

const IAM_TYPES: Record<string, string | undefined> = {
  'AWS::IAM::Role': 'RoleName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::User': 'UserName',
  'AWS::IAM::Group': 'GroupName',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::Policy': undefined,
  'AWS::IAM::AccessKey': undefined,
  'AWS::IAM::UserToGroupAddition': undefined,
};

function formatError(message: string): never {
  throw validationError(`Template format error: ${message}`);
}

function parseBody(body: string): unknown {
  const trimmed = body.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.parse(body);
    } catch (err) {
      const at = /position (\d+)/.exec(String(err));
      const pos = at ? Number(at[1]) : 0;
      const before = body.slice(0, pos).split('\n');
      return formatError(`JSON not well-formed. (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})`);
    }
  }
  const doc = parseDocument(body, { customTags: CFN_YAML_TAGS, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const [line, col] = first.linePos?.[0] ? [first.linePos[0].line, first.linePos[0].col] : [1, 1];
    return formatError(`YAML not well-formed. (line ${line}, column ${col})`);
  }
  return doc.toJS({ maxAliasCount: 100 });
}

const cache = new Map<string, ParsedTemplate>();
const CACHE_LIMIT = 256;

/**
 * Parses and checks a template the way CloudFormation does before it accepts an operation,
 * with CloudFormation's "Template format error" messages. Results are cached by body: the
 * same few templates are parsed again and again by change sets, summaries and updates.
 */
export function parseTemplate(body: string): ParsedTemplate {
  const hit = cache.get(body);
  if (hit) return hit;
  const parsed = parseUncached(body);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(body, parsed);
  return parsed;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function parseUncached(body: string): ParsedTemplate {
  if (body.trim() === '') formatError('unsupported structure.');
  const root = parseBody(body);
  if (!isObject(root)) formatError('unsupported structure.');
  const unknown = Object.keys(root).filter((k) => !TOP_LEVEL.has(k));
  if (unknown.length > 0) throw validationError(`Invalid template property or properties [${unknown.join(', ')}]`);

  const parameters: ParamDecl[] = [];
  const rawParams = root.Parameters ?? {};
  if (!isObject(rawParams)) formatError('Parameters must be an object.');
  for (const [name, raw] of Object.entries(rawParams)) {
    if (!isObject(raw)) formatError(`Every Parameters object must contain a Type member.`);
    const type = str(raw.Type);
    if (!type) formatError(`Every Parameters object must contain a Type member.`);
    if (!PARAM_TYPES.has(type) && !type.startsWith('AWS::') && !type.startsWith('List<AWS::')) {
      formatError(`Unrecognized parameter type: ${type}`);
    }
    const decl: ParamDecl = { name, type, noEcho: raw.NoEcho === true || raw.NoEcho === 'true' };
    const def = str(raw.Default);
    if (def !== undefined) decl.default = def;
    const description = str(raw.Description);
    if (description !== undefined) decl.description = description;
    if (Array.isArray(raw.AllowedValues)) decl.allowedValues = raw.AllowedValues.map((v) => str(v) ?? '');
    const pattern = str(raw.AllowedPattern);
    if (pattern !== undefined) decl.allowedPattern = pattern;
    const minValue = num(raw.MinValue);
    if (minValue !== undefined) decl.minValue = minValue;
    const maxValue = num(raw.MaxValue);
    if (maxValue !== undefined) decl.maxValue = maxValue;
    const minLength = num(raw.MinLength);
    if (minLength !== undefined) decl.minLength = minLength;
    const maxLength = num(raw.MaxLength);
    if (maxLength !== undefined) decl.maxLength = maxLength;
    const constraint = str(raw.ConstraintDescription);
    if (constraint !== undefined) decl.constraintDescription = constraint;
    parameters.push(decl);
  }
  const paramByName = new Map(parameters.map((p) => [p.name, p]));

  const rawResources = root.Resources;
  if (!isObject(rawResources) || Object.keys(rawResources).length === 0) {
    formatError('At least one Resources member must be defined.');
  }
  const resources: ResourceDecl[] = [];
  for (const [logicalId, raw] of Object.entries(rawResources)) {
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) formatError(`Resource name ${logicalId} is non alphanumeric.`);
    if (!isObject(raw) || typeof raw.Type !== 'string') {
      formatError(`[/Resources/${logicalId}] Every Resources object must contain a Type member.`);
    }
    const properties = isObject(raw.Properties) ? raw.Properties : {};
    const explicit = raw.DependsOn === undefined ? [] : Array.isArray(raw.DependsOn) ? raw.DependsOn.map(String) : [String(raw.DependsOn)];
    resources.push({ logicalId, type: raw.Type, properties, dependsOn: explicit });
  }
  const resourceById = new Map(resources.map((r) => [r.logicalId, r]));

  // References must point at something declared; implicit ones also order the resources.
  const unresolved = new Set<string>();
  const known = (name: string) => paramByName.has(name) || resourceById.has(name) || PSEUDO.has(name);
  for (const r of resources) {
    for (const dep of r.dependsOn) if (!resourceById.has(dep)) unresolved.add(dep);
    const refs = new Set<string>();
    collectRefs(r.properties, refs);
    for (const ref of refs) {
      if (!known(ref)) unresolved.add(ref);
      else if (resourceById.has(ref) && ref !== r.logicalId && !r.dependsOn.includes(ref)) r.dependsOn.push(ref);
    }
  }
  const outputs: OutputDecl[] = [];
  const rawOutputs = root.Outputs ?? {};
  if (isObject(rawOutputs)) {
    for (const [key, raw] of Object.entries(rawOutputs)) {
      if (!isObject(raw) || !('Value' in raw)) formatError(`Every Outputs member must contain a Value object`);
      const refs = new Set<string>();
      collectRefs(raw.Value, refs);
      for (const ref of refs) if (!known(ref)) unresolved.add(ref);
      const out: OutputDecl = { key, value: raw.Value };
      const description = str(raw.Description);
      if (description !== undefined) out.description = description;
      if (isObject(raw.Export) && raw.Export.Name !== undefined) out.exportName = raw.Export.Name;
      outputs.push(out);
    }
  }
  if (unresolved.size > 0) {
    formatError(`Unresolved resource dependencies [${[...unresolved].join(', ')}] in the Resources block of the template`);
  }

  const transforms = root.Transform === undefined ? [] : Array.isArray(root.Transform) ? root.Transform.map(String) : [String(root.Transform)];
  const mappings = isObject(root.Mappings) ? root.Mappings : {};
  const { capabilities, capabilityTypes } = requiredCapabilities(resources, transforms);
  const parsed: ParsedTemplate = {
    body,
    parameters,
    paramByName,
    resources,
    resourceById,
    outputs,
    mappings,
    transforms,
    capabilities,
    capabilityTypes,
  };
  const formatVersion = str(root.AWSTemplateFormatVersion);
  if (formatVersion !== undefined) parsed.formatVersion = formatVersion;
  const description = str(root.Description);
  if (description !== undefined) parsed.description = description;
  if (root.Metadata !== undefined) parsed.metadata = root.Metadata;
  const version = pantherVersionOf(mappings);
  if (version) parsed.pantherVersion = version;
  return parsed;
}

function pantherVersionOf(mappings: Record<string, unknown>): string | undefined {
  const constants = mappings.Constants;
  if (!isObject(constants) || !isObject(constants.Panther)) return undefined;
  const v = str(constants.Panther.Version);
  if (!v) return undefined;
  return v.startsWith('v') ? v : `v${v}`;
}

/** Names a value refers to: `Ref`, the resource of `Fn::GetAtt`, and `${Name}` in `Fn::Sub`. */
export function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const v of value) collectRefs(v, into);
    return;
  }
  if (!isObject(value)) return;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const k = keys[0] as string;
    const arg = value[k];
    if (k === 'Ref' && typeof arg === 'string') {
      into.add(arg);
      return;
    }
    if (k === 'Fn::GetAtt') {
      const target = Array.isArray(arg) ? arg[0] : typeof arg === 'string' ? splitGetAtt(arg)[0] : undefined;
      if (typeof target === 'string') into.add(target);
      return;
    }
    if (k === 'Fn::Sub') {
      const [text, vars] = Array.isArray(arg) ? [arg[0], arg[1]] : [arg, undefined];
      const local = isObject(vars) ? new Set(Object.keys(vars)) : new Set<string>();
      if (typeof text === 'string') {
        for (const m of text.matchAll(/\$\{([^!}][^}]*)\}/g)) {
          const name = (m[1] as string).trim();
          const head = name.includes('.') && !name.startsWith('AWS::') ? (name.split('.')[0] as string) : name;
          if (!local.has(head)) into.add(head);
        }
      }
      if (isObject(vars)) collectRefs(vars, into);
      return;
    }
  }
  for (const v of Object.values(value)) collectRefs(v, into);
}

/**
 * CAPABILITY_IAM for IAM resources, CAPABILITY_NAMED_IAM when one has a custom name, and
 * CAPABILITY_AUTO_EXPAND for macros, transforms included (botocore cloudformation/2010-05-15,
 * CreateStack `Capabilities`: the IAM types listed there; "If your stack template contains one
 * or more macros ... you must acknowledge this capability. This includes the AWS::Include and
 * AWS::Serverless transforms"). Nested stacks alone need no capability: only "a stack template
 * that contains macros and nested stacks" does, which a transform already requires.
 */
function requiredCapabilities(resources: ResourceDecl[], transforms: string[]): { capabilities: string[]; capabilityTypes: string[] } {
  let iam = false;
  let named = false;
  const expand = transforms.length > 0;
  const types = new Set<string>();
  for (const r of resources) {
    if (r.type in IAM_TYPES) {
      iam = true;
      types.add(r.type);
      const nameProp = IAM_TYPES[r.type];
      if (nameProp && r.properties[nameProp] !== undefined) named = true;
    }
  }
  const capabilities: string[] = [];
  if (iam) capabilities.push(named ? 'CAPABILITY_NAMED_IAM' : 'CAPABILITY_IAM');
  if (expand) capabilities.push('CAPABILITY_AUTO_EXPAND');
  return { capabilities, capabilityTypes: [...types] };
}

/** Names the first missing capability the way CloudFormation does, or nothing when all are given. */
export function missingCapability(template: ParsedTemplate, given: readonly string[]): string | undefined {
  for (const needed of template.capabilities) {
    if (given.includes(needed)) continue;
    if (needed === 'CAPABILITY_IAM' && given.includes('CAPABILITY_NAMED_IAM')) continue;
    return needed;
  }
  return undefined;
}

export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

