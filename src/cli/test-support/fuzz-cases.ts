/**
 * Generators of command lines and input files for the CLI fuzz suite (issue 9, Deliver 6):
 * versions, regions, parameter files, catalogs, config files, plan files and option values,
 * each a mix of valid values, near misses (case, spaces, zeros, suffixes) and noise.
 *
 * Safety: a case never reaches anything but 127.0.0.1. Every command that talks to AWS gets
 * `--endpoint-url http://127.0.0.1:9` (the discard port: connection refused at once) right
 * after its name, before any generated option (a generated `--` cannot hide it), and the flag
 * wins over any value a generated pantherctl.yml holds; a generated `--endpoint-url` value is
 * always one the tool must refuse. Files are only read from the case
 * directory or a few fixed special paths; the one option that writes (`plan --out`) only
 * names a file in the case directory or the directory itself. `sandbox start` is only run
 * with at least one value it must refuse, so it never starts serving.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { embeddedCatalog } from '../../catalog/embedded.js';
import { SUPPORTED_REGIONS } from '../../catalog/regions.js';
import { PARAMETERS } from '../../parameters/definitions.js';
import { buildPlan } from '../../planning/plan-artifact.js';
import { planUpgrade } from '../../planning/plan-upgrade.js';

/** The unreachable endpoint every AWS command of the fuzz talks to. */
export const UNREACHABLE_ENDPOINT = 'http://127.0.0.1:9';

/** A value secret parameters get in generated files; it must never appear in any output. */
export const CANARY = 'CANARY-7f3a9c-never-printed';

/** A file a case needs, written into the case directory before it runs. */
export interface CaseFile {
  name: string;
  text: string;
}

/**
 * A path argument: a generated file, or one of the special paths the harness prepares
 * (`@dir` the case directory, `@fifo` a FIFO, `@big` a file over 5 MB, `@missing`).
 */
export type PathRef = { file: CaseFile } | { special: '/dev/zero' | '/dev/null' | '@dir' | '@fifo' | '@big' | '@missing' | '' };

/**
 * One argv element: literal text, a path resolved by the harness, or a value every command
 * must refuse before any AWS call (`refused`): a case holding one may only exit 1 or 2.
 */
export type Arg = string | { path: PathRef } | { refused: string };

export interface FuzzCase {
  /** `plan`, `params validate`, `status`, ... */
  command: string;
  args: Arg[];
  /** Whether the command may talk to AWS (it then gets the unreachable endpoint). */
  aws: boolean;
  json: boolean;
  /** Exit codes this command may end with here; anything else is a finding. */
  expected: readonly number[];
  /** Whether the secret canary was written into a file this case reads. */
  canary: boolean;
}

// ---- scalar values ----------------------------------------------------------------------------

const VALID_VERSIONS = ['v1.25.1', '1.25.1', 'v1.28.7', 'v1.23.5', 'v1.39.7', 'v1.26.9', '1.27.8', 'v1.20.3', 'v2.0.0', 'v0.0.0', 'v1.30.5'];
const VALID_TARGETS = [...VALID_VERSIONS, '1.28', 'v1.28', '1.28.x', '1.28.X', 'latest', '1.39', '1.13.x'];
/** Each of these is refused wherever a version is read. */
const NEAR_VERSIONS = ['LATEST', 'Latest', ' v1.39.7 ', 'v1.39.7 ', '1.28.*', 'V1.28.7', '01.2.3', '1.02.3', '1.2.3-rc1', '1.2.3+b', 'v1.2', '1', 'v', '', 'v99999999999.0.0', '1.2.3\n', 'vv1.2.3', '1..2', '１.2.3', '-1.2.3', '1.2.3.4', 'x.y.z', 'garbage'];

/** Values from a list that must be refused, marked so. */
const refused = (...values: string[]): fc.Arbitrary<Arg> => fc.constantFrom(...values).map((v): Arg => ({ refused: v }));

const noise = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.constantFrom('', ' ', '-', '--', '-0', '0', '\t', '\n', '\u0000', 'a'.repeat(300), '--json', '../x', '/', '*', 'null', 'true', '${HOME}', '$(id)', '"', "'", '\\'),
);

// Mostly valid values, so that most cases get past the first check and reach deeper code.
const version: fc.Arbitrary<Arg> = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...VALID_VERSIONS) }, { weight: 2, arbitrary: refused(...NEAR_VERSIONS) }, { weight: 1, arbitrary: noise }, {
  weight: 1,
  arbitrary: fc.tuple(fc.nat(60), fc.nat(60), fc.nat(60)).map(([a, b, c]) => `v${a}.${b}.${c}`),
});
const target: fc.Arbitrary<Arg> = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...VALID_TARGETS) }, { weight: 2, arbitrary: refused(...NEAR_VERSIONS) }, { weight: 1, arbitrary: noise });
/** Not region names at all: refused everywhere (`*` is iam-policy's "any", so it is not here). */
const MALFORMED_REGIONS = ['mars-1', '', 'US-EAST-1', 'us-east-1 ', 'us-east', 'useast1', 'eu-west-1a'];
/** Well-formed regions without published templates: refused unless --allow-unsupported-region. */
const UNSUPPORTED_REGIONS = ['me-south-1', 'cn-north-1', 'us-gov-west-1'];
const INVALID_REGIONS = [...MALFORMED_REGIONS, ...UNSUPPORTED_REGIONS, '*'];
const region: fc.Arbitrary<Arg> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...SUPPORTED_REGIONS) },
  { weight: 1, arbitrary: refused(...MALFORMED_REGIONS) },
  { weight: 1, arbitrary: fc.constantFrom(...UNSUPPORTED_REGIONS, '*') },
  { weight: 1, arbitrary: noise },
);
const stackName: fc.Arbitrary<Arg> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('panther-root', 'panther-deployment-role', 'panther-prod', 'root', 'panther-', 'arn:aws:cloudformation:us-east-2:123456789012:stack/panther-root/x') },
  { weight: 2, arbitrary: refused('a'.repeat(129), 'panther root', '1panther', '', 'panther_root') },
  { weight: 1, arbitrary: noise },
);
const account: fc.Arbitrary<Arg> = fc.oneof({ weight: 6, arbitrary: fc.constant('123456789012') }, { weight: 2, arbitrary: refused('12345678901', '1234567890123', '', 'abcdefghijkl') }, { weight: 1, arbitrary: fc.oneof(fc.constant('*'), noise) });
const intText: fc.Arbitrary<Arg> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 200 }).map(String) },
  { weight: 2, arbitrary: fc.oneof(fc.integer({ min: -5, max: 100_000 }).map(String), refused('-0', '007', '1e3', '0x10', '1.5', '', ' 5', '65536', '1441', '0')) },
  { weight: 1, arbitrary: noise },
);
const endpointRefused: fc.Arbitrary<Arg> = refused('', 'foo', 'ftp://127.0.0.1:9', 'http://', '127.0.0.1:9', 'file:///etc/passwd', '://x', 'http:// bad');
const roleArn: fc.Arbitrary<Arg> = fc.oneof({ weight: 4, arbitrary: fc.constant('arn:aws:iam::123456789012:role/Upgrade') }, { weight: 2, arbitrary: refused('arn:aws:iam::123:role/x', 'role', '') }, { weight: 1, arbitrary: noise });
const paramKeys = PARAMETERS.map((d) => d.name);
/** The text of an argument that is not a path (file contents hold versions too). */
const textOf = (a: Arg): string => (typeof a === 'string' ? a : 'refused' in a ? a.refused : '');
const secretKeys = PARAMETERS.filter((d) => d.secret).map((d) => d.name);
const paramFlag: fc.Arbitrary<Arg> = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...paramKeys), fc.oneof(fc.constantFrom('', 'true', '512', 'x=y'), fc.string({ maxLength: 10 }))).map(([k, v]) => `${k}=${v}`) },
  { weight: 2, arbitrary: refused('=', 'NoEquals', '=value', 'Bad-Key=1', '') },
  { weight: 1, arbitrary: noise },
);

// ---- files ------------------------------------------------------------------------------------

/** What happens to a generated file's text before it is written: usually nothing. */
const mutation = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.oneof(noise, fc.constantFrom(':', '- ', '[', '{', '&a ', '*a', '\t', '#', '"', '!!binary ', '? ', '<<: ')) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bytes' as const), bytes: fc.uint8Array({ maxLength: 64 }) }) },
  { weight: 1, arbitrary: fc.constantFrom({ kind: 'bom' as const }, { kind: 'deep' as const }, { kind: 'aliases' as const }, { kind: 'bomb' as const }, { kind: 'repeat' as const }) },
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  switch (m.kind) {
    case 'none':
      return text;
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insert': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.text + text.slice(at);
    }
    case 'bytes':
      return text + Buffer.from(m.bytes).toString('latin1');
    case 'bom':
      return `\uFEFF${text}`;
    case 'deep':
      return `${text}\nzz: ${'['.repeat(5000)}`;
    case 'aliases':
      return `${text}\nzz: &zz shared\n${Array.from({ length: 150 }, (_, i) => `zz${i}: *zz`).join('\n')}`;
    case 'bomb':
      return `${text}\nz0: &z0 [x, x, x, x, x, x, x, x, x, x]\nz1: &z1 [*z0, *z0, *z0, *z0, *z0, *z0, *z0, *z0, *z0, *z0]\nz2: &z2 [*z1, *z1, *z1, *z1, *z1, *z1, *z1, *z1, *z1, *z1]\nz3: [*z2, *z2, *z2, *z2, *z2, *z2, *z2, *z2, *z2, *z2]`;
    case 'repeat':
      return `${text}\n${text}`;
  }
}

const scalar = fc.oneof(fc.string({ maxLength: 16 }), fc.integer().map(String), fc.constantFrom('true', 'false', '512', '0256', '', '10.0.0.0/24', 'python3.7', 'admin@example.com', 'null', '~', '1e5', '[1]', '{a: 1}', "it's"));

const parameterEntries = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...paramKeys), scalar) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...secretKeys), fc.constant(CANARY)) },
    { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom('VpcID', 'Unknown', 'DatadogApiKy', '123', ''), fc.string({ maxLength: 12 })), scalar) },
  ),
  { maxLength: 12 },
);

/** A parameter file in one of the forms operators have, possibly mutated. */
const parameterFile = fc
  .record({ entries: parameterEntries, form: fc.constantFrom('yaml', 'json', 'aws-cli', 'codepipeline', 'yaml-quoted'), mutation, n: fc.nat() })
  .map(({ entries, form, mutation: m, n }): { file: CaseFile; canary: boolean } => {
    const map = Object.fromEntries(entries);
    let text: string;
    switch (form) {
      case 'yaml':
        text = entries.map(([k, v]) => `${k}: ${v}`).join('\n');
        break;
      case 'yaml-quoted':
        text = entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join('\n');
        break;
      case 'json':
        text = JSON.stringify(map, null, 2);
        break;
      case 'aws-cli':
        text = JSON.stringify(entries.map(([k, v], i) => (i % 4 === 3 ? { ParameterKey: k, UsePreviousValue: true } : { ParameterKey: k, ParameterValue: v })));
        break;
      default:
        text = JSON.stringify({ Parameters: map, Tags: { Team: 'x' } });
    }
    // The canary is checked only in files whose text was not mutated: a mutation may turn a
    // secret value into a key, which is not a secret.
    const canary = m.kind === 'none' && entries.some(([, v]) => v === CANARY);
    return { file: { name: `params-${n}.${form.startsWith('yaml') ? 'yml' : 'json'}`, text: mutate(text, m) }, canary };
  });

const release = fc.record(
  {
    version: fc.oneof({ weight: 4, arbitrary: fc.tuple(fc.constant(1), fc.integer({ min: 10, max: 40 }), fc.nat(12)).map(([a, b, c]) => `v${a}.${b}.${c}`) }, { weight: 1, arbitrary: version.map(textOf) }),
    recommended: fc.boolean(),
    yanked: fc.record({ reason: fc.string({ maxLength: 10 }) }),
    notes: fc.array(fc.string({ maxLength: 10 }), { maxLength: 2 }),
    manualSteps: fc.array(fc.record({ id: fc.constantFrom('dns', 'acm', 'bad id', ''), text: fc.string({ maxLength: 8 }) }), { maxLength: 2 }),
    pulumiBuild: fc.boolean(),
    templates: fc.record({ root: fc.constantFrom('a'.repeat(64), 'xyz') }, { requiredKeys: [] }),
  },
  { requiredKeys: ['version'] },
);

/** A catalog file: mostly well-formed, with random releases, possibly mutated. */
const catalogFile = fc
  .record({ schemaVersion: fc.oneof({ weight: 5, arbitrary: fc.constant(1) }, { weight: 1, arbitrary: fc.constantFrom(2, '1', null) }), releases: fc.array(release, { maxLength: 8 }), json: fc.boolean(), mutation, n: fc.nat() })
  .map(({ schemaVersion, releases, json, mutation: m, n }): CaseFile => {
    const doc = { schemaVersion, releases };
    return { name: `catalog-${n}.${json ? 'json' : 'yml'}`, text: mutate(json ? JSON.stringify(doc) : stringify(doc), m) };
  });

const CONFIG_KEYS = ['profile', 'region', 'endpointUrl', 'assumeRole', 'rootStack', 'roleStack', 'useDeploymentRole', 'stateDir', 'catalog', 'account', 'timeoutMinutes', 'unknownKey'];

/** A pantherctl.yml: known keys (an endpointUrl is overridden by the command line), random values. */
const configFile = fc
  .record({
    entries: fc.array(fc.tuple(fc.constantFrom(...CONFIG_KEYS), fc.oneof(scalar, fc.constantFrom('us-east-2', 'panther-root', 'http://127.0.0.1:9', 'arn:aws:iam::123456789012:role/x', '123456789012', '30'), fc.integer().map(String))), { maxLength: 6 }),
    mutation,
    n: fc.nat(),
  })
  .map(({ entries, mutation: m, n }): CaseFile => ({ name: `pantherctl-${n}.yml`, text: mutate(entries.map(([k, v]) => `${k}: ${v}`).join('\n'), m) }));

const basePlan = (): Record<string, unknown> => {
  const catalog = embeddedCatalog();
  return buildPlan(planUpgrade({ from: 'v1.25.18', to: 'v1.27.8', catalog }), { region: 'us-east-2', catalog }) as unknown as Record<string, unknown>;
};

/** A saved plan: the real artifact, or one with a field removed, retyped or replaced. */
const planFile = fc
  .record({
    change: fc.oneof(
      { weight: 2, arbitrary: fc.constant({ kind: 'none' as const }) },
      { weight: 3, arbitrary: fc.record({ kind: fc.constant('field' as const), key: fc.constantFrom('schemaVersion', 'from', 'to', 'region', 'hops', 'warnings', 'catalogSha256', 'catalogSource', 'alreadyAt', 'extra'), value: fc.oneof(scalar, fc.constant(undefined), fc.constant(null), fc.integer(), fc.constant([]), fc.constant({})) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('text' as const), m: mutation }) },
    ),
    n: fc.nat(),
  })
  .map(({ change, n }): CaseFile => {
    const plan = basePlan();
    let text: string;
    if (change.kind === 'field') {
      if (change.value === undefined) delete plan[change.key];
      else plan[change.key] = change.value;
      text = JSON.stringify(plan);
    } else {
      text = JSON.stringify(plan, null, 2);
      if (change.kind === 'text') text = mutate(text, change.m);
    }
    return { name: `plan-${n}.json`, text };
  });

const specialPath = fc.constantFrom<PathRef>({ special: '/dev/zero' }, { special: '/dev/null' }, { special: '@dir' }, { special: '@fifo' }, { special: '@big' }, { special: '@missing' }, { special: '' });
const pathOf = (files: fc.Arbitrary<CaseFile>): fc.Arbitrary<Arg> =>
  fc.oneof({ weight: 5, arbitrary: files.map((file): PathRef => ({ file })) }, { weight: 1, arbitrary: specialPath }).map((path) => ({ path }));
const paramsPath = fc.oneof(
  { weight: 5, arbitrary: parameterFile.map((p) => ({ arg: { path: { file: p.file } } as Arg, canary: p.canary })) },
  { weight: 1, arbitrary: specialPath.map((path) => ({ arg: { path } as Arg, canary: false })) },
);

// ---- command lines ----------------------------------------------------------------------------

/** An optional option: absent, or `--flag value`. */
const opt = (flag: string, value: fc.Arbitrary<Arg>, weight = 1): fc.Arbitrary<Arg[]> =>
  fc.oneof({ weight: 2, arbitrary: fc.constant<Arg[]>([]) }, { weight, arbitrary: value.map((v): Arg[] => [flag, v]) });
const flag = (name: string): fc.Arbitrary<Arg[]> => fc.boolean().map((on) => (on ? [name] : []));
const repeated = (name: string, value: fc.Arbitrary<Arg>): fc.Arbitrary<Arg[]> => fc.array(value, { maxLength: 2 }).map((vs) => vs.flatMap((v) => [name, v]));
const join = (...parts: fc.Arbitrary<Arg[]>[]): fc.Arbitrary<Arg[]> => fc.tuple(...parts).map((ps) => ps.flat());

const OFFLINE = [0, 1, 2] as const;
// Against an unreachable endpoint a command either refuses its input or fails to reach AWS.
const UNREACHABLE = [1, 2, 3] as const;

// The region is nearly always given: without one (and no pantherctl.yml) a command stops at once.
const connection = join(
  opt('--region', region, 12),
  opt('--root-stack', stackName),
  opt('--role-stack', stackName),
  opt('--account', account),
  opt('--profile', fc.constantFrom('default', 'default', 'no-such-profile', '')),
  opt('--assume-role', roleArn),
  opt('--config', pathOf(configFile)),
  flag('--allow-unsupported-region'),
);
const catalogOption = opt('--catalog', pathOf(catalogFile));
const journaled = join(opt('--state-dir', fc.oneof(fc.constantFrom('state', 'state/nested'), refused(''))), opt('--timeout', intText), flag('--skip-deployment-role'), repeated('--param', paramFlag));

interface Shape {
  command: string;
  args: fc.Arbitrary<Arg[]>;
  aws: boolean;
  expected: readonly number[];
  /** Gets the parameter file argument (with its canary flag) when the command reads one. */
  params?: 'option' | 'argument';
}

const SHAPES: Shape[] = [
  {
    command: 'plan',
    aws: false,
    expected: OFFLINE,
    args: join(
      opt('--from', version, 8),
      opt('--to', target, 3),
      opt('--region', region),
      opt('--catalog', pathOf(catalogFile)),
      flag('--allow-unlisted'),
      flag('--allow-unsupported-region'),
      opt('--out', fc.constantFrom<Arg>({ path: { file: { name: 'out-plan.json', text: '' } } }, { path: { special: '@dir' } }, { path: { special: '@fifo' } }, { path: { special: '/dev/null' } }, '')),
    ),
  },
  { command: 'urls', aws: false, expected: OFFLINE, args: join(opt('--version', version, 8), opt('--region', region), flag('--allow-unsupported-region')) },
  { command: 'catalog list', aws: false, expected: OFFLINE, args: opt('--catalog', pathOf(catalogFile), 4) },
  { command: 'params validate', aws: false, expected: OFFLINE, params: 'argument', args: join(flag('--first-deploy'), repeated('--param', paramFlag)) },
  { command: 'params explain', aws: false, expected: OFFLINE, args: opt('', fc.oneof(fc.constantFrom(...paramKeys), fc.constantFrom('VpcID', 'nope', ''), noise)).map((a) => a.filter((x) => x !== '')) },
  {
    command: 'iam-policy',
    aws: false,
    expected: OFFLINE,
    args: join(opt('--account', account), opt('--region', region), opt('--partition', fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'mars', '')), opt('--role-stack', stackName), flag('--allow-unsupported-region')),
  },
  { command: 'status', aws: true, expected: UNREACHABLE, args: join(connection, catalogOption, opt('--current', version)) },
  {
    command: 'upgrade',
    aws: true,
    expected: UNREACHABLE,
    args: join(connection, catalogOption, journaled, opt('--to', target), flag('--yes'), flag('--dry-run'), repeated('--ack', fc.constantFrom('dns', '', 'x y')), opt('--plan', pathOf(planFile)), opt('--current', version), flag('--allow-unlisted')),
  },
  { command: 'resume', aws: true, expected: UNREACHABLE, args: join(connection, catalogOption, journaled, opt('--current', version), flag('--allow-unlisted')) },
  { command: 'diagnose', aws: true, expected: UNREACHABLE, args: join(connection, catalogOption, opt('--stack', stackName)) },
  { command: 'recover', aws: true, expected: UNREACHABLE, args: join(connection, catalogOption, opt('--stack', stackName), repeated('--skip', fc.constantFrom('Bucket', 'Nested.Resource', '')), opt('--state-dir', fc.constantFrom('', 'state')), opt('--timeout', intText)) },
  {
    command: 'deploy',
    aws: true,
    expected: UNREACHABLE,
    params: 'option',
    args: join(connection, catalogOption, journaled, opt('--version', version, 8), flag('--yes'), opt('--stage-size', intText), flag('--single-update'), flag('--no-build'), flag('--allow-unlisted'), flag('--replace-failed')),
  },
  { command: 'configure', aws: true, expected: UNREACHABLE, params: 'option', args: join(connection, journaled, flag('--yes'), opt('--stage-size', intText), flag('--single-update'), flag('--no-build')) },
  { command: 'params diff', aws: true, expected: UNREACHABLE, params: 'option', args: join(connection, flag('--secrets-differ'), repeated('--param', paramFlag)) },
];

/** `sandbox start` with at least one value it must refuse, so it never starts serving. */
const sandboxStart: fc.Arbitrary<FuzzCase> = fc
  .record({
    bad: fc.constantFrom('port', 'speed', 'version', 'region'),
    port: fc.constantFrom('-0', '65536', 'abc', '', '1.5', '-1', '0x10', '007'),
    speed: fc.constantFrom('0', '-1', 'abc', '', '1e3', '100001', '-0'),
    version: fc.constantFrom(...NEAR_VERSIONS),
    region: fc.constantFrom(...INVALID_REGIONS),
    goodRegion: fc.constantFrom('us-east-2', ...INVALID_REGIONS),
    json: fc.boolean(),
  })
  .map((r): FuzzCase => {
    const args: Arg[] = ['sandbox', 'start', '--port', r.bad === 'port' ? r.port : '0'];
    if (r.bad === 'speed') args.push('--speed', r.speed);
    if (r.bad === 'version') args.push('--version', r.version);
    args.push('--region', r.bad === 'region' ? r.region : r.goodRegion);
    if (r.json) args.push('--json');
    return { command: 'sandbox start', args, aws: false, json: r.json, expected: [1, 2], canary: false };
  });

/** Any case of the suite. */
export const fuzzCase: fc.Arbitrary<FuzzCase> = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom(...SHAPES).chain((shape) => fc.tuple(fc.constant(shape), shape.args, paramsPath, fc.boolean(), fc.nat(5).map((n) => n === 0), endpointRefused)).map(([shape, args, params, json, badEndpoint, endpoint]) => build(shape, args, params, json, badEndpoint, endpoint)) },
  { weight: 1, arbitrary: sandboxStart },
);

function build(shape: Shape, options: Arg[], params: { arg: Arg; canary: boolean }, json: boolean, badEndpoint: boolean, endpoint: Arg): FuzzCase {
  // --json and the endpoint first: a generated `--` among the options turns what follows it
  // into arguments. No generated option is --endpoint-url, and the flag wins over pantherctl.yml.
  const args: Arg[] = [...shape.command.split(' '), ...(json ? ['--json'] : [])];
  if (shape.aws) args.push('--endpoint-url', badEndpoint ? endpoint : UNREACHABLE_ENDPOINT);
  if (shape.params === 'argument') args.push(params.arg);
  args.push(...options);
  if (shape.params === 'option') args.push('--params', params.arg);
  const canary = shape.params !== undefined && params.canary;
  // A value every command refuses offline, or a path that is not a readable regular file:
  // the command must stop with 1 or 2, never reach AWS (3) and never succeed.
  const mustRefuse = args.some((a) => typeof a !== 'string' && ('refused' in a || 'special' in a.path));
  return { command: shape.command, args, aws: shape.aws, json, expected: mustRefuse ? [1, 2] : shape.expected, canary };
}
