/** The newest REST API version the local org serves (`/services/data/v66.0`), and its default. */
export const LATEST_VERSION = '66.0';
/** The oldest version it serves; 7.0 to 30.0 are retired (410 GONE), as on Salesforce. */
export const OLDEST_VERSION = 31;
