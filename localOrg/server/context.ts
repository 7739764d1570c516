// What a route handler gets: the request, the org its token selected, and the
// server's shared parts.
import type { World } from '../world/world';
import type { OrgState } from '../world/state';
import type { ApiUsage } from './apiUsage';
import type { Cursors } from './cursors';
import type { Faults } from './faults';
import type { ApiRequest, ApiResponse } from './http';

export interface Shared {
  world: World;
  cursors: Cursors;
  usage: ApiUsage;
  faults: Faults;
  /** `http://127.0.0.1:PORT`, no trailing slash. */
  instanceUrl(): string;
}

export interface Ctx extends Shared {
  req: ApiRequest;
  org: OrgState;
  /** API version of the request, e.g. "62.0". */
  version: string;
  /** Path segments after `/services/data/vXX.X` (and after `tooling`). */
  rest: string[];
  tooling: boolean;
  /** Runs a subrequest for the same org (composite). */
  subrequest(req: ApiRequest): Promise<ApiResponse>;
}

export { LATEST_VERSION, OLDEST_VERSION } from '../data/apiVersion';
