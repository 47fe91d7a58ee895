import { InvalidArgumentError } from 'commander';

/** Option errors name the option and its bound ("Expected `--port` to be at most 65535"). */
export function intOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`Expected \`${name}\` to be a whole number, got "${value}".`);
    const n = Number(value);
    if (n < min) throw new InvalidArgumentError(`Expected \`${name}\` to be at least ${min}.`);
    if (n > max) throw new InvalidArgumentError(`Expected \`${name}\` to be at most ${max}.`);
    return n;
  };
}

export function numberOption(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError(`Expected \`${name}\` to be a number, got "${value}".`);
    if (n < min) throw new InvalidArgumentError(`Expected \`${name}\` to be at least ${min}.`);
    if (n > max) throw new InvalidArgumentError(`Expected \`${name}\` to be at most ${max}.`);
    return n;
  };
}

/** For repeatable options: `--param A=1 --param B=2`. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
