import { describe, expect, it } from 'vitest';
import { PantherctlError } from '../errors/pantherctl-error.js';
import { mergeInputs, parseParamOverrides, parseParameterFile } from './inputs.js';

function failure(text: string, file = 'params.yml'): PantherctlError {
  try {
    parseParameterFile(text, file);
  } catch (err) {
    if (err instanceof PantherctlError) return err;
    throw err;
  }
  throw new Error('expected a failure');
}

describe('parseParameterFile', () => {
  it('reads a YAML map with value positions, numbers and booleans as written', () => {
    const text = ['# comment', 'FirstUserEmail: admin@example.com', 'DataLakeForwarderMemory: 0512', 'EnableFips: true', 'Segment: ""', "SentryEnvironment: ''"].join('\n');
    expect(parseParameterFile(text, 'p.yml')).toEqual([
      { key: 'FirstUserEmail', value: 'admin@example.com', source: { file: 'p.yml', line: 2, column: 17 } },
      { key: 'DataLakeForwarderMemory', value: '0512', source: { file: 'p.yml', line: 3, column: 26 } },
      { key: 'EnableFips', value: 'true', source: { file: 'p.yml', line: 4, column: 13 } },
      { key: 'Segment', value: '', source: { file: 'p.yml', line: 5, column: 10 } },
      { key: 'SentryEnvironment', value: '', source: { file: 'p.yml', line: 6, column: 20 } },
    ]);
  });

  it('reads a JSON map, tabs included', () => {
    const text = '{\n\t"EnableFips": false,\n\t"SlowRuleMaxUtilization": 1.50\n}\n';
    expect(parseParameterFile(text, 'p.json')).toEqual([
      { key: 'EnableFips', value: 'false', source: { file: 'p.json', line: 2, column: 16 } },
      { key: 'SlowRuleMaxUtilization', value: '1.50', source: { file: 'p.json', line: 3, column: 28 } },
    ]);
  });

  it('reads the AWS CLI list form', () => {
    const text = JSON.stringify(
      [
        { ParameterKey: 'EnableFips', ParameterValue: 'true' },
        { ParameterKey: 'PythonRuntime', UsePreviousValue: true },
        { ParameterKey: 'DataLakeForwarderMemory', ParameterValue: 512, UsePreviousValue: false },
      ],
      null,
      2,
    );
    const inputs = parseParameterFile(text, 'cli.json');
    expect(inputs).toEqual([
      { key: 'EnableFips', value: 'true', source: { file: 'cli.json', line: 4, column: 23 } },
      { key: 'PythonRuntime', usePreviousValue: true, source: { file: 'cli.json', line: 6, column: 3 } },
      { key: 'DataLakeForwarderMemory', value: '512', source: { file: 'cli.json', line: 12, column: 23 } },
    ]);
  });

  it("reads CodePipeline's template configuration", () => {
    const text = '{\n  "Parameters": {\n    "EnableReports": "true"\n  },\n  "Tags": {"team": "sec"}\n}';
    expect(parseParameterFile(text, 'cp.json')).toEqual([{ key: 'EnableReports', value: 'true', source: { file: 'cp.json', line: 3, column: 22 } }]);
  });

  it('keeps duplicate keys for validation to report', () => {
    expect(parseParameterFile('A: 1\nA: 2\n', 'd.yml').map((i) => i.value)).toEqual(['1', '2']);
  });

  it('reads an empty file as no parameters', () => {
    expect(parseParameterFile('', 'e.yml')).toEqual([]);
    expect(parseParameterFile('# nothing\n', 'e.yml')).toEqual([]);
    expect(parseParameterFile('Parameters: {}\n', 'e.yml')).toEqual([]);
  });

  it.each([
    ['{"EnableFips": "true",\n  "X": }', 'p.json:2:', 'broken JSON'],
    ['EnableFips: [true]\n', 'params.yml:1:13:', 'a list value'],
    ['EnableFips:\n', 'params.yml:1:', 'a missing value'],
    ['- ParameterKey: A\n  Bogus: 1\n', 'params.yml:2:3:', 'an unknown list field'],
    ['- ParameterValue: x\n', 'params.yml:1:3:', 'a list item without a key'],
    ['- ParameterKey: A\n  UsePreviousValue: "yes"\n', 'params.yml:2:21:', 'a non-boolean UsePreviousValue'],
    ['- just-a-string\n', 'params.yml:1:3:', 'a scalar list item'],
    ['Parameters: {}\nBogus: 1\n', 'params.yml:2:1:', 'an unknown key beside Parameters'],
    ['"just a string"\n', 'params.yml:1:1:', 'a scalar document'],
    ['1: x\n', 'params.yml:1:1:', 'a numeric key'],
  ])('refuses %j at %s (%s)', (text, where) => {
    const err = failure(text, where.startsWith('p.json') ? 'p.json' : 'params.yml');
    expect(err.code).toBe('invalid-parameter-file');
    expect(err.message.startsWith(where)).toBe(true);
    expect(err.message).not.toContain('\n');
  });

  it('never echoes values in file errors', () => {
    const err = failure('DatadogAPIKey: [canary-1234567]\n');
    expect(err.message).not.toContain('canary');
  });
});

describe('parseParameterFile: anchors and aliases', () => {
  it('reads an alias as the value it names, positioned where the alias is written', () => {
    const text = ['DataLakeForwarderMemory: &mem 512', ...Array.from({ length: 120 }, (_, i) => `Key${i}: *mem`)].join('\n');
    const inputs = parseParameterFile(text, 'p.yml');
    expect(inputs).toHaveLength(121);
    expect(inputs.every((i) => i.value === '512')).toBe(true);
    expect(inputs[1]).toEqual({ key: 'Key0', value: '512', source: { file: 'p.yml', line: 2, column: 7 } });
    const list = parseParameterFile('- {ParameterKey: A, ParameterValue: &v "x"}\n- {ParameterKey: B, ParameterValue: *v}\n', 'l.yml');
    expect(list.map((i) => i.value)).toEqual(['x', 'x']);
    expect(parseParameterFile('Parameters: &p {A: "1"}\n', 'c.yml')).toEqual([{ key: 'A', value: '1', source: { file: 'c.yml', line: 1, column: 20 } }]);
  });

  it('refuses an alias of a list as a value, too many aliases, a missing anchor and deep nesting, with file:line:col', () => {
    expect(failure('Tags: &t {Team: x}\nParameters: {A: *t}\n').message).toBe('params.yml:2:17: A must be a single value, not a list or map');
    const many = ['A: &v 1', ...Array.from({ length: 1000 }, (_, i) => `K${i}: *v`)].join('\n');
    expect(failure(many).message).toMatch(/^params\.yml:1001:\d+: too many aliases/);
    expect(failure('A: *v\n')).toMatchObject({ code: 'invalid-parameter-file', message: 'params.yml:1:4: alias *v has no anchor &v before it' });
    expect(failure(`A: ${'{'.repeat(1000)}`).message).toBe('params.yml:1:68: the document nests lists and maps more than 64 levels deep');
  });
});

describe('parseParamOverrides', () => {
  it('splits at the first =, allowing empty values and = in values', () => {
    expect(parseParamOverrides(['EnableFips=true', 'SentryEnvironment=', 'Segment=a=b'])).toEqual([
      { key: 'EnableFips', value: 'true', source: { flag: '--param EnableFips' } },
      { key: 'SentryEnvironment', value: '', source: { flag: '--param SentryEnvironment' } },
      { key: 'Segment', value: 'a=b', source: { flag: '--param Segment' } },
    ]);
  });

  it.each(['EnableFips', '=true', 'Bad Key=secret-canary', 'a-b=1'])('refuses %j as a usage error without echoing values', (flag) => {
    let caught: unknown;
    try {
      parseParamOverrides([flag]);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(PantherctlError);
    const err = caught as PantherctlError;
    expect(err.source).toBe('usage');
    expect(err.exitCode).toBe(2);
    expect(err.message).not.toContain('canary');
  });
});

describe('mergeInputs', () => {
  it('replaces file entries in place, appends new keys, last override wins', () => {
    const file = parseParameterFile('A: 1\nB: 2\nA: 3\n', 'f.yml');
    const merged = mergeInputs(file, parseParamOverrides(['A=x', 'C=y', 'A=z']));
    expect(merged.map((i) => `${i.key}=${i.value}`)).toEqual(['A=z', 'B=2', 'C=y']);
    expect(merged[0]?.source).toEqual({ flag: '--param A' });
    expect(merged[1]?.source).toEqual({ file: 'f.yml', line: 2, column: 4 });
  });
});
