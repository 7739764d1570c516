/**
 * "Load from File…" of the push panel: a file of org ids read from disk (refused past
 * `MAX_ORG_ID_FILE_BYTES` before it is read), its ids checked as a pasted list's are (orgIdsOfFile).
 * A bad line is named by its line number and nothing is loaded.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { describeOrgIdFileProblems, MAX_ORG_ID_FILE_BYTES, orgIdsOfFile } from '../lma/rules/pushSelection';

export type OrgIdFile = { fileName: string; ids: string[] } | { fileName: string; problem: string };

export async function readOrgIdFile(file: string, maxBytes = MAX_ORG_ID_FILE_BYTES): Promise<OrgIdFile> {
  const fileName = basename(file);
  const { size } = await stat(file);
  if (size > maxBytes)
    return {
      fileName,
      problem: `${fileName} is ${sizeText(size)}: a file of org ids is read up to ${sizeText(maxBytes)}, so nothing was loaded.`,
    };
  const { ids, problems } = orgIdsOfFile(await readFile(file, 'utf8'));
  if (problems.length) return { fileName, problem: describeOrgIdFileProblems(fileName, problems) };
  if (!ids.length) return { fileName, problem: `${fileName} has no org id, so nothing was loaded.` };
  return { fileName, ids };
}

function sizeText(bytes: number): string {
  if (bytes < 1_000) return `${bytes} bytes`;
  if (bytes < 1_000_000) return `${Math.round(bytes / 1_000)} KB`;
  return `${(bytes / 1_000_000).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`;
}
