import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './parse.js';
import { CONFIG_SCHEMA_PATH, pantherctlConfigJsonSchemaText } from './schema.js';
import { resolveSettings } from './settings.js';

describe('pantherctl.yml', () => {
  it('parses a valid file', () => {
    expect(parseConfig('region: us-east-2\nrootStack: panther-root\ntimeoutMinutes: 30\n', 'p.yml')).toEqual({ region: 'us-east-2', rootStack: 'panther-root', timeoutMinutes: 30 });
  });

  it('points at the line and column of a bad key or value', () => {
    expect(() => parseConfig('region: us-east-2\nrootStak: x\n', 'p.yml')).toThrow(/^p\.yml:2:1: unknown key "rootStak"/);
    expect(() => parseConfig('region: us-east-2\ntimeoutMinutes: 0\n', 'p.yml')).toThrow(/^p\.yml:2:17: timeoutMinutes/);
  });

  it('reports a YAML syntax error as one clean line file:line:col: message', () => {
    let message = '';
    try {
      parseConfig('region: us-east-2\nbad\n', 'badcfg.yml');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('badcfg.yml:2:1: Implicit map keys need to be followed by map values');
  });

  it('is what the committed JSON Schema describes (run `npm run schema`)', () => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', CONFIG_SCHEMA_PATH), 'utf8');
    expect(committed).toBe(pantherctlConfigJsonSchemaText());
  });
});

describe('resolveSettings', () => {
  it('puts flags over the file over the environment', () => {
    const s = resolveSettings({ region: 'eu-west-1', timeout: 5 }, { region: 'us-east-2', roleStack: 'r', useDeploymentRole: false }, { AWS_REGION: 'us-west-2' });
    expect(s).toMatchObject({ region: 'eu-west-1', roleStack: 'r', useDeploymentRole: false, timeoutMs: 300_000 });
    expect(resolveSettings({}, {}, { AWS_REGION: 'us-west-2' }).region).toBe('us-west-2');
  });

  it('keeps journals and locks in the user state home, whatever the working directory (XDG_STATE_HOME, else ~/.local/state)', () => {
    expect(resolveSettings({ region: 'us-east-2' }, {}, { XDG_STATE_HOME: '/x/state', HOME: '/home/o' }).stateDir).toBe('/x/state/pantherctl');
    // A relative XDG_STATE_HOME is invalid by the XDG Base Directory spec and ignored.
    expect(resolveSettings({ region: 'us-east-2' }, {}, { XDG_STATE_HOME: 'state', HOME: '/home/o' }).stateDir).toBe('/home/o/.local/state/pantherctl');
    expect(resolveSettings({ region: 'us-east-2' }, {}, { HOME: '/home/o' }).stateDir).toBe('/home/o/.local/state/pantherctl');
    expect(resolveSettings({ region: 'us-east-2' }, { stateDir: 'cfg' }, { HOME: '/home/o' }).stateDir).toBe('cfg');
    expect(resolveSettings({ region: 'us-east-2', stateDir: 'flag' }, { stateDir: 'cfg' }, { HOME: '/home/o' }).stateDir).toBe('flag');
  });

  it('asks for a region when none is known', () => {
    expect(() => resolveSettings({}, {}, {})).toThrow(/No region/);
  });
});
