import * as vscode from 'vscode';
import type { CommandId } from '../ids';
import type { CommandPipeline } from './pipeline';

/** A command's handler; its arguments are whatever VS Code passes (a tree node, nothing from the palette). */
export type CommandHandler = (...args: never[]) => unknown;

/**
 * One handler for every command of src/ids.ts. Each commands module returns its part (`satisfies
 * Partial<CommandHandlers>`); activate() joins them into this type, so a contributed command without
 * a handler does not compile.
 */
export type CommandHandlers = { readonly [K in CommandId]: CommandHandler };

/**
 * Registers every handler inside the pipeline's error boundary (a handler built with
 * `pipeline.command` has its own, with its title; this one catches the rest), so that no command
 * ends in an unhandled rejection.
 */
export function registerCommands(handlers: CommandHandlers, pipeline: CommandPipeline): vscode.Disposable[] {
  return Object.entries<CommandHandler>(handlers).map(([id, handler]) =>
    vscode.commands.registerCommand(id, pipeline.guard(handler as (...args: unknown[]) => unknown)),
  );
}
