import type { ProgramBuilder } from '../main.js';

export function registerParamsCommand(_b: ProgramBuilder): void {}
