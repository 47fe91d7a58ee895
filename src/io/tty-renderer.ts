import type { Message } from './messages.js';
import type { Renderer } from './renderers.js';
import { createStyle } from './style.js';

/**
 * Interactive terminal: messages print as lines; long-running commands may later add a live
 * region (hop i of n, resources in progress, elapsed) redrawn below them.
 */
export class TtyRenderer implements Renderer {
  private readonly style;
  constructor(
    private readonly stdout: NodeJS.WritableStream,
    color: boolean,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.style = createStyle(color);
  }
  notify(message: Message): void {
    if (message.level === 'debug') return;
    const prefix = message.level === 'error' ? this.style.red('✖ ') : message.level === 'warn' ? this.style.yellow('! ') : '';
    this.stdout.write(`${prefix}${message.text}\n`);
    void this.now;
  }
  close(): void {}
}
