import * as vscode from 'vscode';
import type { CommandId } from '../ids';

/** A command's handler; its arguments are whatever VS Code passes (a tree node, nothing from the palette). */
export type CommandHandler = (...args: never[]) => unknown;

/**
 * One handler for every command of src/ids.ts. Each commands module returns its part (`satisfies
 * Partial<CommandHandlers>`); activate() joins them into this type, so a contributed command without
 * a handler does not compile.
 */
export type CommandHandlers = { readonly [K in CommandId]: CommandHandler };

export function registerCommands(handlers: CommandHandlers): vscode.Disposable[] {
  return Object.entries<CommandHandler>(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, handler as (...args: unknown[]) => unknown),
  );
}
