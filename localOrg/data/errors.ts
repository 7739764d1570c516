// Errors carry Salesforce's wire shape so the HTTP layer can answer with
// `[{ message, errorCode, fields }]` and the right status without guessing.

export interface SalesforceErrorBody {
  message: string;
  errorCode: string;
  fields: string[];
}

const STATUS_BY_CODE: Record<string, number> = {
  NOT_FOUND: 404,
  ENTITY_IS_DELETED: 404,
  PRECONDITION_FAILED: 412,
};

export class SalesforceError extends Error {
  readonly errorCode: string;
  readonly fields: string[];
  /** HTTP status the REST API answers with for this error. */
  readonly statusCode: number;

  constructor(errorCode: string, message: string, fields: string[] = [], statusCode?: number) {
    super(message);
    this.name = 'SalesforceError';
    this.errorCode = errorCode;
    this.fields = fields;
    this.statusCode = statusCode ?? STATUS_BY_CODE[errorCode] ?? 400;
  }

  toBody(): SalesforceErrorBody[] {
    return [{ message: this.message, errorCode: this.errorCode, fields: this.fields }];
  }
}

export const malformedQuery = (message: string): SalesforceError =>
  new SalesforceError('MALFORMED_QUERY', message);

export const invalidField = (field: string, sobject: string): SalesforceError =>
  new SalesforceError(
    'INVALID_FIELD',
    `No such column '${field}' on entity '${sobject}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
    [field],
  );

export const invalidType = (sobject: string): SalesforceError =>
  new SalesforceError(
    'INVALID_TYPE',
    `sObject type '${sobject}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const notFound = (): SalesforceError =>
  new SalesforceError('NOT_FOUND', 'The requested resource does not exist', [], 404);

export const malformedId = (id: string): SalesforceError =>
  new SalesforceError('MALFORMED_ID', `malformed id ${id}`, ['Id']);

/** 412: the record changed since the caller's If-Unmodified-Since. The real errorCode is unconfirmed. */
export const preconditionFailed = (): SalesforceError =>
  new SalesforceError(
    'PRECONDITION_FAILED',
    'The requested resource has been modified since the If-Unmodified-Since date',
    [],
    412,
  );
