/**
 * `pantherctl support-bundle`: what Panther's support needs to see about a deployment, in one
 * redacted tar.gz. Collects (reads only): the stacks' states and parameters (NoEcho values come
 * back masked), events of the root stack, of every nested stack (deleted ones included) and of
 * the role stack, the last builds with their phases and log tails, the deployment's journal
 * (with the preflight results and change sets it recorded), the root stack's most recent change
 * sets (status, reason, changes; parameters NoEcho-masked), the config file, pantherctl's
 * version and environment (variable values only on an allow-list). Then every file goes
 * through the redactors (bundle.ts), with the values of the hidden environment variables as
 * known secrets, and `redactions.json` counts the hits per file and redactor.
 *
 * What cannot be read (a stack deleted meanwhile, a log without permission) becomes a line in
 * `errors.json` instead of failing the bundle: a bundle is most needed when things are broken.
 */
import type { ChangeSetSummary, CloudFormationGateway, StackEvent, StackSummary } from '../deployments/aws/types.js';
import { deploymentKey, withDeployment, type DeploymentOptions } from '../deployments/deployment.js';
import { lastBuildSummary, summarizeBuild, type BuildSummary } from '../deployments/logs/last-build.js';
import { chooseRootStack } from '../deployments/status/discover-root.js';
import type { IoHost } from '../io/messages.js';
import type { JournalEntry } from '../journal/entry.js';
import { buildSupportBundle, redactionTotals, type BundleFile, type RedactionReport } from './bundle.js';
import { describeEnvironment } from './environment.js';
import type { KnownSecret, RedactorName } from './redactors.js';

export interface SupportBundleOptions extends DeploymentOptions {
  /** Keep e-mail addresses (`--keep-emails`). Default false: an address identifies a person. */
  keepEmails?: boolean;
  /** The config file pantherctl read, when there is one: bundled redacted. Default none. */
  configFile?: { path: string; text: string };
  /** The environment the command runs in. Default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** pantherctl's version, for the manifest and the environment. */
  pantherctlVersion: string;
  /** Events per stack, newest first. Default 500: a root stack's history runs to thousands. */
  eventLimit?: number;
  /** Builds read (the journal's and the project's last). Default 5. */
  buildLimit?: number;
  /** Most recent change sets of the root stack described in full. Default 3: the last upgrade's hops. */
  changeSetLimit?: number;
  /** The bundle's time (file name, manifest). Default now. */
  now?: Date;
}

export interface SupportBundleResult {
  rootStack: string;
  archive: Buffer;
  /** Paths inside the archive, `redactions.json` included. */
  paths: string[];
  report: RedactionReport;
  totals: Partial<Record<RedactorName, number>>;
  /** What could not be read (also in `errors.json`). */
  errors: { what: string; message: string }[];
  /** The archive's top folder: `pantherctl-support-<time>`. */
  root: string;
}

/** Variables whose values are credentials or secrets when set: removed wherever they appear. */
const SECRET_ENV = /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_SECURITY_TOKEN|AWS_ACCESS_KEY_ID|PANTHERCTL_NOTIFY_SECRET|DD_API_KEY|DD_APP_KEY|DATADOG_.*|SEGMENT_.*)$/;

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function supportBundle(options: SupportBundleOptions, io: IoHost): Promise<SupportBundleResult> {
  return withDeployment(options, io, async ({ deps, settings, store }) => {
    const now = options.now ?? new Date();
    const env = options.env ?? process.env;
    const cfn = deps.cloudFormation;
    const files: BundleFile[] = [];
    const errors: { what: string; message: string }[] = [];
    const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
      try {
        return await read();
      } catch (err) {
        errors.push({ what, message: err instanceof Error ? err.message : String(err) });
        return undefined;
      }
    };

    const root = await chooseRootStack(cfn, { ...(settings.rootStack ? { named: settings.rootStack } : {}), roleStack: settings.roleStack });
    const eventLimit = options.eventLimit ?? 500;
    const rootSummary = await attempt(`stack ${root.name}`, () => cfn.describeStack(root.name));
    const role = await attempt(`stack ${settings.roleStack}`, () => cfn.describeStack(settings.roleStack));
    const stacks: { kind: 'root' | 'role' | 'nested'; name: string; stackId: string; status: string; deleted: boolean }[] = [];
    const addStack = async (kind: 'root' | 'role' | 'nested', summary: StackSummary | undefined, stackId: string, name: string, status: string, deleted: boolean): Promise<void> => {
      const dir = `stacks/${kind === 'nested' ? `nested/${name}${deleted ? `-deleted-${stackId.split('/').at(-1) ?? ''}` : ''}` : name}`;
      stacks.push({ kind, name, stackId, status, deleted });
      if (summary) files.push({ path: `${dir}/stack.json`, content: json(summary) });
      const events = await attempt(`events of ${name}`, () => eventsOf(cfn, stackId, eventLimit));
      if (events) files.push({ path: `${dir}/events.json`, content: json(events) });
    };
    if (rootSummary) await addStack('root', rootSummary, rootSummary.stackId, rootSummary.name, rootSummary.status, false);
    if (role) await addStack('role', role, role.stackId, role.name, role.status, false);
    if (rootSummary) {
      // Nested stacks, the deleted ones too: a failed update's cause often sits in a nested
      // stack the rollback has since deleted.
      const listed = (await attempt('nested stacks', () => cfn.listStacks({ includeDeleted: true }))) ?? [];
      for (const s of listed.filter((x) => x.rootId === rootSummary.stackId && x.stackId !== rootSummary.stackId)) {
        const deleted = s.status === 'DELETE_COMPLETE';
        const summary = deleted ? undefined : await attempt(`stack ${s.name}`, () => cfn.describeStack(s.stackId));
        await addStack('nested', summary, s.stackId, s.name, s.status, deleted);
      }
    }

    // The journal: every run on the deployment, the change sets and builds they made.
    const key = rootSummary ? await attempt('journal', () => deploymentKey(deps, settings.connection.region, root.name, rootSummary.stackId)) : undefined;
    const journal: JournalEntry[] = key ? ((await attempt('journal', () => store.read(key))) ?? []) : [];
    if (journal.length > 0) files.push({ path: 'journal/journal.ndjson', content: journal.map((e) => JSON.stringify(e)).join('\n') + '\n' });

    // The root stack's most recent change sets (ListChangeSets, all pages), each described:
    // status, reason, a summary of its changes. Parameters come back NoEcho-masked from AWS and
    // their keys join the redactors' secret keys below.
    const changeSets: ChangeSetSummary[] = [];
    if (rootSummary) {
      const listed = (await attempt(`change sets of ${rootSummary.name}`, () => cfn.listChangeSets(rootSummary.stackId))) ?? [];
      // Newest first by creation time; the listing's own order (oldest first) when a time is missing.
      const recent = listed
        .map((c, i) => ({ c, i }))
        .sort((a, b) => (b.c.creationTime?.getTime() ?? 0) - (a.c.creationTime?.getTime() ?? 0) || b.i - a.i)
        .slice(0, options.changeSetLimit ?? 3);
      for (const { c } of recent) {
        const cs = await attempt(`change set ${c.changeSetName}`, () => cfn.describeChangeSet({ stackName: rootSummary.stackId, changeSetName: c.changeSetId }));
        if (cs) changeSets.push(cs);
      }
      if (changeSets.length > 0 || listed.length > 0) {
        files.push({
          path: 'change-sets/recent.json',
          content: json({
            listed: listed.length,
            recent: changeSets.map((cs) => {
              const entry = recent.find((r) => r.c.changeSetId === cs.changeSetId)?.c;
              return {
                changeSetId: cs.changeSetId,
                changeSetName: cs.changeSetName,
                status: cs.status,
                ...(cs.executionStatus ? { executionStatus: cs.executionStatus } : {}),
                ...(cs.statusReason ? { statusReason: cs.statusReason } : {}),
                ...(entry?.creationTime ? { creationTime: entry.creationTime.toISOString() } : {}),
                ...(entry?.description ? { description: entry.description } : {}),
                parameters: cs.parameters,
                changesByAction: cs.changes.reduce<Record<string, number>>((acc, ch) => ({ ...acc, [ch.action]: (acc[ch.action] ?? 0) + 1 }), {}),
                changes: cs.changes.map((ch) => ({ action: ch.action, logicalId: ch.logicalId, resourceType: ch.resourceType, ...(ch.replacement ? { replacement: ch.replacement } : {}) })),
              };
            }),
          }),
        });
      }
    }

    // The builds: those the journal names, newest first, and the project's last.
    const buildLimit = options.buildLimit ?? 5;
    const builds: BuildSummary[] = [];
    const last = await attempt('last build', () => lastBuildSummary(deps));
    if (last) builds.push(last);
    const journaled = [...new Set(journal.flatMap((e) => ('buildId' in e && typeof e.buildId === 'string' ? [e.buildId] : [])).reverse())];
    for (const id of journaled) {
      if (builds.length >= buildLimit) break;
      if (builds.some((b) => b.buildId === id)) continue;
      const build = await attempt(`build ${id}`, () => deps.codeBuild.getBuild(id));
      if (build) builds.push(await summarizeBuild(deps, build));
    }
    for (const b of builds) files.push({ path: `builds/${b.buildId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`, content: json(b) });

    if (options.configFile) files.push({ path: 'config/pantherctl.yml', content: options.configFile.text });
    files.push({ path: 'environment.json', content: json(describeEnvironment({ pantherctlVersion: options.pantherctlVersion, env })) });
    files.push({
      path: 'manifest.json',
      content: json({
        pantherctlVersion: options.pantherctlVersion,
        createdAt: now.toISOString(),
        region: settings.connection.region,
        ...(key ? { account: key.account } : {}),
        rootStack: root.name,
        roleStack: settings.roleStack,
        versions: {
          ...(rootSummary?.tags.PantherVersion ? { root: rootSummary.tags.PantherVersion } : {}),
          ...(role?.tags.PantherVersion ? { role: role.tags.PantherVersion } : {}),
        },
        stacks,
        builds: builds.map((b) => ({ buildId: b.buildId, status: b.status })),
        journalEntries: journal.length,
        changeSets: changeSets.map((cs) => ({ changeSetName: cs.changeSetName, status: cs.status })),
        keepEmails: Boolean(options.keepEmails),
      }),
    });
    if (errors.length > 0) files.push({ path: 'errors.json', content: json(errors) });

    const secrets: KnownSecret[] = Object.entries(env).flatMap(([name, value]) => (value && SECRET_ENV.test(name) ? [{ key: name, value }] : []));
    const rootDir = `pantherctl-support-${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
    const secretKeys = [...new Set([...(rootSummary?.parameters ?? []), ...(role?.parameters ?? []), ...changeSets.flatMap((cs) => cs.parameters)].filter((p) => /^\*+$/.test(p.value)).map((p) => p.key))];
    const bundle = buildSupportBundle({ files, root: rootDir, redaction: { secrets, secretParameterKeys: secretKeys, keepEmails: Boolean(options.keepEmails) }, mtime: now });
    return { rootStack: root.name, archive: bundle.archive, paths: bundle.paths, report: bundle.report, totals: redactionTotals(bundle.report), errors, root: rootDir };
  });
}

/** The stack's events, newest first, at most `limit`. */
function eventsOf(cfn: CloudFormationGateway, stackId: string, limit: number): Promise<StackEvent[]> {
  return cfn.describeEvents(stackId, { limit });
}
